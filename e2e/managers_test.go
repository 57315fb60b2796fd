package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

func TestManagerCreate(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		roles := mgRoleIDs(t, s.Admin, 1)

		t.Run("ManagerRoleIDInteger", func(t *testing.T) {
			var status int
			m, err := s.Admin.CreateManager(ctx, 1, client.ManagerInput{
				Name: client.String("Brendon Leannon"), Email: client.String("Carter81@Example.NET"),
				ManagerRoleID: client.Int(roles["Sales person"]), Password: client.String("S3cure!pass"),
				Phone: client.String("+375280000000"), ManagerKey: client.String("carter81"),
				CustomAttributes: map[string]string{"department": "sales"},
			}, mgStatus(&status))
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusCreated {
				t.Fatalf("status = %d, want 201", status)
			}
			if m.ResellerID != 1 || m.Name != "Brendon Leannon" || m.Status != "active" || m.Phone != "+375280000000" ||
				m.ManagerKey != "carter81" || m.MFARequired || m.Photo != nil {
				t.Fatalf("manager = %+v", m)
			}
			if m.Email != "carter81@example.net" {
				t.Fatalf("email = %q, want the lower-cased login carter81@example.net", m.Email)
			}
			if m.ManagerRole.ID == nil || *m.ManagerRole.ID != roles["Sales person"] ||
				m.ManagerRole.Name == nil || *m.ManagerRole.Name != "Sales person" || m.Role != "sales" {
				t.Fatalf("manager_role = %+v, role %q; want Sales person (%d), sales", m.ManagerRole, m.Role, roles["Sales person"])
			}
			if want := map[string]string{"department": "sales"}; !maps.Equal(m.CustomAttributes, want) {
				t.Fatalf("custom_attributes = %v, want %v", m.CustomAttributes, want)
			}
			if len(m.APIToken) < 22 {
				t.Fatalf("api_token = %q, want a random token", m.APIToken)
			}
			// The token works at once, and no later answer shows it again.
			got, err := s.client(m.APIToken).GetManager(ctx, 1, m.ID)
			if err != nil {
				t.Fatalf("get with the new token: %v", err)
			}
			if got.APIToken != "" {
				t.Fatalf("GET shows api_token %q, want it only in the create answer", got.APIToken)
			}
			if got.Email != m.Email || got.Name != m.Name || !got.CreatedAt.Equal(m.CreatedAt) {
				t.Fatalf("GET = %+v, want the created manager %+v", got, m)
			}
		})

		t.Run("ManagerRoleIDString", func(t *testing.T) {
			email := unique("string-role") + "@example.com"
			resp := mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", fmt.Sprintf(
				`{"data":{"type":"managers","attributes":{"name":"String Role","email":%q,"password":%q,"manager_role_id":"%d"}}}`,
				email, mgPassword, roles["Marketing"]))
			m := mgManagerOf(t, resp, http.StatusCreated)
			if m.Role != "marketing" || m.ManagerRole.ID == nil || *m.ManagerRole.ID != roles["Marketing"] {
				t.Fatalf("role = %q, manager_role = %+v; want marketing, %d", m.Role, m.ManagerRole, roles["Marketing"])
			}
			if _, err := s.client(m.APIToken).ListManagers(ctx, 1, nil); err != nil {
				t.Fatalf("list with the new token: %v", err)
			}
		})

		t.Run("AdminTrue", func(t *testing.T) {
			email := unique("admin") + "@example.com"
			// manager_role_id is ignored when admin is true.
			resp := mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", fmt.Sprintf(
				`{"data":{"attributes":{"name":"Root Admin","email":%q,"password":%q,"admin":true,"manager_role_id":%d}}}`,
				email, mgPassword, roles["Sales person"]))
			m := mgManagerOf(t, resp, http.StatusCreated)
			if m.Role != "admin" || m.ManagerRole.ID != nil || m.ManagerRole.Name != nil {
				t.Fatalf("role = %q, manager_role = %+v; want admin with no access level", m.Role, m.ManagerRole)
			}
			var doc struct {
				Data struct {
					Attributes struct {
						ManagerRole json.RawMessage `json:"manager_role"`
					} `json:"attributes"`
				} `json:"data"`
			}
			if err := json.Unmarshal(resp.Body, &doc); err != nil {
				t.Fatal(err)
			}
			if got := string(doc.Data.Attributes.ManagerRole); got != `{"id":null,"name":null}` {
				t.Fatalf("manager_role = %s, want {\"id\":null,\"name\":null}", got)
			}
			// An administrator's token may create managers at once.
			mgNewManager(t, s.client(m.APIToken), 1, client.ManagerInput{Role: client.String("sales")})
		})

		t.Run("LegacyRole", func(t *testing.T) {
			tests := []struct {
				name, role, wantRole, wantLevel string
			}{
				{"Owner", "owner", "owner", "Product owner"},
				{"Sales", "sales", "sales", "Sales person"},
				{"Marketing", "marketing", "marketing", "Marketing"},
				{"CaseAndSpace", " Sales ", "sales", "Sales person"},
				{"Admin", "admin", "admin", ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					m := mgNewManager(t, s.Admin, 1, client.ManagerInput{Role: client.String(tt.role)})
					if m.Role != tt.wantRole {
						t.Fatalf("role = %q, want %q", m.Role, tt.wantRole)
					}
					switch {
					case tt.wantLevel == "" && (m.ManagerRole.ID != nil || m.ManagerRole.Name != nil):
						t.Fatalf("manager_role = %+v, want nulls for an administrator", m.ManagerRole)
					case tt.wantLevel != "" && (m.ManagerRole.Name == nil || *m.ManagerRole.Name != tt.wantLevel ||
						*m.ManagerRole.ID != roles[tt.wantLevel]):
						t.Fatalf("manager_role = %+v, want %s (%d)", m.ManagerRole, tt.wantLevel, roles[tt.wantLevel])
					}
					if _, err := s.client(m.APIToken).GetManager(ctx, 1, m.ID); err != nil {
						t.Fatalf("get itself with the new token: %v", err)
					}
				})
			}
		})

		t.Run("TokensDiffer", func(t *testing.T) {
			a := mustCreateManager(t, s.Admin, 1, "sales")
			b := mustCreateManager(t, s.Admin, 1, "sales")
			if a.APIToken == b.APIToken {
				t.Fatalf("two managers got the same token %q", a.APIToken)
			}
		})
	})
}

