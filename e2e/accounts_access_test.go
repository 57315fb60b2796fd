package e2e

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestAccountScope checks that an account outside the caller's subtree, or of another
// reseller than the path's, answers exactly like a missing one.
func TestAccountScope(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		parent := mustCreateReseller(t, s.Admin, 1, "Scope Parent")
		mine := mustCreateReseller(t, s.Admin, parent.ID, "Scope Mine")
		sibling := mustCreateReseller(t, s.Admin, parent.ID, "Scope Sibling")
		admin := s.client(mustCreateManager(t, s.Admin, mine.ID, "admin").APIToken)
		own := acMustCreate(t, s.Admin, mine.ID, acPerson("Own", "Customer"))
		sib := acMustCreate(t, s.Admin, sibling.ID, acPerson("Sibling", "Customer"))
		up := acMustCreate(t, s.Admin, parent.ID, acPerson("Parent", "Customer"))

		path := func(rid, aid int64) string {
			return "/api/v3/resellers/" + strconv.FormatInt(rid, 10) + "/accounts/" + strconv.FormatInt(aid, 10)
		}
		body := func(method, p string) []byte {
			in := ""
			if method == http.MethodPatch {
				in = `{"data":{"attributes":{"account_type_id":2,"city":"X"}}}`
			}
			resp := mgDo(t, admin, method, p, in)
			if resp.StatusCode != 404 {
				t.Fatalf("%s %s: %d %s, want 404", method, p, resp.StatusCode, resp.Body)
			}
			return resp.Body
		}
		for _, method := range []string{http.MethodGet, http.MethodPatch} {
			missing := body(method, path(mine.ID, 999999))
			for name, p := range map[string]string{
				"sibling's account through my path": path(mine.ID, sib.ID),
				"parent's account through my path":  path(mine.ID, up.ID),
				"bad id":                            path(mine.ID, 0) + "x",
				"child path of another reseller":    "/api/v3/resellers/" + strconv.FormatInt(mine.ID, 10) + "/child_reseller_accounts/" + strconv.FormatInt(sib.ID, 10),
			} {
				if method == http.MethodPatch && name == "child path of another reseller" {
					continue
				}
				if got := body(method, p); !bytes.Equal(got, missing) {
					t.Errorf("%s %s: body %s, want the missing account's %s", method, name, got, missing)
				}
			}
			// The sibling's and the parent's reseller are not found at all.
			noReseller := body(method, path(999999, own.ID))
			for _, p := range []string{path(sibling.ID, sib.ID), path(parent.ID, up.ID)} {
				if got := body(method, p); !bytes.Equal(got, noReseller) {
					t.Errorf("%s %s: body %s, want the missing reseller's %s", method, p, got, noReseller)
				}
			}
		}
		ctx := context.Background()
		for name, call := range map[string]func() error{
			"list sibling":          func() error { _, err := admin.ListAccounts(ctx, sibling.ID, nil); return err },
			"list parent":           func() error { _, err := admin.ListAccounts(ctx, parent.ID, nil); return err },
			"child list of parent":  func() error { _, err := admin.ListChildResellerAccounts(ctx, parent.ID, nil); return err },
			"create at sibling":     func() error { _, err := admin.CreateAccount(ctx, sibling.ID, acPerson("A", "B")); return err },
			"attributes of sibling": func() error { _, err := admin.GetAccountAttributes(ctx, sibling.ID); return err },
			"login token of parent": func() error { _, err := admin.GetLoginToken(ctx, parent.ID, up.ID); return err },
		} {
			if e := apiError(t, call(), 404); e.Errors[0].Code != "reseller_not_found" {
				t.Errorf("%s: %v", name, e)
			}
		}
		_, err := admin.GetLoginToken(ctx, mine.ID, sib.ID)
		if e := apiError(t, err, 404); e.Errors[0].Code != "account_not_found" {
			t.Errorf("login token of the sibling's account through my path: %v", e)
		}
		// What is in scope works for the same caller.
		if _, err := admin.GetAccount(ctx, mine.ID, own.ID); err != nil {
			t.Errorf("own account: %v", err)
		}
	})
}

