package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// mgBody is a request body {"data":{"attributes":attrs}}.
func mgBody(t testing.TB, attrs map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"data": map[string]any{"type": "managers", "attributes": attrs}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mgCount returns how many managers reseller rid has.
func mgCount(t testing.TB, c *client.Client, rid int64) int {
	t.Helper()
	p, err := c.ListManagers(context.Background(), rid, &client.ListOptions{PageSize: 1})
	if err != nil {
		t.Fatalf("list managers of %d: %v", rid, err)
	}
	return p.TotalCount
}

func TestManagerCreateValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		tree := mgNewTree(t, s)
		adminA := mustCreateManager(t, s.Admin, tree.A.ID, "admin")
		foreignRole := mgRoleIDs(t, s.client(adminA.APIToken), tree.A.ID)["Sales person"]
		taken := mgNewManager(t, s.Admin, 1, client.ManagerInput{Role: client.String("sales"),
			Email: client.String("taken@example.com"), ManagerKey: client.String("taken.key")})
		const attr = "/data/attributes/"

		// Each case starts from a valid body and spoils one thing.
		tests := []struct {
			name    string
			edit    func(a map[string]any)
			pointer string
			detail  string
		}{
			{"MissingName", func(a map[string]any) { delete(a, "name") }, attr + "name", "name can't be blank"},
			{"BlankName", func(a map[string]any) { a["name"] = "   " }, attr + "name", ""},
			{"NameTooLong", func(a map[string]any) { a["name"] = strings.Repeat("n", 256) }, attr + "name", ""},
			{"MissingEmail", func(a map[string]any) { delete(a, "email") }, attr + "email", "email can't be blank"},
			{"MissingPassword", func(a map[string]any) { delete(a, "password") }, attr + "password", "password can't be blank"},
			{"BadEmail", func(a map[string]any) { a["email"] = "not-an-email" }, attr + "email", "email is not a valid e-mail address"},
			{"EmailWithDisplayName", func(a map[string]any) { a["email"] = "Ann <ann@example.com>" }, attr + "email", ""},
			{"EmailWithoutDomainDot", func(a map[string]any) { a["email"] = "ann@localhost" }, attr + "email", ""},
			{"EmailTaken", func(a map[string]any) { a["email"] = "taken@example.com" }, attr + "email", "email has already been taken"},
			{"EmailTakenOtherCase", func(a map[string]any) { a["email"] = " TAKEN@Example.com" }, attr + "email", "email has already been taken"},
			{"PasswordTooShort", func(a map[string]any) { a["password"] = "abc123" }, attr + "password", ""},
			{"PasswordWithoutDigit", func(a map[string]any) { a["password"] = "lettersonly" }, attr + "password", ""},
			{"PasswordWithoutLetter", func(a map[string]any) { a["password"] = "1234567890" }, attr + "password", ""},
			{"PhoneWithoutPrefix", func(a map[string]any) { a["phone"] = "375280000000" }, attr + "phone", ""},
			{"PhoneTooShort", func(a map[string]any) { a["phone"] = "+37528" }, attr + "phone", ""},
			{"PhoneLetters", func(a map[string]any) { a["phone"] = "+375abc0000" }, attr + "phone", ""},
			{"ManagerKeySpace", func(a map[string]any) { a["manager_key"] = "bad key" }, attr + "manager_key", ""},
			{"ManagerKeyPunctuation", func(a map[string]any) { a["manager_key"] = "bad!key" }, attr + "manager_key", ""},
			{"ManagerKeyCyrillic", func(a map[string]any) { a["manager_key"] = "ключ" }, attr + "manager_key", ""},
			{"ManagerKeyTaken", func(a map[string]any) { a["manager_key"] = "taken.key" }, attr + "manager_key", "manager_key has already been taken"},
			{"ManagerRoleOfAnotherReseller", func(a map[string]any) { delete(a, "role"); a["manager_role_id"] = foreignRole },
				attr + "manager_role_id", "Manager role not found"},
			{"ManagerRoleUnknown", func(a map[string]any) { delete(a, "role"); a["manager_role_id"] = 99999999 }, attr + "manager_role_id", ""},
			{"ManagerRoleZero", func(a map[string]any) { delete(a, "role"); a["manager_role_id"] = 0 }, attr + "manager_role_id", ""},
			{"RoleUnknown", func(a map[string]any) { a["role"] = "superuser" }, attr + "role", "role must be one of: admin, owner, sales, marketing"},
			{"RoleMissing", func(a map[string]any) { delete(a, "role") }, attr + "manager_role_id", "manager_role_id is required unless admin is true"},
			{"AdminFalseWithoutRole", func(a map[string]any) { delete(a, "role"); a["admin"] = false }, attr + "manager_role_id", ""},
			{"CustomAttributeKey", func(a map[string]any) {
				a["custom_attributes"] = map[string]any{"data": []any{map[string]any{"key": "bad key", "value": "x"}}}
			}, attr + "custom_attributes/bad key", ""},
			{"NameNotString", func(a map[string]any) { a["name"] = 123 }, attr + "name", "name must be a string"},
			{"EmailNotString", func(a map[string]any) { a["email"] = true }, attr + "email", ""},
			{"PasswordNotString", func(a map[string]any) { a["password"] = 12345678 }, attr + "password", ""},
			{"PhoneNotString", func(a map[string]any) { a["phone"] = 375280000000 }, attr + "phone", ""},
			{"AdminNotBoolean", func(a map[string]any) { a["admin"] = "yes" }, attr + "admin", "admin must be a boolean"},
			{"ManagerRoleIDNotInteger", func(a map[string]any) { delete(a, "role"); a["manager_role_id"] = "abc" },
				attr + "manager_role_id", "manager_role_id must be an integer"},
			{"ManagerRoleIDFraction", func(a map[string]any) { delete(a, "role"); a["manager_role_id"] = 1.5 }, attr + "manager_role_id", ""},
			{"CustomAttributesNotObject", func(a map[string]any) { a["custom_attributes"] = 5 }, attr + "custom_attributes", ""},
		}
		before := mgCount(t, s.Admin, 1)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := map[string]any{"name": "Valid Name", "email": unique("valid") + "@example.com",
					"password": mgPassword, "role": "sales"}
				tt.edit(a)
				e := mgErrorOf(t, mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", mgBody(t, a)),
					http.StatusUnprocessableEntity)
				mgOnlyPointer(t, e, tt.pointer)
				if tt.detail != "" && e.Errors[0].Detail != tt.detail {
					t.Fatalf("detail = %q, want %q", e.Errors[0].Detail, tt.detail)
				}
			})
		}

		t.Run("EveryRequiredFieldMissing", func(t *testing.T) {
			e := mgErrorOf(t, mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", mgBody(t, map[string]any{"role": "sales"})),
				http.StatusUnprocessableEntity)
			want := []string{attr + "name", attr + "email", attr + "password"}
			if len(e.Errors) != len(want) {
				t.Fatalf("errors at %v, want one each at %v", mgSources(e), want)
			}
			for _, p := range want {
				if !hasPointer(e, p) {
					t.Fatalf("errors at %v, want one at %s", mgSources(e), p)
				}
			}
		})

		t.Run("Envelope", func(t *testing.T) {
			tests := []struct {
				name, body string
				status     int
				pointer    string
			}{
				{"NoData", `{}`, http.StatusUnprocessableEntity, "/data"},
				{"NoAttributes", `{"data":{"type":"managers"}}`, http.StatusUnprocessableEntity, "/data/attributes"},
				{"DataNotObject", `{"data":[]}`, http.StatusUnprocessableEntity, "/data"},
				{"AttributesNotObject", `{"data":{"attributes":"x"}}`, http.StatusUnprocessableEntity, "/data/attributes"},
				{"Malformed", `{"data":`, http.StatusBadRequest, ""},
				{"Empty", ` `, http.StatusBadRequest, ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					e := mgErrorOf(t, mgDo(t, s.Admin, "POST", "/api/v3/resellers/1/managers", tt.body), tt.status)
					if tt.pointer != "" {
						mgOnlyPointer(t, e, tt.pointer)
					}
				})
			}
			resp, err := s.Admin.Do(context.Background(), "POST", "/api/v3/resellers/1/managers",
				[]byte(mgBody(t, map[string]any{"name": "X"})), "text/plain")
			if err != nil {
				t.Fatal(err)
			}
			mgErrorOf(t, resp, http.StatusUnsupportedMediaType)
		})

		if after := mgCount(t, s.Admin, 1); after != before {
			t.Fatalf("reseller 1 has %d managers after refused creates, want %d", after, before)
		}
		if taken.ID == 0 {
			t.Fatal("no manager to collide with")
		}
	})
}

