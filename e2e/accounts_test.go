package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

func TestAccountCreateEveryField(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Accounts Full")
		sales := mustCreateManager(t, s.Admin, r.ID, "sales")
		in := client.AccountInput{
			AccountTypeID: client.Int(acBusiness), PrimaryName: client.String("  Example LLC "),
			FirstName: client.String("Ann"), MiddleName: client.String("Maria"), LastName: client.String("Lee"),
			Email: client.String("Ann.Lee@Example.COM"), Country: client.String("de"), Region: client.String("Berlin"),
			City: client.String("Berlin"), Street: client.String("Unter den Linden"), Building: client.String("5"),
			Office: client.String("12a"), Zip: client.String("10117"), Phone: client.String("+4930123456"),
			INN: client.String("7707083893"), ManagerID: client.Int(sales.ID), AccountClassKey: client.String("postpay"),
			Currency: client.String("usd"), CreditLimit: client.String("150.25"), ExternalKey: client.String("crm-42"),
			CustomAttributes: map[string]*string{"segment": client.String("smb")},
		}
		a, err := s.Admin.CreateAccount(ctx, r.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		now := clock.Now()
		checks := []struct {
			name      string
			got, want any
		}{
			{"reseller_id", a.ResellerID, r.ID},
			{"name", a.Name, "Example LLC"},
			{"account_type_id", a.AccountTypeID, acBusiness},
			{"account_class_id", a.AccountClassID, int64(3)},
			{"account_class_key", a.AccountClassKey, "postpay"},
			{"primary_name", a.PrimaryName, "Example LLC"},
			{"first_name", a.FirstName, "Ann"},
			{"middle_name", a.MiddleName, "Maria"},
			{"last_name", a.LastName, "Lee"},
			{"email", a.Email, "ann.lee@example.com"},
			{"country", a.Country, "DE"},
			{"region", a.Region, "Berlin"},
			{"city", a.City, "Berlin"},
			{"street", a.Street, "Unter den Linden"},
			{"building", a.Building, "5"},
			{"office", a.Office, "12a"},
			{"zip", a.Zip, "10117"},
			{"phone", a.Phone, "+4930123456"},
			{"inn", a.INN, "7707083893"},
			{"status", a.Status, "active"},
			{"manager_id", *a.ManagerID, sales.ID},
			{"tech_user_id", a.TechUserID == nil, true},
			{"owner_id", a.OwnerID != nil, true},
			{"currency", a.Currency, "USD"},
			{"balance", a.Balance, "0.0"},
			{"credit_limit", a.CreditLimit, "150.25"},
			{"credit_limit_use_system", a.CreditLimitUseSystem, false},
			{"external_key", *a.ExternalKey, "crm-42"},
			{"custom_attributes", a.CustomAttributes["segment"], "smb"},
			{"created_at", a.CreatedAt.Equal(now), true},
			{"updated_at", a.UpdatedAt.Equal(now), true},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
		got, err := s.Admin.GetAccount(ctx, r.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != a.Name || got.Email != a.Email || got.CreditLimit != a.CreditLimit || *got.OwnerID != *a.OwnerID {
			t.Errorf("GET = %+v, want the created %+v", got, a)
		}
	})
}

func TestAccountCreateDefaults(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		r := mustCreateReseller(t, s.Admin, 1, "Accounts Defaults") // currency EUR
		in := client.AccountInput{AccountTypeID: client.Int(acPersonal), FirstName: client.String("Jan"),
			MiddleName: client.String(""), LastName: client.String("Nowak"), Email: client.String("jan@example.com")}
		a := acMustCreate(t, s.Admin, r.ID, in)
		if a.Name != "Jan Nowak" {
			t.Errorf("name = %q, want the personal pattern's \"Jan Nowak\"", a.Name)
		}
		if a.Currency != "EUR" {
			t.Errorf("currency = %q, want the reseller's EUR", a.Currency)
		}
		if a.AccountClassKey != "default" || a.AccountClassID != 1 {
			t.Errorf("class = %d %q, want the default class", a.AccountClassID, a.AccountClassKey)
		}
		if !a.CreditLimitUseSystem || a.CreditLimit != "0.0" || a.Balance != "0.0" {
			t.Errorf("credit limit %q (system %v), balance %q; want the class's 0.0 and 0.0", a.CreditLimit,
				a.CreditLimitUseSystem, a.Balance)
		}
		if a.ManagerID != nil || a.TechUserID != nil || a.ExternalKey != nil || a.OwnerID == nil {
			t.Errorf("manager %v tech %v key %v owner %v; want null, null, null and an owner", a.ManagerID,
				a.TechUserID, a.ExternalKey, a.OwnerID)
		}
		if len(a.CustomAttributes) != 0 || a.CustomAttributes == nil {
			t.Errorf("custom_attributes = %v, want {}", a.CustomAttributes)
		}
	})
}