// TestAccountRoles checks who may do what: every role reads; marketing may not
// create, update or sign an Owner in; sales may.
func TestAccountRoles(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Account Roles")
		a := acMustCreate(t, s.Admin, r.ID, acPerson("Role", "Play"))
		marketing := s.client(mustCreateManager(t, s.Admin, r.ID, "marketing").APIToken)
		sales := s.client(mustCreateManager(t, s.Admin, r.ID, "sales").APIToken)

		for name, call := range map[string]func(c *client.Client) error{
			"create": func(c *client.Client) error { _, err := c.CreateAccount(ctx, r.ID, acPerson("M", "K")); return err },
			"update": func(c *client.Client) error {
				_, err := c.UpdateAccount(ctx, r.ID, a.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal), City: client.String("Lyon")})
				return err
			},
			"login token": func(c *client.Client) error { _, err := c.GetLoginToken(ctx, r.ID, a.ID); return err },
		} {
			if e := apiError(t, call(marketing), 403); e.Errors[0].Code != "forbidden" || e.Errors[0].Detail != "This action is forbidden" {
				t.Errorf("marketing %s: %v", name, e)
			}
			if err := call(sales); err != nil {
				t.Errorf("sales %s: %v", name, err)
			}
		}
		if _, err := marketing.GetAccount(ctx, r.ID, a.ID); err != nil {
			t.Errorf("marketing reads an account: %v", err)
		}
		if _, err := marketing.ListAccounts(ctx, r.ID, nil); err != nil {
			t.Errorf("marketing lists accounts: %v", err)
		}
		if _, err := marketing.GetAccountAttributes(ctx, r.ID); err != nil {
			t.Errorf("marketing reads account attributes: %v", err)
		}
	})
}

// TestAccountExternalKeyRace creates eight accounts with one external key at once:
// exactly one is created, the others are told the key is taken.
func TestAccountExternalKeyRace(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Account Race")
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			created  int
			statuses []int
		)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := acPerson("Race", "Runner")
				in.ExternalKey = client.String("crm-race")
				_, err := s.Admin.CreateAccount(ctx, r.ID, in)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					created++
					statuses = append(statuses, 201)
					return
				}
				e, ok := err.(*client.Error)
				if !ok {
					t.Errorf("create: %v", err)
					return
				}
				statuses = append(statuses, e.StatusCode)
				if e.StatusCode != 422 || !acHasError(e, "/data/attributes/external_key", "taken") {
					t.Errorf("losing create: %v", e)
				}
			}()
		}
		wg.Wait()
		if created != 1 {
			t.Errorf("statuses %v: %d created, want exactly 1", statuses, created)
		}
		p := acList(t, s.Admin, r.ID, map[string]string{"external_key": "crm-race"}, "")
		if p.TotalCount != 1 {
			t.Errorf("%d accounts with the key, want 1", p.TotalCount)
		}
		// The same key is free at another reseller, and taken on update too.
		other := mustCreateReseller(t, s.Admin, 1, "Account Race Other")
		in := acPerson("Other", "Key")
		in.ExternalKey = client.String("crm-race")
		acMustCreate(t, s.Admin, other.ID, in)
		b := acMustCreate(t, s.Admin, r.ID, acPerson("Second", "Key"))
		_, err := s.Admin.UpdateAccount(ctx, r.ID, b.ID, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			ExternalKey: client.String("crm-race")})
		acWantErrors(t, err, map[string]string{"external_key": "taken"})
	})
}

// TestAccountIdempotentCreate checks that a retried create with one Idempotency-Key
// creates one account and replays the first answer.
func TestAccountIdempotentCreate(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Account Idempotency")
		in := acPerson("Idem", "Potent")
		key := client.WithIdempotencyKey(unique("acc-key-"))
		var replayed []string
		header := client.OnResponse(func(resp *http.Response) { replayed = append(replayed, resp.Header.Get("Idempotency-Replayed")) })
		first, err := s.Admin.CreateAccount(ctx, r.ID, in, key, header)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Admin.CreateAccount(ctx, r.ID, in, key, header)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || replayed[0] != "" || replayed[1] != "true" {
			t.Errorf("retry: id %d (first %d), replayed %q", again.ID, first.ID, replayed)
		}
		if p := acList(t, s.Admin, r.ID, map[string]string{"email": *in.Email}, ""); p.TotalCount != 1 {
			t.Errorf("%d accounts after a retried create, want 1", p.TotalCount)
		}
		in.City = client.String("Changed")
		_, err = s.Admin.CreateAccount(ctx, r.ID, in, key)
		if e := apiError(t, err, 422); e.Errors[0].Code != "idempotency_key_reused" {
			t.Errorf("same key, other body: %v", e)
		}
	})
}