func TestManagerUpdate(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		roles := mgRoleIDs(t, s.Admin, 1)
		m := mustCreateManager(t, s.Admin, 1, "sales")
		path := mgPath("/resellers/1/managers/%d", m.ID)
		update := func(t *testing.T, in client.ManagerInput) *client.Manager {
			t.Helper()
			var status int
			got, err := s.Admin.UpdateManager(ctx, 1, m.ID, in, mgStatus(&status))
			if err != nil {
				t.Fatalf("update %+v: %v", in, err)
			}
			if status != http.StatusOK {
				t.Fatalf("status = %d, want 200", status)
			}
			if got.ID != m.ID || got.Email != m.Email || got.APIToken != "" {
				t.Fatalf("updated manager = %+v, want manager %d (%s) without a token", got, m.ID, m.Email)
			}
			return got
		}
		patch := func(t *testing.T, attrs string) *client.Manager {
			t.Helper()
			return mgManagerOf(t, mgDo(t, s.Admin, "PATCH", path, `{"data":{"attributes":`+attrs+`}}`), http.StatusOK)
		}
		reread := func(t *testing.T) *client.Manager {
			t.Helper()
			got, err := s.Admin.GetManager(ctx, 1, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		t.Run("NameAndPhone", func(t *testing.T) {
			got := update(t, client.ManagerInput{Name: client.String("  Renamed Manager "), Phone: client.String("00375291234567")})
			if got.Name != "Renamed Manager" || got.Phone != "00375291234567" {
				t.Fatalf("name, phone = %q, %q; want Renamed Manager, 00375291234567", got.Name, got.Phone)
			}
			if got.UpdatedAt.Before(got.CreatedAt) {
				t.Fatalf("updated_at %v before created_at %v", got.UpdatedAt, got.CreatedAt)
			}
			if again := reread(t); again.Name != got.Name || again.Phone != got.Phone {
				t.Fatalf("GET after PATCH = %q, %q; want %q, %q", again.Name, again.Phone, got.Name, got.Phone)
			}
		})

		t.Run("ManagerKey", func(t *testing.T) {
			if got := update(t, client.ManagerInput{ManagerKey: client.String("Key_1.a-b")}); got.ManagerKey != "Key_1.a-b" {
				t.Fatalf("manager_key = %q, want Key_1.a-b", got.ManagerKey)
			}
			if got := update(t, client.ManagerInput{ManagerKey: client.String("")}); got.ManagerKey != "" {
				t.Fatalf("manager_key = %q, want it cleared", got.ManagerKey)
			}
			// A cleared key is free for another manager.
			other := mustCreateManager(t, s.Admin, 1, "sales")
			if _, err := s.Admin.UpdateManager(ctx, 1, other.ID, client.ManagerInput{ManagerKey: client.String("Key_1.a-b")}); err != nil {
				t.Fatalf("reuse a cleared key: %v", err)
			}
		})

		t.Run("CustomAttributesDataForm", func(t *testing.T) {
			got := update(t, client.ManagerInput{CustomAttributes: map[string]string{"department": "sales", "level": "2"}})
			if want := map[string]string{"department": "sales", "level": "2"}; !maps.Equal(got.CustomAttributes, want) {
				t.Fatalf("custom_attributes = %v, want %v", got.CustomAttributes, want)
			}
			got = patch(t, `{"custom_attributes":{"data":[{"key":"level","value":null}]}}`)
			if want := map[string]string{"department": "sales"}; !maps.Equal(got.CustomAttributes, want) {
				t.Fatalf("after removing level: custom_attributes = %v, want %v", got.CustomAttributes, want)
			}
		})

		t.Run("CustomAttributesObjectForm", func(t *testing.T) {
			got := patch(t, `{"custom_attributes":{"region":"north","department":"support"}}`)
			if want := map[string]string{"department": "support", "region": "north"}; !maps.Equal(got.CustomAttributes, want) {
				t.Fatalf("custom_attributes = %v, want %v", got.CustomAttributes, want)
			}
			got = patch(t, `{"custom_attributes":{"region":null}}`)
			if want := map[string]string{"department": "support"}; !maps.Equal(got.CustomAttributes, want) {
				t.Fatalf("after removing region: custom_attributes = %v, want %v", got.CustomAttributes, want)
			}
			if again := reread(t); !maps.Equal(again.CustomAttributes, got.CustomAttributes) {
				t.Fatalf("GET custom_attributes = %v, want %v", again.CustomAttributes, got.CustomAttributes)
			}
		})

		t.Run("Status", func(t *testing.T) {
			if got := update(t, client.ManagerInput{Status: client.String("inactive")}); got.Status != "inactive" {
				t.Fatalf("status = %q, want inactive", got.Status)
			}
			if got := update(t, client.ManagerInput{Status: client.String("Active")}); got.Status != "active" {
				t.Fatalf("status = %q, want active", got.Status)
			}
		})

		t.Run("RoleViaManagerRoleID", func(t *testing.T) {
			got := update(t, client.ManagerInput{ManagerRoleID: client.Int(roles["Marketing"])})
			if got.Role != "marketing" || got.ManagerRole.Name == nil || *got.ManagerRole.Name != "Marketing" {
				t.Fatalf("role = %q, manager_role = %+v; want marketing", got.Role, got.ManagerRole)
			}
			// The update documents manager_role_id as a string.
			got = patch(t, fmt.Sprintf(`{"manager_role_id":"%d"}`, roles["Product owner"]))
			if got.Role != "owner" || got.ManagerRole.ID == nil || *got.ManagerRole.ID != roles["Product owner"] {
				t.Fatalf("role = %q, manager_role = %+v; want owner", got.Role, got.ManagerRole)
			}
			if again := reread(t); again.Role != "owner" {
				t.Fatalf("GET role = %q, want owner", again.Role)
			}
		})

		t.Run("AdminAndBack", func(t *testing.T) {
			got := update(t, client.ManagerInput{Admin: client.Bool(true)})
			if got.Role != "admin" || got.ManagerRole.ID != nil {
				t.Fatalf("role = %q, manager_role = %+v; want admin without access level", got.Role, got.ManagerRole)
			}
			// Leaving the administrators needs a new role.
			_, err := s.Admin.UpdateManager(ctx, 1, m.ID, client.ManagerInput{Admin: client.Bool(false)})
			mgOnlyPointer(t, apiError(t, err, http.StatusUnprocessableEntity), "/data/attributes/manager_role_id")
			if again := reread(t); again.Role != "admin" {
				t.Fatalf("after the refused change role = %q, want admin", again.Role)
			}
			got = update(t, client.ManagerInput{Admin: client.Bool(false), ManagerRoleID: client.Int(roles["Sales person"])})
			if got.Role != "sales" || got.ManagerRole.ID == nil || *got.ManagerRole.ID != roles["Sales person"] {
				t.Fatalf("role = %q, manager_role = %+v; want sales", got.Role, got.ManagerRole)
			}
			// admin: false on a manager who is not one changes nothing.
			if got = update(t, client.ManagerInput{Admin: client.Bool(false)}); got.Role != "sales" {
				t.Fatalf("role = %q, want sales", got.Role)
			}
		})

		t.Run("LegacyRole", func(t *testing.T) {
			got := update(t, client.ManagerInput{Role: client.String("marketing")})
			if got.Role != "marketing" || got.ManagerRole.ID == nil || *got.ManagerRole.ID != roles["Marketing"] {
				t.Fatalf("role = %q, manager_role = %+v; want marketing", got.Role, got.ManagerRole)
			}
		})

		t.Run("Password", func(t *testing.T) {
			update(t, client.ManagerInput{Password: client.String("an0ther-secret")})
			// The token is untouched by a password change.
			if _, err := s.client(m.APIToken).GetManager(ctx, 1, m.ID); err != nil {
				t.Fatalf("token after a password change: %v", err)
			}
		})

		t.Run("NothingChanged", func(t *testing.T) {
			before := reread(t)
			got := update(t, client.ManagerInput{Name: client.String(before.Name)})
			if !got.UpdatedAt.Equal(before.UpdatedAt) {
				t.Fatalf("updated_at moved from %v to %v on a PATCH that changes nothing", before.UpdatedAt, got.UpdatedAt)
			}
		})

		t.Run("Missing", func(t *testing.T) {
			_, err := s.Admin.UpdateManager(ctx, 1, 99999999, client.ManagerInput{Name: client.String("Nobody")})
			apiError(t, err, http.StatusNotFound)
		})
	})
}

