package domain

import (
	"slices"
	"strings"
	"testing"
)

func mgPtr[T any](v T) *T { return &v }

// mgPointersOf lists the JSON pointers of every error err carries, sorted.
func mgPointersOf(err error) []string {
	var out []string
	for _, e := range Errors(err) {
		out = append(out, e.Pointer)
	}
	slices.Sort(out)
	return out
}

// mgValidCreate is a complete, valid new manager.
func mgValidCreate() ManagerChange {
	return ManagerChange{Name: mgPtr("Ann Lee"), Email: mgPtr("ann@example.com"), Password: mgPtr("secret123"), Role: mgPtr("sales")}
}

func TestManagerChangeValidateCreate(t *testing.T) {
	const a = "/data/attributes/"
	tests := []struct {
		name string
		edit func(c *ManagerChange)
		want []string // pointers of the expected errors; none for OK
	}{
		{"OK", func(c *ManagerChange) {}, nil},
		{"OKAdmin", func(c *ManagerChange) { c.Role, c.Admin = nil, mgPtr(true) }, nil},
		{"OKLegacyAdmin", func(c *ManagerChange) { c.Role = mgPtr("admin") }, nil},
		{"OKManagerRoleID", func(c *ManagerChange) { c.Role, c.ManagerRoleID = nil, mgPtr(int64(3)) }, nil},
		{"OKEverything", func(c *ManagerChange) {
			c.Phone, c.ManagerKey, c.Status = mgPtr("+375280000000"), mgPtr("A_b.c-1"), mgPtr("inactive")
			c.CustomAttributes = map[string]*string{"department": mgPtr("sales"), "gone": nil}
		}, nil},
		{"OKLongestName", func(c *ManagerChange) { c.Name = mgPtr(strings.Repeat("ж", 255)) }, nil},
		{"OKPhoneDoubleZero", func(c *ManagerChange) { c.Phone = mgPtr("00375280000000") }, nil},
		{"OKPhoneShortest", func(c *ManagerChange) { c.Phone = mgPtr("+1234567") }, nil},
		{"OKEmptyPhoneAndKey", func(c *ManagerChange) { c.Phone, c.ManagerKey = mgPtr(""), mgPtr(" ") }, nil},
		{"OKPasswordLongest", func(c *ManagerChange) { c.Password = mgPtr(strings.Repeat("a", 71) + "1") }, nil},
		{"ErrNameRequired", func(c *ManagerChange) { c.Name = nil }, []string{a + "name"}},
		{"ErrNameBlank", func(c *ManagerChange) { c.Name = mgPtr(" \t ") }, []string{a + "name"}},
		{"ErrNameTooLong", func(c *ManagerChange) { c.Name = mgPtr(strings.Repeat("ж", 256)) }, []string{a + "name"}},
		{"ErrEmailRequired", func(c *ManagerChange) { c.Email = nil }, []string{a + "email"}},
		{"ErrEmailBlank", func(c *ManagerChange) { c.Email = mgPtr("  ") }, []string{a + "email"}},
		{"ErrEmailNoAt", func(c *ManagerChange) { c.Email = mgPtr("ann.example.com") }, []string{a + "email"}},
		{"ErrEmailNoLocalPart", func(c *ManagerChange) { c.Email = mgPtr("@example.com") }, []string{a + "email"}},
		{"ErrEmailNoDomainDot", func(c *ManagerChange) { c.Email = mgPtr("ann@example") }, []string{a + "email"}},
		{"ErrEmailDisplayName", func(c *ManagerChange) { c.Email = mgPtr("Ann <ann@example.com>") }, []string{a + "email"}},
		{"ErrEmailSpace", func(c *ManagerChange) { c.Email = mgPtr("ann lee@example.com") }, []string{a + "email"}},
		{"ErrEmailTooLong", func(c *ManagerChange) {
			c.Email = mgPtr(strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".com")
		},
			[]string{a + "email"}},
		{"ErrPasswordRequired", func(c *ManagerChange) { c.Password = nil }, []string{a + "password"}},
		{"ErrPasswordShort", func(c *ManagerChange) { c.Password = mgPtr("abc1234") }, []string{a + "password"}},
		{"ErrPasswordNoDigit", func(c *ManagerChange) { c.Password = mgPtr("abcdefgh") }, []string{a + "password"}},
		{"ErrPasswordNoLetter", func(c *ManagerChange) { c.Password = mgPtr("12345678") }, []string{a + "password"}},
		{"ErrPasswordTooLong", func(c *ManagerChange) { c.Password = mgPtr(strings.Repeat("a", 72) + "1") }, []string{a + "password"}},
		{"ErrPhoneNoPrefix", func(c *ManagerChange) { c.Phone = mgPtr("375280000000") }, []string{a + "phone"}},
		{"ErrPhoneLeadingZero", func(c *ManagerChange) { c.Phone = mgPtr("+0375280000000") }, []string{a + "phone"}},
		{"ErrPhoneTooShort", func(c *ManagerChange) { c.Phone = mgPtr("+123456") }, []string{a + "phone"}},
		{"ErrPhoneTooLong", func(c *ManagerChange) { c.Phone = mgPtr("+1234567890123456") }, []string{a + "phone"}},
		{"ErrPhoneSpaces", func(c *ManagerChange) { c.Phone = mgPtr("+375 28 000 00 00") }, []string{a + "phone"}},
		{"ErrManagerKeySpace", func(c *ManagerChange) { c.ManagerKey = mgPtr("a b") }, []string{a + "manager_key"}},
		{"ErrManagerKeyPunctuation", func(c *ManagerChange) { c.ManagerKey = mgPtr("a/b") }, []string{a + "manager_key"}},
		{"ErrManagerKeyCyrillic", func(c *ManagerChange) { c.ManagerKey = mgPtr("ключ") }, []string{a + "manager_key"}},
		{"ErrManagerKeyTooLong", func(c *ManagerChange) { c.ManagerKey = mgPtr(strings.Repeat("k", 65)) }, []string{a + "manager_key"}},
		{"ErrStatus", func(c *ManagerChange) { c.Status = mgPtr("blocked") }, []string{a + "status"}},
		{"ErrRole", func(c *ManagerChange) { c.Role = mgPtr("superuser") }, []string{a + "role"}},
		{"ErrManagerRoleIDZero", func(c *ManagerChange) { c.Role, c.ManagerRoleID = nil, mgPtr(int64(0)) }, []string{a + "manager_role_id"}},
		{"ErrManagerRoleIDNegative", func(c *ManagerChange) { c.ManagerRoleID = mgPtr(int64(-3)) }, []string{a + "manager_role_id"}},
		{"ErrRoleRequired", func(c *ManagerChange) { c.Role = nil }, []string{a + "manager_role_id"}},
		{"ErrRoleRequiredAdminFalse", func(c *ManagerChange) { c.Role, c.Admin = nil, mgPtr(false) }, []string{a + "manager_role_id"}},
		{"ErrCustomAttributeKey", func(c *ManagerChange) { c.CustomAttributes = map[string]*string{"bad key": mgPtr("x")} },
			[]string{a + "custom_attributes/bad key"}},
		{"ErrCustomAttributeValue", func(c *ManagerChange) {
			c.CustomAttributes = map[string]*string{"notes": mgPtr(strings.Repeat("x", 1025))}
		}, []string{a + "custom_attributes/notes"}},
		{"ErrEverythingMissing", func(c *ManagerChange) { *c = ManagerChange{} },
			[]string{a + "email", a + "manager_role_id", a + "name", a + "password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mgValidCreate()
			tt.edit(&c)
			err := c.Validate(true)
			if got := mgPointersOf(err); !slices.Equal(got, tt.want) {
				t.Fatalf("Validate(create) errors at %v, want %v (%v)", got, tt.want, err)
			}
			for _, e := range Errors(err) {
				if e.Code != ErrInvalid || !e.Message.Known() || e.Reason == "" {
					t.Fatalf("error %+v: want an invalid error with a known message and a reason", e)
				}
			}
		})
	}
}