func TestAccountOwner(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Accounts Owner")

		// By default the contract person becomes the Owner.
		first := acMustCreate(t, s.Admin, r.ID, acPerson("Olga", "First"))
		tok, err := s.Admin.GetLoginToken(ctx, r.ID, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tok.OwnerEmail != first.Email {
			t.Errorf("owner e-mail = %q, want the contract person's %q", tok.OwnerEmail, first.Email)
		}

		// new_owner_* make another user the Owner.
		in := acPerson("Paul", "Second")
		in.NewOwnerFirstName, in.NewOwnerLastName = client.String("Owen"), client.String("Owner")
		in.NewOwnerEmail = client.String("Owen.Owner@Example.com")
		second := acMustCreate(t, s.Admin, r.ID, in)
		tok, err = s.Admin.GetLoginToken(ctx, r.ID, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		signed, err := s.Admin.SignIn(ctx, tok.OwnerEmail, tok.OwnerToken)
		if err != nil {
			t.Fatal(err)
		}
		if u := signed.User; u.Email != "owen.owner@example.com" || u.FirstName != "Owen" || u.LastName != "Owner" ||
			u.ID != *second.OwnerID || signed.AccountID != second.ID {
			t.Errorf("owner of the second account = %+v (account %d), want Owen Owner, user %d of account %d",
				u, signed.AccountID, *second.OwnerID, second.ID)
		}

		// An Owner e-mail that is already a user's attaches that user.
		in = acPerson("Rita", "Third")
		in.NewOwnerEmail = client.String("OWEN.OWNER@example.com")
		third := acMustCreate(t, s.Admin, r.ID, in)
		if *third.OwnerID != *second.OwnerID {
			t.Errorf("owner of the third account = %d, want the existing user %d", *third.OwnerID, *second.OwnerID)
		}

		// owner_id attaches an existing user, who may also be the technical contact.
		in = acPerson("Sam", "Fourth")
		in.OwnerID, in.TechUserID = first.OwnerID, first.OwnerID
		fourth := acMustCreate(t, s.Admin, r.ID, in)
		if *fourth.OwnerID != *first.OwnerID || fourth.TechUserID == nil || *fourth.TechUserID != *first.OwnerID {
			t.Errorf("fourth: owner %v tech %v, want both %d", fourth.OwnerID, fourth.TechUserID, *first.OwnerID)
		}

		// filter[user_email] finds every account the user belongs to.
		p := acList(t, s.Admin, r.ID, map[string]string{"user_email": "Owen.Owner@example.com"}, "id")
		if got := acIDs(p); len(got) != 2 || got[0] != second.ID || got[1] != third.ID {
			t.Errorf("accounts of owen.owner = %v, want [%d %d]", got, second.ID, third.ID)
		}
	})
}