func TestManagerGet(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, 1, "Gamma")
		m := mgNewManager(t, s.Admin, r.ID, client.ManagerInput{Role: client.String("owner"),
			Phone: client.String("+4930123456"), ManagerKey: client.String("gamma.key")})

		got, err := s.Admin.GetManager(ctx, r.ID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		m.APIToken = ""
		if got.ID != m.ID || got.ResellerID != r.ID || got.Name != m.Name || got.Email != m.Email ||
			got.Phone != m.Phone || got.ManagerKey != m.ManagerKey || got.Role != "owner" || got.Status != "active" {
			t.Fatalf("GET = %+v, want %+v", got, m)
		}
		if got.Relationships != nil || got.Included != nil {
			t.Fatalf("relationships %v, included %v without include", got.Relationships, got.Included)
		}

		got, err = s.Admin.GetManager(ctx, r.ID, m.ID, client.WithInclude("reseller"))
		if err != nil {
			t.Fatal(err)
		}
		rel := got.Relationships["reseller"].Data
		if rel == nil || rel.Type != "resellers" || rel.ID != fmt.Sprint(r.ID) {
			t.Fatalf("relationships.reseller = %+v, want resellers %d", rel, r.ID)
		}
		if len(got.Included) != 1 || got.Included[0].Type != "resellers" || got.Included[0].ID != fmt.Sprint(r.ID) {
			t.Fatalf("included = %+v, want reseller %d", got.Included, r.ID)
		}

		t.Run("UnknownInclude", func(t *testing.T) {
			_, err := s.Admin.GetManager(ctx, r.ID, m.ID, client.WithInclude("manager_role"))
			if e := apiError(t, err, http.StatusBadRequest); !hasParameter(e, "include") {
				t.Fatalf("errors = %v, want one naming include", mgSources(e))
			}
		})
		t.Run("Missing", func(t *testing.T) {
			for _, p := range []string{
				mgPath("/resellers/%d/managers/99999999", r.ID),
				mgPath("/resellers/%d/managers/abc", r.ID),
				mgPath("/resellers/%d/managers/0", r.ID),
			} {
				e := mgErrorOf(t, mgDo(t, s.Admin, "GET", p, ""), http.StatusNotFound)
				if e.Errors[0].Detail != "Manager not found" {
					t.Fatalf("GET %s: detail = %q, want Manager not found", p, e.Errors[0].Detail)
				}
			}
		})
	})
}