func TestManagerChangeValidateUpdate(t *testing.T) {
	const a = "/data/attributes/"
	tests := []struct {
		name string
		c    ManagerChange
		want []string
	}{
		{"OKEmpty", ManagerChange{}, nil},
		{"OKName", ManagerChange{Name: mgPtr("New Name")}, nil},
		{"OKAdminFalse", ManagerChange{Admin: mgPtr(false)}, nil},
		{"OKClearKey", ManagerChange{ManagerKey: mgPtr("")}, nil},
		{"ErrEmailNotUpdatable", ManagerChange{Email: mgPtr("new@example.com")}, []string{a + "email"}},
		{"ErrEmailInvalidNotUpdatable", ManagerChange{Email: mgPtr("nonsense")}, []string{a + "email"}},
		{"ErrNameBlank", ManagerChange{Name: mgPtr("")}, []string{a + "name"}},
		{"ErrPassword", ManagerChange{Password: mgPtr("weak")}, []string{a + "password"}},
		{"ErrSeveral", ManagerChange{Status: mgPtr("gone"), Phone: mgPtr("1"), Role: mgPtr("boss")},
			[]string{a + "phone", a + "role", a + "status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mgPointersOf(tt.c.Validate(false)); !slices.Equal(got, tt.want) {
				t.Fatalf("Validate(update) errors at %v, want %v", got, tt.want)
			}
		})
	}
}

