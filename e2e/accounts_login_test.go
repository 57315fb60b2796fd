package e2e

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/benchseed"
	"github.com/cascade-billing/cascade/internal/domain"
)

// acSignInError asserts that redeeming the token fails with 401 login_token_invalid.
func acSignInError(t *testing.T, c *client.Client, email, token string) {
	t.Helper()
	_, err := c.SignIn(context.Background(), email, token)
	if e := apiError(t, err, 401); e.Errors[0].Code != "login_token_invalid" {
		t.Errorf("sign in: %v, want login_token_invalid", e)
	}
}

func TestAccountLoginToken(t *testing.T) {
	acEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Account Login")
		a := acMustCreate(t, s.Admin, r.ID, acPerson("Lena", "Login"))

		t.Run("OnceOnly", func(t *testing.T) {
			tok, err := s.Admin.GetLoginToken(ctx, r.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tok.OwnerEmail != a.Email || len(tok.OwnerToken) < 20 {
				t.Fatalf("token = %+v, want the owner's e-mail %q and a long token", tok, a.Email)
			}
			u, err := url.Parse(s.Admin.SignInURL(tok))
			if err != nil || u.Path != "/" || u.Query().Get("user_email") != a.Email || u.Query().Get("user_token") != tok.OwnerToken {
				t.Errorf("sign-in URL = %s", s.Admin.SignInURL(tok))
			}
			// The wrong e-mail neither signs in nor spends the token.
			acSignInError(t, s.Admin, "someone.else@example.com", tok.OwnerToken)
			in, err := s.Admin.SignIn(ctx, tok.OwnerEmail, tok.OwnerToken)
			if err != nil {
				t.Fatal(err)
			}
			if in.AccountID != a.ID || in.User.ID != *a.OwnerID || in.User.Email != a.Email ||
				in.User.FirstName != "Lena" || in.User.LastName != "Login" || in.User.Status != "active" {
				t.Errorf("signed in = %+v, want the owner %d of account %d", in, *a.OwnerID, a.ID)
			}
			acSignInError(t, s.Admin, tok.OwnerEmail, tok.OwnerToken)
			acSignInError(t, s.Admin, tok.OwnerEmail, "not-a-token")
		})
		t.Run("Expires", func(t *testing.T) {
			tok, err := s.Admin.GetLoginToken(ctx, r.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(10*time.Minute + time.Second)
			acSignInError(t, s.Admin, tok.OwnerEmail, tok.OwnerToken)

			// Just inside the lifetime it still works.
			tok, err = s.Admin.GetLoginToken(ctx, r.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(10*time.Minute - time.Second)
			if _, err := s.Admin.SignIn(ctx, tok.OwnerEmail, tok.OwnerToken); err != nil {
				t.Errorf("sign in a second before expiry: %v", err)
			}
		})
		t.Run("ConcurrentUse", func(t *testing.T) {
			tok, err := s.Admin.GetLoginToken(ctx, r.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var (
				wg sync.WaitGroup
				mu sync.Mutex
				ok int
			)
			for i := 0; i < 6; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Admin.SignIn(ctx, tok.OwnerEmail, tok.OwnerToken); err == nil {
						mu.Lock()
						ok++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if ok != 1 {
				t.Errorf("%d of 6 concurrent sign-ins succeeded, want 1", ok)
			}
		})
		t.Run("BadParameters", func(t *testing.T) {
			base := "/api/v3/resellers/" + strconv.FormatInt(r.ID, 10) + "/user_authentication/token"
			for query, code := range map[string]string{"": "required", "?account_id=": "required",
				"?account_id=abc": "invalid_id", "?account_id=-4": "invalid_id"} {
				e := mgErrorOf(t, mgDo(t, s.Admin, "GET", base+query, ""), 400)
				if !hasParameter(e, "account_id") || e.Errors[0].Code != code {
					t.Errorf("%q: %+v, want %s at account_id", query, e.Errors, code)
				}
			}
			_, err := s.Admin.GetLoginToken(ctx, r.ID, 999999)
			if e := apiError(t, err, 404); e.Errors[0].Code != "account_not_found" {
				t.Errorf("missing account: %v", e)
			}
			anon := s.client("")
			e := mgErrorOf(t, mgDo(t, anon, "GET", "/?user_token=x", ""), 400)
			if !hasParameter(e, "user_email") || len(e.Errors) != 1 {
				t.Errorf("sign in without user_email: %v", mgSources(e))
			}
			e = mgErrorOf(t, mgDo(t, anon, "GET", "/", ""), 400)
			if !hasParameter(e, "user_email") || !hasParameter(e, "user_token") {
				t.Errorf("sign in without parameters: %v", mgSources(e))
			}
		})
		t.Run("NoOwner", func(t *testing.T) {
			// Accounts imported without users have no one to sign in as.
			seeded := mustCreateReseller(t, s.Admin, 1, "Account Seeded")
			if err := benchseed.OwnerlessAccounts(ctx, s.DB, s.Service.Clock().Now(), seeded.ID, 3); err != nil {
				t.Fatal(err)
			}
			p := acList(t, s.Admin, seeded.ID, nil, "id")
			if p.TotalCount != 3 || p.Items[0].OwnerID != nil {
				t.Fatalf("seeded: %d accounts, first owner %v", p.TotalCount, p.Items[0].OwnerID)
			}
			_, err := s.Admin.GetLoginToken(ctx, seeded.ID, p.Items[0].ID)
			if e := apiError(t, err, 409); e.Errors[0].Code != "account_has_no_owner" {
				t.Errorf("login token of an ownerless account: %v", e)
			}
		})
	})
}

func TestAccountAttributes(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Account Attributes")
		s1 := mustCreateManager(t, s.Admin, r.ID, "sales")
		s2 := mustCreateManager(t, s.Admin, r.ID, "sales")
		off := mustCreateManager(t, s.Admin, r.ID, "sales")
		if _, err := s.Admin.UpdateManager(ctx, r.ID, off.ID, client.ManagerInput{Status: client.String("inactive")}); err != nil {
			t.Fatal(err)
		}
		mustCreateManager(t, s.Admin, r.ID, "owner")
		mustCreateManager(t, s.Admin, 1, "sales") // another reseller's

		list, err := s.Admin.GetAccountAttributes(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.AccountTypes) != 2 {
			t.Fatalf("%d account types, want business and personal", len(list.AccountTypes))
		}
		for i, want := range []struct {
			id              int64
			key, name       string
			primaryLabel    string
			primaryOptional bool
		}{{1, "business", "Business", "Company name", false}, {2, "personal", "Personal", "Primary name", true}} {
			at := list.AccountTypes[i]
			if at.ID != want.id || at.Key != want.key || at.Name != want.name {
				t.Errorf("type %d = %d %q %q, want %+v", i, at.ID, at.Key, at.Name, want)
			}
			attrs := map[string]client.AccountAttribute{}
			for _, a := range at.Attributes {
				attrs[a.Key] = a
				if a.IsCustomAttribute || a.AvailableValues == nil {
					t.Errorf("%s.%s: custom %v, values %v", at.Key, a.Key, a.IsCustomAttribute, a.AvailableValues)
				}
			}
			for key, wantType := range map[string]string{"first_name": "string", "last_name": "string", "email": "email"} {
				if a := attrs[key]; a.Optional || a.Type != wantType {
					t.Errorf("%s.%s = %+v, want a required %s", at.Key, key, a, wantType)
				}
			}
			if a := attrs["primary_name"]; a.Optional != want.primaryOptional || a.Name != want.primaryLabel {
				t.Errorf("%s.primary_name = %+v, want optional %v labelled %q", at.Key, a, want.primaryOptional, want.primaryLabel)
			}
			var managers []int64
			for _, v := range attrs["manager_id"].AvailableValues {
				managers = append(managers, int64(v.(float64)))
			}
			slices.Sort(managers)
			if m := attrs["manager_id"]; m.Type != "list" || !m.Optional || !slices.Equal(managers, []int64{s1.ID, s2.ID}) {
				t.Errorf("%s.manager_id = %+v, want a list of %d and %d", at.Key, m, s1.ID, s2.ID)
			}
			c := attrs["account_class_key"]
			if c.Type != "list" || c.DefaultValue == nil || *c.DefaultValue != "default" ||
				!slices.Equal(c.AvailableValues, []any{"default", "prepay", "postpay"}) {
				t.Errorf("%s.account_class_key = %+v", at.Key, c)
			}
			if cur := attrs["currency"]; cur.DefaultValue == nil || *cur.DefaultValue != "EUR" {
				t.Errorf("%s.currency default = %v, want the reseller's EUR", at.Key, cur.DefaultValue)
			}
			if cb := attrs["credit_limit_use_system"]; cb.Type != "checkbox" || !cb.Optional {
				t.Errorf("%s.credit_limit_use_system = %+v", at.Key, cb)
			}
			if _, ok := attrs["agreement_terms_conditions"]; ok {
				t.Errorf("%s lists agreement_terms_conditions; Cascade has no such setting", at.Key)
			}
			for _, key := range []string{"middle_name", "country", "region", "city", "street", "building", "office",
				"zip", "phone", "inn", "tech_user_id", "external_key", "owner_id", "new_owner_email", "credit_limit", "status"} {
				if a, ok := attrs[key]; !ok || !a.Optional {
					t.Errorf("%s.%s = %+v (listed %v), want an optional attribute", at.Key, key, a, ok)
				}
			}
		}
	})
}