func TestChildResellerManagers(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		tree := mgNewTree(t, s)
		ownA := mustCreateManager(t, s.Admin, tree.A.ID, "admin")
		a1 := mustCreateManager(t, s.Admin, tree.A1.ID, "sales")
		a1b := mustCreateManager(t, s.Admin, tree.A1.ID, "marketing")
		b := mustCreateManager(t, s.Admin, tree.B.ID, "owner")
		ops := mustCreateManager(t, s.Admin, 1, "sales")

		list := func(t *testing.T, c *client.Client, rid int64, o *client.ListOptions) []int64 {
			t.Helper()
			p, err := c.ListChildResellerManagers(ctx, rid, o)
			if err != nil {
				t.Fatalf("child_reseller_managers of %d: %v", rid, err)
			}
			if p.TotalCount != len(p.Items) {
				t.Fatalf("meta.total_count = %d, want %d", p.TotalCount, len(p.Items))
			}
			return mgSorted(mgIDs(p.Items)...)
		}
		tests := []struct {
			name string
			c    *client.Client
			rid  int64
			o    *client.ListOptions
			want []int64
		}{
			{"OperatorSeesEveryLevel", s.Admin, 1, nil, mgSorted(ownA.ID, a1.ID, a1b.ID, b.ID)},
			{"StrictlyBelow", s.Admin, tree.A.ID, nil, mgSorted(a1.ID, a1b.ID)},
			{"Leaf", s.Admin, tree.A1.ID, nil, nil},
			{"FilterResellerID", s.Admin, 1, &client.ListOptions{Filter: map[string]string{"reseller_id": fmt.Sprint(tree.A1.ID)}},
				mgSorted(a1.ID, a1b.ID)},
			{"FilterResellerIDList", s.Admin, 1, &client.ListOptions{Filter: map[string]string{
				"reseller_id": fmt.Sprintf("%d,%d", tree.A.ID, tree.B.ID)}}, mgSorted(ownA.ID, b.ID)},
			{"FilterResellerIDOwn", s.Admin, 1, &client.ListOptions{Filter: map[string]string{"reseller_id": "1"}}, nil},
			{"FilterRole", s.Admin, 1, &client.ListOptions{Filter: map[string]string{"role": "sales,owner"}}, mgSorted(a1.ID, b.ID)},
			{"DownstreamAdmin", s.client(ownA.APIToken), tree.A.ID, nil, mgSorted(a1.ID, a1b.ID)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := list(t, tt.c, tt.rid, tt.o); !slices.Equal(got, tt.want) {
					t.Fatalf("ids = %v, want %v (operator's own manager %d never listed)", got, tt.want, ops.ID)
				}
			})
		}
		t.Run("PrefixSibling", func(t *testing.T) {
			n := mgPrefixSibling(t, s, tree.A)
			mn := mustCreateManager(t, s.Admin, n.ID, "sales")
			if got, want := list(t, s.Admin, tree.A.ID, nil), mgSorted(a1.ID, a1b.ID); !slices.Equal(got, want) {
				t.Fatalf("below reseller %d: ids = %v, want %v (not %d of reseller %d)", tree.A.ID, got, want, mn.ID, n.ID)
			}
			_, err := s.client(ownA.APIToken).ListChildResellerManagers(ctx, n.ID, nil)
			apiError(t, err, http.StatusNotFound)
			_, err = s.client(ownA.APIToken).GetManager(ctx, n.ID, mn.ID)
			apiError(t, err, http.StatusNotFound)
		})
		t.Run("Sorted", func(t *testing.T) {
			p, err := s.Admin.ListChildResellerManagers(ctx, tree.A.ID, &client.ListOptions{Sort: "-id", PageSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mgIDs(p.Items), []int64{a1b.ID}; !slices.Equal(got, want) {
				t.Fatalf("ids = %v, want %v", got, want)
			}
			if p.TotalCount != 2 || p.Links.Next == nil {
				t.Fatalf("total_count = %d, next = %v; want 2 and a next page", p.TotalCount, p.Links.Next)
			}
		})
		t.Run("OutOfScope", func(t *testing.T) {
			_, err := s.client(ownA.APIToken).ListChildResellerManagers(ctx, 1, nil)
			apiError(t, err, http.StatusNotFound)
			_, err = s.client(ownA.APIToken).ListChildResellerManagers(ctx, tree.B.ID, nil)
			apiError(t, err, http.StatusNotFound)
		})
	})
}