func TestManagerUpdateValidation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		tree := mgNewTree(t, s)
		adminA := mustCreateManager(t, s.Admin, tree.A.ID, "admin")
		foreignRole := mgRoleIDs(t, s.client(adminA.APIToken), tree.A.ID)["Marketing"]
		mgNewManager(t, s.Admin, 1, client.ManagerInput{Role: client.String("sales"), ManagerKey: client.String("taken.key")})
		m := mgNewManager(t, s.Admin, 1, client.ManagerInput{Role: client.String("sales"),
			Phone: client.String("+375280000000"), ManagerKey: client.String("own.key")})
		before, err := s.Admin.GetManager(ctx, 1, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		const attr = "/data/attributes/"

		tests := []struct {
			name    string
			attrs   map[string]any
			pointer string
			detail  string
		}{
			{"EmailNotUpdatable", map[string]any{"email": "new@example.com"}, attr + "email", "email cannot be changed"},
			{"SameEmailNotUpdatable", map[string]any{"email": m.Email}, attr + "email", "email cannot be changed"},
			{"BlankName", map[string]any{"name": ""}, attr + "name", "name can't be blank"},
			{"BadStatus", map[string]any{"status": "blocked"}, attr + "status", "status must be one of: active, inactive"},
			{"BadPhone", map[string]any{"phone": "12345"}, attr + "phone", ""},
			{"BadManagerKey", map[string]any{"manager_key": "no spaces"}, attr + "manager_key", ""},
			{"ManagerKeyTaken", map[string]any{"manager_key": "taken.key"}, attr + "manager_key", "manager_key has already been taken"},
			{"WeakPassword", map[string]any{"password": "short"}, attr + "password", ""},
			{"ManagerRoleOfAnotherReseller", map[string]any{"manager_role_id": foreignRole}, attr + "manager_role_id", ""},
			{"ManagerRoleUnknownString", map[string]any{"manager_role_id": "99999999"}, attr + "manager_role_id", ""},
			{"RoleUnknown", map[string]any{"role": "chief"}, attr + "role", ""},
			{"StatusNotString", map[string]any{"status": 1}, attr + "status", "status must be a string"},
			{"AdminNotBoolean", map[string]any{"admin": "maybe"}, attr + "admin", ""},
			{"ManagerRoleIDNotInteger", map[string]any{"manager_role_id": []int{1}}, attr + "manager_role_id", ""},
			{"NameNotString", map[string]any{"name": map[string]any{"first": "A"}}, attr + "name", ""},
		}
		path := mgPath("/resellers/1/managers/%d", m.ID)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := mgErrorOf(t, mgDo(t, s.Admin, "PATCH", path, mgBody(t, tt.attrs)), http.StatusUnprocessableEntity)
				mgOnlyPointer(t, e, tt.pointer)
				if tt.detail != "" && e.Errors[0].Detail != tt.detail {
					t.Fatalf("detail = %q, want %q", e.Errors[0].Detail, tt.detail)
				}
			})
		}

		t.Run("SeveralAtOnce", func(t *testing.T) {
			e := mgErrorOf(t, mgDo(t, s.Admin, "PATCH", path, mgBody(t, map[string]any{
				"email": "x@example.com", "phone": "1", "status": "gone"})), http.StatusUnprocessableEntity)
			for _, p := range []string{attr + "email", attr + "phone", attr + "status"} {
				if !hasPointer(e, p) {
					t.Fatalf("errors at %v, want one at %s", mgSources(e), p)
				}
			}
		})

		after, err := s.Admin.GetManager(ctx, 1, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Name != before.Name || after.Email != before.Email || after.Status != before.Status ||
			after.Role != before.Role || after.Phone != before.Phone || after.ManagerKey != before.ManagerKey ||
			!after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("after refused updates manager = %+v, want it unchanged: %+v", after, before)
		}
	})
}