func TestManagerChangeValidateNormalises(t *testing.T) {
	c := ManagerChange{Name: mgPtr("  Ann Lee "), Email: mgPtr(" Ann.Lee@Example.COM "), Password: mgPtr("secret123"),
		Status: mgPtr(" Inactive"), Role: mgPtr(" Marketing "), Phone: mgPtr(" +375280000000 "), ManagerKey: mgPtr(" ann.lee ")}
	if err := c.Validate(true); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, got, want string }{
		{"name", *c.Name, "Ann Lee"},
		{"email", *c.Email, "ann.lee@example.com"},
		{"status", *c.Status, "inactive"},
		{"role", *c.Role, "marketing"},
		{"phone", *c.Phone, "+375280000000"},
		{"manager_key", *c.ManagerKey, "ann.lee"},
		{"password", *c.Password, "secret123"},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
}

func TestManagerChangeAccess(t *testing.T) {
	tests := []struct {
		name                string
		c                   ManagerChange
		grantsAdmin, access bool
	}{
		{"Nothing", ManagerChange{}, false, false},
		{"ProfileOnly", ManagerChange{Name: mgPtr("x"), Phone: mgPtr("+375280000000"), Password: mgPtr("secret123"),
			ManagerKey: mgPtr("k"), CustomAttributes: map[string]*string{"a": mgPtr("b")}}, false, false},
		{"Status", ManagerChange{Status: mgPtr("active")}, false, true},
		{"AdminTrue", ManagerChange{Admin: mgPtr(true)}, true, true},
		{"AdminFalse", ManagerChange{Admin: mgPtr(false)}, false, true},
		{"LegacyAdmin", ManagerChange{Role: mgPtr("admin")}, true, true},
		{"LegacySales", ManagerChange{Role: mgPtr("sales")}, false, true},
		{"ManagerRoleID", ManagerChange{ManagerRoleID: mgPtr(int64(2))}, false, true},
		{"AdminWinsOverManagerRoleID", ManagerChange{Admin: mgPtr(true), ManagerRoleID: mgPtr(int64(2))}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.GrantsAdmin(); got != tt.grantsAdmin {
				t.Errorf("GrantsAdmin() = %v, want %v", got, tt.grantsAdmin)
			}
			if got := tt.c.ChangesAccess(); got != tt.access {
				t.Errorf("ChangesAccess() = %v, want %v", got, tt.access)
			}
		})
	}
}

func TestManagerApply(t *testing.T) {
	base := func() *Manager {
		return &Manager{Name: "Ann", Status: ManagerStatusActive, Phone: "+375280000000", ManagerKey: "ann",
			CustomAttributes: map[string]string{"department": "sales"}}
	}
	tests := []struct {
		name    string
		c       ManagerChange
		changed bool
		check   func(m *Manager) bool
	}{
		{"Nothing", ManagerChange{}, false, func(m *Manager) bool { return m.Name == "Ann" }},
		{"SameValues", ManagerChange{Name: mgPtr("Ann"), Status: mgPtr("active"), Phone: mgPtr("+375280000000"),
			ManagerKey: mgPtr("ann"), CustomAttributes: map[string]*string{"department": mgPtr("sales")}}, false,
			func(m *Manager) bool { return m.Name == "Ann" }},
		{"Name", ManagerChange{Name: mgPtr("Bob")}, true, func(m *Manager) bool { return m.Name == "Bob" }},
		{"Status", ManagerChange{Status: mgPtr("inactive")}, true, func(m *Manager) bool { return m.Status == ManagerStatusInactive }},
		{"ClearKey", ManagerChange{ManagerKey: mgPtr("")}, true, func(m *Manager) bool { return m.ManagerKey == "" }},
		{"AddAttribute", ManagerChange{CustomAttributes: map[string]*string{"desk": mgPtr("7")}}, true,
			func(m *Manager) bool {
				return m.CustomAttributes["desk"] == "7" && m.CustomAttributes["department"] == "sales"
			}},
		{"RemoveAttribute", ManagerChange{CustomAttributes: map[string]*string{"department": nil}}, true,
			func(m *Manager) bool { _, ok := m.CustomAttributes["department"]; return !ok }},
		{"RemoveMissingAttribute", ManagerChange{CustomAttributes: map[string]*string{"nothing": nil}}, false,
			func(m *Manager) bool { return len(m.CustomAttributes) == 1 }},
		{"RoleAndEmailLeftToService", ManagerChange{Email: mgPtr("x@example.com"), Role: mgPtr("owner"), Password: mgPtr("secret123")}, false,
			func(m *Manager) bool { return m.Email == "" && m.Role == "" && m.PasswordHash == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			if got := m.Apply(tt.c); got != tt.changed {
				t.Fatalf("Apply() = %v, want %v", got, tt.changed)
			}
			if !tt.check(m) {
				t.Fatalf("manager after Apply = %+v", m)
			}
		})
	}
}

