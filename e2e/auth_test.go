package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// mgEndpoint is one API call made with a raw request.
type mgEndpoint struct {
	name, method, path, body string
}

// mgManagerEndpoints lists every manager endpoint for reseller rid and manager mid,
// each with a valid body.
func mgManagerEndpoints(rid, mid int64) []mgEndpoint {
	create := fmt.Sprintf(`{"data":{"attributes":{"name":"Scoped","email":%q,"password":%q,"role":"sales"}}}`,
		unique("scoped")+"@example.com", mgPassword)
	return []mgEndpoint{
		{"ListManagers", "GET", mgPath("/resellers/%d/managers", rid), ""},
		{"CreateManager", "POST", mgPath("/resellers/%d/managers", rid), create},
		{"GetManager", "GET", mgPath("/resellers/%d/managers/%d", rid, mid), ""},
		{"UpdateManager", "PATCH", mgPath("/resellers/%d/managers/%d", rid, mid), `{"data":{"attributes":{"name":"Renamed"}}}`},
		{"RotateToken", "POST", mgPath("/resellers/%d/managers/%d/api_token", rid, mid), ""},
		{"ChildResellerManagers", "GET", mgPath("/resellers/%d/child_reseller_managers", rid), ""},
		{"ManagerRoles", "GET", mgPath("/resellers/%d/manager_roles", rid), ""},
	}
}

func TestAuthUnauthorized(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		target := mustCreateManager(t, s.Admin, 1, "sales")
		blocked := mustCreateManager(t, s.Admin, 1, "owner")
		if _, err := s.Admin.UpdateManager(ctx, 1, blocked.ID, client.ManagerInput{Status: client.String("inactive")}); err != nil {
			t.Fatal(err)
		}
		before := mgCount(t, s.Admin, 1)
		callers := []struct {
			name   string
			c      *client.Client
			detail string
		}{
			{"NoToken", s.client(""), "The X-Api-Token header is missing"},
			{"UnknownToken", s.client("no-such-token-0123456789abcdef"), "The API token is invalid"},
			{"AdminTokenWithSuffix", s.client(s.token + "x"), "The API token is invalid"},
			{"AdminTokenPrefix", s.client(s.token[:len(s.token)-1]), "The API token is invalid"},
			{"BlockedManager", s.client(blocked.APIToken), "The manager is blocked"},
		}
		for _, caller := range callers {
			t.Run(caller.name, func(t *testing.T) {
				missing := mgManagerEndpoints(99999999, 99999999)
				for i, ep := range mgManagerEndpoints(1, target.ID) {
					e := mgErrorOf(t, mgDo(t, caller.c, ep.method, ep.path, ep.body), http.StatusUnauthorized)
					if e.Errors[0].Detail != caller.detail || e.Errors[0].Status != "401" {
						t.Fatalf("%s: error = %+v, want 401 %q", ep.name, e.Errors[0], caller.detail)
					}
					// Without a valid token nothing is revealed, not even whether the object exists.
					got := mgDo(t, caller.c, ep.method, ep.path, ep.body).Body
					other := mgDo(t, caller.c, missing[i].method, missing[i].path, missing[i].body).Body
					if !bytes.Equal(got, other) {
						t.Fatalf("%s: existing object answers %s, missing one %s", ep.name, got, other)
					}
				}
			})
		}
		t.Run("Russian", func(t *testing.T) {
			e := mgErrorOf(t, mgDo(t, s.client(""), "GET", "/api/v3/resellers/1/managers", "", client.WithLocale("ru")),
				http.StatusUnauthorized)
			if got, want := e.Errors[0].Detail, "Не передан заголовок X-Api-Token"; got != want {
				t.Fatalf("detail = %q, want %q", got, want)
			}
		})
		if after := mgCount(t, s.Admin, 1); after != before {
			t.Fatalf("reseller 1 has %d managers after unauthorised creates, want %d", after, before)
		}
		if got, err := s.Admin.GetManager(ctx, 1, target.ID); err != nil || got.Name != target.Name || got.APIToken != "" {
			t.Fatalf("target after unauthorised calls = %+v, %v; want it unchanged", got, err)
		}
		if _, err := s.client(target.APIToken).GetManager(ctx, 1, target.ID); err != nil {
			t.Fatalf("target's token after unauthorised rotations: %v", err)
		}
	})
}

func TestAuthBlockedManagerRefusedAtOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		m := mustCreateManager(t, s.Admin, 1, "sales")
		c := s.client(m.APIToken)
		setStatus := func(t *testing.T, status string) {
			t.Helper()
			got, err := s.Admin.UpdateManager(ctx, 1, m.ID, client.ManagerInput{Status: client.String(status)})
			if err != nil || got.Status != status {
				t.Fatalf("set status %s: %+v, %v", status, got, err)
			}
		}
		// Several rounds, each starting with a request that puts the token in the cache.
		for round := 1; round <= 5; round++ {
			t.Run(fmt.Sprintf("Round%d", round), func(t *testing.T) {
				if _, err := c.GetManager(ctx, 1, m.ID); err != nil {
					t.Fatalf("active manager: %v", err)
				}
				setStatus(t, "inactive")
				_, err := c.GetManager(ctx, 1, m.ID)
				if e := apiError(t, err, http.StatusUnauthorized); e.Errors[0].Detail != "The manager is blocked" {
					t.Fatalf("detail = %q, want The manager is blocked", e.Errors[0].Detail)
				}
				_, err = c.ListManagers(ctx, 1, nil)
				apiError(t, err, http.StatusUnauthorized)
				setStatus(t, "active")
				if _, err := c.ListManagers(ctx, 1, nil); err != nil {
					t.Fatalf("reactivated manager: %v", err)
				}
			})
		}
	})
}

func TestAuthRoleChangeAppliesAtOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		roles := mgRoleIDs(t, s.Admin, 1)
		m := mustCreateManager(t, s.Admin, 1, "sales")
		c := s.client(m.APIToken)
		create := func() error {
			_, err := c.CreateManager(ctx, 1, client.ManagerInput{Name: client.String("Hire"),
				Email: client.String(unique("hire") + "@example.com"), Password: client.String(mgPassword), Role: client.String("sales")})
			return err
		}
		setRole := func(t *testing.T, role int64) {
			t.Helper()
			if _, err := s.Admin.UpdateManager(ctx, 1, m.ID, client.ManagerInput{ManagerRoleID: client.Int(role)}); err != nil {
				t.Fatalf("set role %d: %v", role, err)
			}
		}
		for round := 1; round <= 3; round++ {
			apiError(t, create(), http.StatusForbidden)
			setRole(t, roles["Product owner"])
			if err := create(); err != nil {
				t.Fatalf("round %d: promoted to owner, create: %v", round, err)
			}
			setRole(t, roles["Sales person"])
		}
		apiError(t, create(), http.StatusForbidden)
	})
}

func TestAuthTokenRotation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		m := mustCreateManager(t, s.Admin, 1, "sales")
		old := s.client(m.APIToken)
		if _, err := old.GetManager(ctx, 1, m.ID); err != nil {
			t.Fatal(err)
		}

		var status int
		rotated, err := s.Admin.RotateManagerToken(ctx, 1, m.ID, mgStatus(&status))
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusOK || rotated.ID != m.ID || rotated.Email != m.Email || rotated.Role != "sales" {
			t.Fatalf("rotate: status %d, manager %+v; want 200 and manager %d", status, rotated, m.ID)
		}
		if rotated.APIToken == "" || rotated.APIToken == m.APIToken {
			t.Fatalf("api_token = %q, want a new token (old %q)", rotated.APIToken, m.APIToken)
		}
		_, err = old.GetManager(ctx, 1, m.ID)
		if e := apiError(t, err, http.StatusUnauthorized); e.Errors[0].Detail != "The API token is invalid" {
			t.Fatalf("old token: detail = %q, want The API token is invalid", e.Errors[0].Detail)
		}
		current := s.client(rotated.APIToken)
		got, err := current.GetManager(ctx, 1, m.ID)
		if err != nil {
			t.Fatalf("new token: %v", err)
		}
		if got.APIToken != "" {
			t.Fatalf("GET shows api_token %q after rotation", got.APIToken)
		}

		t.Run("Self", func(t *testing.T) {
			again, err := current.RotateManagerToken(ctx, 1, m.ID)
			if err != nil {
				t.Fatalf("rotate own token: %v", err)
			}
			if again.APIToken == "" || again.APIToken == rotated.APIToken {
				t.Fatalf("api_token = %q, want a new one", again.APIToken)
			}
			_, err = current.ListManagers(ctx, 1, nil)
			apiError(t, err, http.StatusUnauthorized)
			current = s.client(again.APIToken)
			if _, err := current.ListManagers(ctx, 1, nil); err != nil {
				t.Fatalf("token from self-rotation: %v", err)
			}
		})
		t.Run("OthersNeedAdministration", func(t *testing.T) {
			other := mustCreateManager(t, s.Admin, 1, "marketing")
			_, err := current.RotateManagerToken(ctx, 1, other.ID)
			if e := apiError(t, err, http.StatusForbidden); e.Errors[0].Detail != "This action is forbidden" {
				t.Fatalf("detail = %q, want This action is forbidden", e.Errors[0].Detail)
			}
			if _, err := s.client(other.APIToken).ListManagers(ctx, 1, nil); err != nil {
				t.Fatalf("other's token after a refused rotation: %v", err)
			}
		})
		t.Run("BlockedStaysBlocked", func(t *testing.T) {
			b := mustCreateManager(t, s.Admin, 1, "owner")
			if _, err := s.Admin.UpdateManager(ctx, 1, b.ID, client.ManagerInput{Status: client.String("inactive")}); err != nil {
				t.Fatal(err)
			}
			r, err := s.Admin.RotateManagerToken(ctx, 1, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.client(r.APIToken).ListManagers(ctx, 1, nil)
			if e := apiError(t, err, http.StatusUnauthorized); e.Errors[0].Detail != "The manager is blocked" {
				t.Fatalf("detail = %q, want The manager is blocked", e.Errors[0].Detail)
			}
			if _, err := s.Admin.UpdateManager(ctx, 1, b.ID, client.ManagerInput{Status: client.String("active")}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.client(r.APIToken).ListManagers(ctx, 1, nil); err != nil {
				t.Fatalf("rotated token after reactivation: %v", err)
			}
			_, err = s.client(b.APIToken).ListManagers(ctx, 1, nil)
			apiError(t, err, http.StatusUnauthorized)
		})
	})
}