func TestManagerRoles(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		tree := mgNewTree(t, s)
		adminA := mustCreateManager(t, s.Admin, tree.A.ID, "admin")
		salesA := mustCreateManager(t, s.Admin, tree.A.ID, "sales")
		standard := map[string]string{"Product owner": "owner", "Sales person": "sales", "Marketing": "marketing"}

		check := func(t *testing.T, c *client.Client, rid int64) map[int64]bool {
			t.Helper()
			p, err := c.ListManagerRoles(ctx, rid, nil)
			if err != nil {
				t.Fatalf("manager_roles of %d: %v", rid, err)
			}
			if len(p.Items) != len(standard) || p.TotalCount != len(standard) {
				t.Fatalf("%d roles (total_count %d), want %d: %+v", len(p.Items), p.TotalCount, len(standard), p.Items)
			}
			ids := map[int64]bool{}
			for _, r := range p.Items {
				if r.ResellerID != rid || standard[r.Name] != r.Role || r.CreatedAt.IsZero() {
					t.Fatalf("role %+v, want one of %v of reseller %d", r, standard, rid)
				}
				ids[r.ID] = true
			}
			return ids
		}
		op := check(t, s.Admin, 1)
		a := check(t, s.client(adminA.APIToken), tree.A.ID)
		check(t, s.client(salesA.APIToken), tree.A.ID)
		for id := range a {
			if op[id] {
				t.Fatalf("role %d belongs to the operator and to reseller %d", id, tree.A.ID)
			}
		}

		t.Run("Paged", func(t *testing.T) {
			p, err := s.Admin.ListManagerRoles(ctx, 1, &client.ListOptions{PageSize: 2, PageNumber: 2, Sort: "name"})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) != 1 || p.Items[0].Name != "Sales person" || p.TotalCount != 3 || p.Links.Next != nil || p.Links.Prev == nil {
				t.Fatalf("page 2 of 2 = %+v, links %+v; want Sales person alone", p.Items, p.Links)
			}
		})
		t.Run("DownstreamIsForbidden", func(t *testing.T) {
			_, err := s.Admin.ListManagerRoles(ctx, tree.A.ID, nil)
			e := apiError(t, err, http.StatusForbidden)
			if c := e.Errors[0].Code; c != string(domain.MsgCurrentResellerOnly) {
				t.Fatalf("code = %q, want %q", c, domain.MsgCurrentResellerOnly)
			}
			_, err = s.client(adminA.APIToken).ListManagerRoles(ctx, tree.A1.ID, nil)
			apiError(t, err, http.StatusForbidden)
		})
		t.Run("OutOfScopeIsNotFound", func(t *testing.T) {
			c := s.client(adminA.APIToken)
			for _, rid := range []int64{1, tree.B.ID, 99999999} {
				_, err := c.ListManagerRoles(ctx, rid, nil)
				if e := apiError(t, err, http.StatusNotFound); e.Errors[0].Detail != "Reseller not found" {
					t.Fatalf("reseller %d: detail = %q, want Reseller not found", rid, e.Errors[0].Detail)
				}
			}
		})
	})
}