func TestManagerFieldValidators(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"carter81", true}, {"A_b.c-1", true}, {strings.Repeat("k", 64), true},
		{"", false}, {"a b", false}, {"a+b", false}, {"ключ", false}, {strings.Repeat("k", 65), false},
	} {
		if got := ValidManagerKey(tt.v); got != tt.want {
			t.Errorf("ValidManagerKey(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"S3cure!pass", true}, {"пароль123", true}, {"abcdefg1", true},
		{"abcdef1", false}, {"abcdefgh", false}, {"12345678", false}, {strings.Repeat("a", 72) + "1", false},
	} {
		if got := ValidPassword(tt.v); got != tt.want {
			t.Errorf("ValidPassword(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"carter81@example.net", true}, {"a.b+c@sub.example.com", true},
		{"carter81", false}, {"carter81@example", false}, {"<a@example.com>", false}, {"a@@example.com", false},
	} {
		if got := ValidEmail(tt.v); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestManagerChangeApplyRole(t *testing.T) {
	yes, no := true, false
	levelID, sales := int64(9), string(RoleSales)
	own := &ManagerRole{ID: 9, ResellerID: 3, Name: "Sales", Role: RoleSales}
	other := &ManagerRole{ID: 9, ResellerID: 4, Name: "Sales", Role: RoleSales}
	cases := []struct {
		name      string
		change    ManagerChange
		was       Role
		level     *ManagerRole
		wantRole  Role
		wantLevel *ManagerRole
		wantPtr   string // the pointer of the error; empty for none
	}{
		{"AdminTrue", ManagerChange{Admin: &yes}, RoleSales, nil, RoleAdmin, nil, ""},
		{"RoleNamedAdmin", ManagerChange{Role: mgPtr(string(RoleAdmin))}, RoleSales, nil, RoleAdmin, nil, ""},
		{"LevelByID", ManagerChange{ManagerRoleID: &levelID}, RoleAdmin, own, RoleSales, own, ""},
		{"LevelByRoleName", ManagerChange{Role: &sales}, RoleAdmin, own, RoleSales, own, ""},
		{"LevelMissing", ManagerChange{ManagerRoleID: &levelID}, RoleSales, nil, RoleSales, nil, ptrManager + "manager_role_id"},
		{"LevelOfAnotherReseller", ManagerChange{ManagerRoleID: &levelID}, RoleSales, other, RoleSales, nil, ptrManager + "manager_role_id"},
		{"RoleNameMissing", ManagerChange{Role: &sales}, RoleSales, nil, RoleSales, nil, ptrManager + "role"},
		{"AdminFalseOnAdmin", ManagerChange{Admin: &no}, RoleAdmin, nil, RoleAdmin, nil, ptrManager + "manager_role_id"},
		{"AdminFalseOnOther", ManagerChange{Admin: &no}, RoleSales, nil, RoleSales, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &Manager{ResellerID: 3, Role: tc.was}
			err := tc.change.ApplyRole(m, tc.level)
			if tc.wantPtr != "" {
				errs := Errors(err)
				if len(errs) != 1 || errs[0].Pointer != tc.wantPtr {
					t.Fatalf("error %v, want one at %s", err, tc.wantPtr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if m.Role != tc.wantRole || m.AccessLevel != tc.wantLevel {
				t.Fatalf("role %s, level %v; want %s, %v", m.Role, m.AccessLevel, tc.wantRole, tc.wantLevel)
			}
		})
	}
}