func TestAccountUpdate(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Accounts Update")
		sales := mustCreateManager(t, s.Admin, r.ID, "sales")
		a := acMustCreate(t, s.Admin, r.ID, acCompany("Old Name GmbH"))
		created := a.CreatedAt

		clock.Advance(time.Hour)
		u, err := s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acBusiness),
			PrimaryName: client.String("New Name GmbH"), MiddleName: client.String("Q"), Email: client.String("NEW@example.com"),
			Country: client.String("at"), Region: client.String("Tyrol"), City: client.String("Innsbruck"),
			Street: client.String("Main"), Building: client.String("1"), Office: client.String("2"), Zip: client.String("6020"),
			Phone: client.String("00431234567"), INN: client.String("123"), ManagerID: client.Int(sales.ID),
			AccountClassKey: client.String("prepay"), Currency: client.String(a.Currency),
			ExternalKey: client.String("ext-1"), Status: client.String("administrative_hold"),
			CustomAttributes: map[string]*string{"tier": client.String("gold")}})
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "New Name GmbH" || u.MiddleName != "Q" || u.Email != "new@example.com" || u.Country != "AT" ||
			u.Region != "Tyrol" || u.City != "Innsbruck" || u.Street != "Main" || u.Building != "1" || u.Office != "2" ||
			u.Zip != "6020" || u.Phone != "00431234567" || u.INN != "123" || *u.ManagerID != sales.ID ||
			u.AccountClassKey != "prepay" || u.AccountClassID != 2 || *u.ExternalKey != "ext-1" ||
			u.Status != "administrative_hold" || u.CustomAttributes["tier"] != "gold" {
			t.Errorf("updated account = %+v", u)
		}
		if !u.CreatedAt.Equal(created) || !u.UpdatedAt.Equal(clock.Now()) {
			t.Errorf("created %v updated %v, want %v and %v", u.CreatedAt, u.UpdatedAt, created, clock.Now())
		}

		// Switching to the personal type rebuilds the name from its pattern.
		u, err = s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			FirstName: client.String("Eva"), LastName: client.String("Berg")})
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Eva Berg" || u.AccountTypeID != acPersonal {
			t.Errorf("after the type change: name %q type %d, want \"Eva Berg\" and %d", u.Name, u.AccountTypeID, acPersonal)
		}

		// A manual limit alone switches to it; use_system: true goes back to the class's.
		u, err = s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			CreditLimit: client.String("99.5")})
		if err != nil {
			t.Fatal(err)
		}
		if u.CreditLimit != "99.5" || u.CreditLimitUseSystem {
			t.Errorf("manual limit: %q system %v, want 99.5 false", u.CreditLimit, u.CreditLimitUseSystem)
		}
		u, err = s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			CreditLimitUseSystem: client.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if u.CreditLimit != "0.0" || !u.CreditLimitUseSystem {
			t.Errorf("system limit: %q system %v, want the class's 0.0", u.CreditLimit, u.CreditLimitUseSystem)
		}

		// 0 unlinks the manager and the technical contact, "" clears the key, null
		// removes a custom attribute, and the status goes back to active.
		u, err = s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			ManagerID: client.Int(0), TechUserID: client.Int(0), ExternalKey: client.String(""),
			Status: client.String("active"), CustomAttributes: map[string]*string{"tier": nil}})
		if err != nil {
			t.Fatal(err)
		}
		if u.ManagerID != nil || u.TechUserID != nil || u.ExternalKey != nil || u.Status != "active" || len(u.CustomAttributes) != 0 {
			t.Errorf("cleared account = %+v", u)
		}

		// The technical contact must be a user of the account: the Owner is one.
		u, err = s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			TechUserID: a.OwnerID})
		if err != nil {
			t.Fatal(err)
		}
		if u.TechUserID == nil || *u.TechUserID != *a.OwnerID {
			t.Errorf("tech_user_id = %v, want the owner %d", u.TechUserID, *a.OwnerID)
		}

		// A change that changes nothing leaves updated_at alone.
		before := u.UpdatedAt
		clock.Advance(time.Hour)
		u, err = s.Admin.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			FirstName: client.String("Eva")})
		if err != nil {
			t.Fatal(err)
		}
		if !u.UpdatedAt.Equal(before) {
			t.Errorf("updated_at moved to %v on a no-op change, want %v", u.UpdatedAt, before)
		}
	})
}

func TestAccountChildResellerReads(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		top := mustCreateReseller(t, s.Admin, 1, "Accounts Top")
		mid := mustCreateReseller(t, s.Admin, top.ID, "Accounts Mid")
		low := mustCreateReseller(t, s.Admin, mid.ID, "Accounts Low")
		own := acMustCreate(t, s.Admin, top.ID, acPerson("Top", "Own"))
		m := acMustCreate(t, s.Admin, mid.ID, acPerson("Mid", "Customer"))
		l := acMustCreate(t, s.Admin, low.ID, acPerson("Low", "Customer"))

		p, err := s.Admin.ListChildResellerAccounts(ctx, top.ID, &client.ListOptions{Sort: "id"})
		if err != nil {
			t.Fatal(err)
		}
		if got := acIDs(p); len(got) != 2 || got[0] != m.ID || got[1] != l.ID || p.TotalCount != 2 {
			t.Errorf("accounts below %d = %v (total %d), want [%d %d]", top.ID, got, p.TotalCount, m.ID, l.ID)
		}
		p, err = s.Admin.ListChildResellerAccounts(ctx, top.ID, &client.ListOptions{
			Filter: map[string]string{"reseller_id": strconv.FormatInt(low.ID, 10), "email": l.Email}})
		if err != nil {
			t.Fatal(err)
		}
		if got := acIDs(p); len(got) != 1 || got[0] != l.ID {
			t.Errorf("accounts below %d of reseller %d = %v, want [%d]", top.ID, low.ID, got, l.ID)
		}

		got, err := s.Admin.GetChildResellerAccount(ctx, top.ID, l.ID)
		if err != nil || got.ID != l.ID || got.ResellerID != low.ID {
			t.Fatalf("child account %d below %d = %+v, %v", l.ID, top.ID, got, err)
		}
		// The path reseller's own account is not below it.
		_, err = s.Admin.GetChildResellerAccount(ctx, top.ID, own.ID)
		if e := apiError(t, err, 404); e.Errors[0].Code != "account_not_found" {
			t.Errorf("own account through child_reseller_accounts: %v", e)
		}
		// Nor is an account above it.
		_, err = s.Admin.GetChildResellerAccount(ctx, mid.ID, own.ID)
		apiError(t, err, 404)
	})
}