func TestAuthScope(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		tree := mgNewTree(t, s)
		adminA := mustCreateManager(t, s.Admin, tree.A.ID, "admin")
		salesA1 := mustCreateManager(t, s.Admin, tree.A1.ID, "sales")
		salesB := mustCreateManager(t, s.Admin, tree.B.ID, "sales")
		salesOp := mustCreateManager(t, s.Admin, 1, "sales")
		c := s.client(adminA.APIToken)
		const missing = 99999999

		// call sends ep through c and returns the 404 body.
		call := func(t *testing.T, c *client.Client, ep mgEndpoint) []byte {
			t.Helper()
			resp := mgDo(t, c, ep.method, ep.path, ep.body)
			e := mgErrorOf(t, resp, http.StatusNotFound)
			if e.Errors[0].Status != "404" {
				t.Fatalf("%s %s: errors[0].status = %q", ep.method, ep.path, e.Errors[0].Status)
			}
			return resp.Body
		}

		t.Run("ResellerOutsideSubtree", func(t *testing.T) {
			for _, tt := range []struct {
				name     string
				rid, mid int64
			}{
				{"Sibling", tree.B.ID, salesB.ID},
				{"Parent", 1, salesOp.ID},
			} {
				t.Run(tt.name, func(t *testing.T) {
					absent := mgManagerEndpoints(missing, missing)
					for i, ep := range mgManagerEndpoints(tt.rid, tt.mid) {
						got, want := call(t, c, ep), call(t, c, absent[i])
						if !bytes.Equal(got, want) {
							t.Fatalf("%s: out of scope answers %s, a missing reseller %s", ep.name, got, want)
						}
					}
				})
			}
		})

		t.Run("ManagerOfAnotherReseller", func(t *testing.T) {
			for _, tt := range []struct {
				name     string
				c        *client.Client
				rid, mid int64
			}{
				{"ChildsManager", c, tree.A.ID, salesA1.ID},
				{"ParentsManager", c, tree.A1.ID, adminA.ID},
				{"SiblingsManager", c, tree.A.ID, salesB.ID},
				{"OperatorsManagerUnderChild", s.Admin, tree.A.ID, salesOp.ID},
				{"ChildsManagerUnderOperator", s.Admin, 1, salesA1.ID},
			} {
				t.Run(tt.name, func(t *testing.T) {
					absent := mgManagerEndpoints(tt.rid, missing)
					for i, ep := range mgManagerEndpoints(tt.rid, tt.mid) {
						if ep.path == absent[i].path {
							continue // the endpoint does not name a manager
						}
						got, want := call(t, tt.c, ep), call(t, tt.c, absent[i])
						if !bytes.Equal(got, want) {
							t.Fatalf("%s: another reseller's manager answers %s, a missing one %s", ep.name, got, want)
						}
					}
				})
			}
		})

		t.Run("InScope", func(t *testing.T) {
			ctx := context.Background()
			if _, err := c.GetManager(ctx, tree.A1.ID, salesA1.ID); err != nil {
				t.Fatalf("manager of a downstream reseller: %v", err)
			}
			if _, err := c.ListManagers(ctx, tree.A1.ID, nil); err != nil {
				t.Fatalf("managers of a downstream reseller: %v", err)
			}
			_, err := s.client(salesA1.APIToken).GetManager(ctx, tree.A.ID, adminA.ID)
			apiError(t, err, http.StatusNotFound)
		})
	})
}
