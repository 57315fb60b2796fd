package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

func TestAccountCreateValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Accounts Validation")
		other := mustCreateReseller(t, s.Admin, 1, "Accounts Other")
		owner := mustCreateManager(t, s.Admin, r.ID, "owner")
		inactive := mustCreateManager(t, s.Admin, r.ID, "sales")
		if _, err := s.Admin.UpdateManager(ctx, r.ID, inactive.ID, client.ManagerInput{Status: client.String("inactive")}); err != nil {
			t.Fatal(err)
		}
		foreign := mustCreateManager(t, s.Admin, other.ID, "sales")
		create := func(in client.AccountInput) error {
			_, err := s.Admin.CreateAccount(ctx, r.ID, in)
			return err
		}

		t.Run("ErrRequired", func(t *testing.T) {
			// Each missing field is its own error, all in one answer.
			acWantErrors(t, create(client.AccountInput{}), map[string]string{
				"account_type_id": "required", "first_name": "blank", "last_name": "blank", "email": "blank"})
			in := acPerson("A", "B")
			in.FirstName, in.LastName = client.String("  "), client.String("")
			acWantErrors(t, create(in), map[string]string{"first_name": "blank", "last_name": "blank"})
		})
		t.Run("ErrFormats", func(t *testing.T) {
			in := acPerson("A", "B")
			in.Email, in.Country, in.Currency = client.String("not-an-email"), client.String("XX"), client.String("ABC")
			in.Phone, in.CreditLimit = client.String("12345"), client.String("-1")
			acWantErrors(t, create(in), map[string]string{"email": "invalid_email", "country": "invalid_country",
				"currency": "invalid_currency", "phone": "invalid_phone", "credit_limit": "invalid_credit_limit"})
			in = acPerson("A", "B")
			in.CreditLimit = client.String("1.0000001")
			acWantErrors(t, create(in), map[string]string{"credit_limit": "invalid_credit_limit"})
		})
		t.Run("ErrAccountType", func(t *testing.T) {
			in := acPerson("A", "B")
			in.AccountTypeID = client.Int(99)
			acWantErrors(t, create(in), map[string]string{"account_type_id": "unknown_account_type"})
			in.AccountTypeID = client.Int(0)
			acWantErrors(t, create(in), map[string]string{"account_type_id": "invalid_id"})
			resp := mgDo(t, s.Admin, "POST", "/api/v3/resellers/"+strconv.FormatInt(r.ID, 10)+"/accounts",
				`{"data":{"attributes":{"account_type_id":"business","first_name":"A","last_name":"B","email":"a@b.de"}}}`)
			mgOnlyPointer(t, mgErrorOf(t, resp, 422), "/data/attributes/account_type_id")
		})
		t.Run("ErrPrimaryNameForBusiness", func(t *testing.T) {
			in := acPerson("A", "B")
			in.AccountTypeID = client.Int(acBusiness)
			acWantErrors(t, create(in), map[string]string{"primary_name": "blank"})
		})
		t.Run("ErrManager", func(t *testing.T) {
			for name, id := range map[string]int64{"inactive": inactive.ID, "not sales": owner.ID,
				"other reseller": foreign.ID, "missing": 999999} {
				in := acPerson("A", "B")
				in.ManagerID = client.Int(id)
				err := create(in)
				acWantErrors(t, err, map[string]string{"manager_id": "not_sales_manager"})
				if e := apiError(t, err, 422); e.Errors[0].Detail != "manager_id must be an active manager with the Sales person role of the account's reseller" {
					t.Errorf("%s manager: detail %q", name, e.Errors[0].Detail)
				}
			}
		})
		t.Run("ErrReferences", func(t *testing.T) {
			in := acPerson("A", "B")
			in.AccountClassKey, in.OwnerID, in.TechUserID = client.String("gold"), client.Int(999999), client.Int(999998)
			acWantErrors(t, create(in), map[string]string{"account_class_key": "unknown_account_class",
				"owner_id": "unknown_user", "tech_user_id": "not_account_user"})
			// On create the technical contact can only be the Owner named by owner_id.
			a := acMustCreate(t, s.Admin, r.ID, acPerson("Tech", "Owner"))
			in = acPerson("A", "B")
			in.TechUserID = a.OwnerID
			acWantErrors(t, create(in), map[string]string{"tech_user_id": "not_account_user"})
		})
		t.Run("ErrOwnerExclusive", func(t *testing.T) {
			a := acMustCreate(t, s.Admin, r.ID, acPerson("Some", "Owner"))
			in := acPerson("A", "B")
			in.OwnerID, in.NewOwnerEmail = a.OwnerID, client.String("x@example.com")
			acWantErrors(t, create(in), map[string]string{"new_owner_email": "owner_exclusive"})
		})
		t.Run("ErrBalanceAndStatus", func(t *testing.T) {
			resp := mgDo(t, s.Admin, "POST", "/api/v3/resellers/"+strconv.FormatInt(r.ID, 10)+"/accounts",
				`{"data":{"attributes":{"account_type_id":2,"first_name":"A","last_name":"B","email":"a@b.de",`+
					`"balance":"100","status":"credit_hold"}}}`)
			e := mgErrorOf(t, resp, 422)
			if !acHasError(e, "/data/attributes/balance", "not_updatable") ||
				!acHasError(e, "/data/attributes/status", "credit_hold_automatic") || len(e.Errors) != 2 {
				t.Errorf("balance and credit_hold on create: %v", mgSources(e))
			}
		})
		t.Run("ErrTypes", func(t *testing.T) {
			path := "/api/v3/resellers/" + strconv.FormatInt(r.ID, 10) + "/accounts"
			for body, ptr := range map[string]string{
				`{"data":{"attributes":{"account_type_id":2,"first_name":5}}}`:              "/data/attributes/first_name",
				`{"data":{"attributes":{"account_type_id":2,"credit_limit":true}}}`:         "/data/attributes/credit_limit",
				`{"data":{"attributes":{"account_type_id":2,"manager_id":"x"}}}`:            "/data/attributes/manager_id",
				`{"data":{"attributes":{"account_type_id":2,"custom_attributes":[1]}}}`:     "/data/attributes/custom_attributes",
				`{"data":{"attributes":{"account_type_id":2,"credit_limit_use_system":2}}}`: "/data/attributes/credit_limit_use_system",
			} {
				mgOnlyPointer(t, mgErrorOf(t, mgDo(t, s.Admin, "POST", path, body), 422), ptr)
			}
			// A credit limit may come as a JSON number, kept exactly.
			resp := mgDo(t, s.Admin, "POST", path, `{"data":{"attributes":{"account_type_id":2,"first_name":"N",`+
				`"last_name":"M","email":"n@example.com","credit_limit":12.345678}}}`)
			if resp.StatusCode != 201 {
				t.Fatalf("numeric credit limit: %d %s", resp.StatusCode, resp.Body)
			}
		})
		t.Run("RussianText", func(t *testing.T) {
			in := acPerson("A", "B")
			in.Email = client.String("nope")
			_, err := s.Admin.CreateAccount(ctx, r.ID, in, client.WithLocale("ru"))
			e := apiError(t, err, 422)
			if e.Errors[0].Detail != "email не является корректным адресом e-mail" || e.Errors[0].Title != "Неверное значение" {
				t.Errorf("ru error = %+v", e.Errors[0])
			}
		})
	})
}

func TestAccountUpdateValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Accounts Update Validation")
		a := acMustCreate(t, s.Admin, r.ID, acPerson("Val", "Idate"))
		other := acMustCreate(t, s.Admin, r.ID, acPerson("Other", "User"))
		update := func(in client.AccountInput) error {
			_, err := s.Admin.UpdateAccount(ctx, r.ID, a.ID, in)
			return err
		}
		// account_type_id is required on update, as documented.
		acWantErrors(t, update(client.AccountInput{FirstName: client.String("X")}), map[string]string{"account_type_id": "required"})
		acWantErrors(t, update(client.AccountInput{AccountTypeID: client.Int(acPersonal), Currency: client.String("USD")}),
			map[string]string{"currency": "not_updatable"})
		acWantErrors(t, update(client.AccountInput{AccountTypeID: client.Int(acBusiness)}),
			map[string]string{"primary_name": "blank"})
		acWantErrors(t, update(client.AccountInput{AccountTypeID: client.Int(acPersonal), Email: client.String(""),
			OwnerID: client.Int(1), NewOwnerEmail: client.String("n@example.com")}),
			map[string]string{"email": "blank", "owner_id": "not_updatable", "new_owner_email": "not_updatable"})
		// A user of another account is no technical contact of this one.
		acWantErrors(t, update(client.AccountInput{AccountTypeID: client.Int(acPersonal), TechUserID: other.OwnerID}),
			map[string]string{"tech_user_id": "not_account_user"})
		acWantErrors(t, update(client.AccountInput{AccountTypeID: client.Int(acPersonal), Status: client.String("closed")}),
			map[string]string{"status": "not_in_list"})
		resp := mgDo(t, s.Admin, "PATCH", "/api/v3/resellers/"+strconv.FormatInt(r.ID, 10)+"/accounts/"+strconv.FormatInt(a.ID, 10),
			`{"data":{"attributes":{"account_type_id":2,"balance":"5.0"}}}`)
		mgOnlyPointer(t, mgErrorOf(t, resp, 422), "/data/attributes/balance")

		// Nothing was written by the refused changes.
		got, err := s.Admin.GetAccount(ctx, r.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != a.Email || got.Currency != a.Currency || got.Balance != "0.0" || got.TechUserID != nil {
			t.Errorf("after refused updates: %+v", got)
		}
	})
}
