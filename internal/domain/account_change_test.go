package domain

import (
	"slices"
	"testing"
	"time"
)

// acInOrder lists the pointer and message of each field error err carries, in order.
func acInOrder(err error) []string {
	var out []string
	for _, e := range Errors(err) {
		out = append(out, e.Pointer+" "+string(e.Message))
	}
	return out
}

var (
	acPerson   = &AccountType{ID: 1, Key: "personal", NamePattern: "%first_name %last_name"}
	acBusiness = &AccountType{ID: 2, Key: "business", NamePattern: "%primary_name"}
	acDefault  = &AccountClass{ID: 1, Key: "default", Default: true}
	acGold     = &AccountClass{ID: 2, Key: "gold", CreditLimit: 100 * AmountScale}
	acSales    = &Manager{ID: 7, ResellerID: 5, Status: ManagerStatusActive, Role: RoleSales}
	acOwner    = &User{ID: 9, ResellerID: 5}
)

// acManager returns acSales changed by f.
func acManager(f func(m *Manager)) *Manager {
	m := *acSales
	f(&m)
	return &m
}

func TestAccountChangeApplyCreate(t *testing.T) {
	base := func() AccountChange {
		return AccountChange{AccountTypeID: acInt(1), FirstName: acStr("Ann"), LastName: acStr("Lee"),
			Email: acStr("ann@example.com")}
	}
	for _, tc := range []struct {
		name   string
		change func(c *AccountChange)
		refs   AccountRefs // Create is set
		want   []string
		check  func(t *testing.T, a *Account)
	}{
		{"OK", func(c *AccountChange) {}, AccountRefs{Type: acPerson, Class: acDefault}, nil, func(t *testing.T, a *Account) {
			if a.AccountTypeID != 1 || a.Class.Key != "default" || a.Name != "Ann Lee" || a.ManagerID != 0 || a.TechUserID != 0 {
				t.Errorf("account = %+v", a)
			}
		}},
		{"OKEveryReference", func(c *AccountChange) {
			c.AccountTypeID, c.PrimaryName, c.AccountClassKey = acInt(2), acStr("Example LLC"), acStr("gold")
			c.ManagerID, c.OwnerID, c.TechUserID = acInt(7), acInt(9), acInt(9)
		}, AccountRefs{Type: acBusiness, Class: acGold, Manager: acSales, Owner: acOwner}, nil, func(t *testing.T, a *Account) {
			if a.AccountTypeID != 2 || a.Class.Key != "gold" || a.Name != "Example LLC" || a.ManagerID != 7 ||
				a.TechUserID != 9 || a.EffectiveCreditLimit() != 100*AmountScale {
				t.Errorf("account = %+v", a)
			}
		}},
		{"OKZeroIDsClear", func(c *AccountChange) { c.ManagerID, c.TechUserID = acInt(0), acInt(0) },
			AccountRefs{Type: acPerson, Class: acDefault}, nil, nil},
		{"OKNoDefaultClassLoaded", func(c *AccountChange) {}, AccountRefs{Type: acPerson}, nil, func(t *testing.T, a *Account) {
			if a.Class.Key != "" {
				t.Errorf("class = %q, want none", a.Class.Key)
			}
		}},
		{"ErrUnknownType", func(c *AccountChange) {}, AccountRefs{Class: acDefault},
			[]string{"/data/attributes/account_type_id unknown_account_type"}, nil},
		{"ErrOtherTypeLoaded", func(c *AccountChange) {}, AccountRefs{Type: acBusiness, Class: acDefault},
			[]string{"/data/attributes/account_type_id unknown_account_type"}, nil},
		{"ErrPrimaryNameRequired", func(c *AccountChange) { c.AccountTypeID = acInt(2) },
			AccountRefs{Type: acBusiness, Class: acDefault}, []string{"/data/attributes/primary_name blank"}, nil},
		{"ErrUnknownClass", func(c *AccountChange) { c.AccountClassKey = acStr(" platinum ") },
			AccountRefs{Type: acPerson}, []string{"/data/attributes/account_class_key unknown_account_class"}, nil},
		{"ErrOtherClassLoaded", func(c *AccountChange) { c.AccountClassKey = acStr("platinum") },
			AccountRefs{Type: acPerson, Class: acGold}, []string{"/data/attributes/account_class_key unknown_account_class"}, nil},
		{"ErrManagerMissing", func(c *AccountChange) { c.ManagerID = acInt(7) },
			AccountRefs{Type: acPerson, Class: acDefault}, []string{"/data/attributes/manager_id not_sales_manager"}, nil},
		{"ErrManagerOfAnotherReseller", func(c *AccountChange) { c.ManagerID = acInt(7) },
			AccountRefs{Type: acPerson, Class: acDefault, Manager: acManager(func(m *Manager) { m.ResellerID = 6 })},
			[]string{"/data/attributes/manager_id not_sales_manager"}, nil},
		{"ErrManagerBlocked", func(c *AccountChange) { c.ManagerID = acInt(7) },
			AccountRefs{Type: acPerson, Class: acDefault, Manager: acManager(func(m *Manager) { m.Status = ManagerStatusInactive })},
			[]string{"/data/attributes/manager_id not_sales_manager"}, nil},
		{"ErrManagerNotSales", func(c *AccountChange) { c.ManagerID = acInt(7) },
			AccountRefs{Type: acPerson, Class: acDefault, Manager: acManager(func(m *Manager) { m.Role = RoleMarketing })},
			[]string{"/data/attributes/manager_id not_sales_manager"}, nil},
		{"ErrOtherManagerLoaded", func(c *AccountChange) { c.ManagerID = acInt(8) },
			AccountRefs{Type: acPerson, Class: acDefault, Manager: acSales},
			[]string{"/data/attributes/manager_id not_sales_manager"}, nil},
		{"ErrUnknownOwner", func(c *AccountChange) { c.OwnerID = acInt(9) }, AccountRefs{Type: acPerson, Class: acDefault},
			[]string{"/data/attributes/owner_id unknown_user"}, nil},
		{"ErrTechUserNotOwner", func(c *AccountChange) { c.OwnerID, c.TechUserID = acInt(9), acInt(10) },
			AccountRefs{Type: acPerson, Class: acDefault, Owner: acOwner},
			[]string{"/data/attributes/tech_user_id not_account_user"}, nil},
		{"ErrTechUserWithoutOwner", func(c *AccountChange) { c.TechUserID = acInt(9) },
			AccountRefs{Type: acPerson, Class: acDefault, Owner: acOwner},
			[]string{"/data/attributes/tech_user_id not_account_user"}, nil},
		{"ErrTechUserOfUnknownOwner", func(c *AccountChange) { c.OwnerID, c.TechUserID = acInt(9), acInt(9) },
			AccountRefs{Type: acPerson, Class: acDefault},
			[]string{"/data/attributes/owner_id unknown_user", "/data/attributes/tech_user_id not_account_user"}, nil},
		{"ErrEverythingInFieldOrder", func(c *AccountChange) {
			c.Email, c.AccountClassKey, c.ManagerID, c.OwnerID, c.TechUserID = acStr("x@"), acStr("x"), acInt(7), acInt(9), acInt(3)
		}, AccountRefs{}, []string{"/data/attributes/email invalid_email",
			"/data/attributes/account_type_id unknown_account_type", "/data/attributes/account_class_key unknown_account_class",
			"/data/attributes/manager_id not_sales_manager", "/data/attributes/owner_id unknown_user",
			"/data/attributes/tech_user_id not_account_user"}, nil},
		{"ErrInvalidIDsReportedOnce", func(c *AccountChange) { c.AccountTypeID, c.ManagerID = acInt(0), acInt(-1) },
			AccountRefs{Class: acDefault}, []string{"/data/attributes/account_type_id invalid_id",
				"/data/attributes/manager_id invalid_id"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.change(&c)
			acc := NewAccount(5, time.Unix(0, 0))
			keys := c.RefKeys(acc, true)
			tc.refs.Create = true
			changed, err := c.Apply(acc, tc.refs)
			if got := acInOrder(err); !slices.Equal(got, tc.want) {
				t.Fatalf("errors = %v, want %v (keys %+v)", got, tc.want, keys)
			}
			if err == nil && !changed {
				t.Error("a create reported no change")
			}
			if err == nil && tc.check != nil {
				tc.check(t, acc)
			}
		})
	}
}

func TestAccountChangeRefKeys(t *testing.T) {
	acc := &Account{ID: 3, ResellerID: 5, ManagerID: 7, TechUserID: 9}
	for _, tc := range []struct {
		name   string
		create bool
		c      AccountChange
		want   AccountRefKeys
	}{
		{"CreateDefaultClass", true, AccountChange{AccountTypeID: acInt(1)}, AccountRefKeys{TypeID: 1, DefaultClass: true}},
		{"CreateBlankClassTakesDefault", true, AccountChange{AccountClassKey: acStr(" ")}, AccountRefKeys{DefaultClass: true}},
		{"CreateEverything", true, AccountChange{AccountTypeID: acInt(2), AccountClassKey: acStr(" gold "),
			ManagerID: acInt(8), OwnerID: acInt(9), TechUserID: acInt(9)},
			AccountRefKeys{TypeID: 2, ClassKey: "gold", ManagerID: 8, OwnerID: 9}},
		{"UpdateNothingToLoad", false, AccountChange{}, AccountRefKeys{}},
		{"UpdateSameManagerAndTechUser", false, AccountChange{ManagerID: acInt(7), TechUserID: acInt(9)}, AccountRefKeys{}},
		{"UpdateNewManagerAndTechUser", false, AccountChange{ManagerID: acInt(8), TechUserID: acInt(10)},
			AccountRefKeys{ManagerID: 8, TechUserID: 10}},
		{"UpdateZeroesNeedNoLookup", false, AccountChange{ManagerID: acInt(0), TechUserID: acInt(0)}, AccountRefKeys{}},
		{"InvalidIDsNeedNoLookup", true, AccountChange{AccountTypeID: acInt(-1), ManagerID: acInt(-1), OwnerID: acInt(0)},
			AccountRefKeys{DefaultClass: true}},
		{"UpdateOwnerNeedsNoLookup", false, AccountChange{OwnerID: acInt(9)}, AccountRefKeys{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.RefKeys(acc, tc.create); got != tc.want {
				t.Errorf("keys = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestAccountChangeApplyUpdate(t *testing.T) {
	stored := func() *Account {
		return &Account{ID: 3, ResellerID: 5, AccountTypeID: 1, Class: *acDefault, FirstName: "Ann", LastName: "Lee",
			Name: "Ann Lee", Email: "ann@example.com", Status: AccountStatusActive, ManagerID: 7, TechUserID: 9,
			Currency: "EUR", CreditLimitUseSystem: true}
	}
	for _, tc := range []struct {
		name    string
		account func(a *Account)
		c       AccountChange
		refs    AccountRefs
		want    []string
		changed bool
		check   func(t *testing.T, a *Account)
	}{
		{"OKNoChange", nil, AccountChange{AccountTypeID: acInt(1), ManagerID: acInt(7), Currency: acStr("eur")},
			AccountRefs{Type: acPerson}, nil, false, nil},
		{"OKRename", nil, AccountChange{AccountTypeID: acInt(1), FirstName: acStr("Bea")}, AccountRefs{Type: acPerson}, nil, true,
			func(t *testing.T, a *Account) {
				if a.Name != "Bea Lee" {
					t.Errorf("name = %q", a.Name)
				}
			}},
		{"OKTypeChange", nil, AccountChange{AccountTypeID: acInt(2), PrimaryName: acStr("Example LLC")},
			AccountRefs{Type: acBusiness}, nil, true, func(t *testing.T, a *Account) {
				if a.AccountTypeID != 2 || a.Name != "Example LLC" {
					t.Errorf("type %d name %q", a.AccountTypeID, a.Name)
				}
			}},
		{"OKClassChange", nil, AccountChange{AccountTypeID: acInt(1), AccountClassKey: acStr("gold")},
			AccountRefs{Type: acPerson, Class: acGold}, nil, true, func(t *testing.T, a *Account) {
				if a.Class.Key != "gold" {
					t.Errorf("class %q", a.Class.Key)
				}
			}},
		{"OKSameClassNoChange", nil, AccountChange{AccountTypeID: acInt(1), AccountClassKey: acStr("default")},
			AccountRefs{Type: acPerson, Class: acDefault}, nil, false, nil},
		{"OKManagerUnlinked", nil, AccountChange{AccountTypeID: acInt(1), ManagerID: acInt(0)}, AccountRefs{Type: acPerson},
			nil, true, func(t *testing.T, a *Account) {
				if a.ManagerID != 0 {
					t.Errorf("manager %d", a.ManagerID)
				}
			}},
		{"OKManagerRelinked", func(a *Account) { a.ManagerID = 0 }, AccountChange{AccountTypeID: acInt(1), ManagerID: acInt(7)},
			AccountRefs{Type: acPerson, Manager: acSales}, nil, true, nil},
		{"OKTechUserMember", nil, AccountChange{AccountTypeID: acInt(1), TechUserID: acInt(10)},
			AccountRefs{Type: acPerson, TechUserIsMember: true}, nil, true, func(t *testing.T, a *Account) {
				if a.TechUserID != 10 {
					t.Errorf("tech user %d", a.TechUserID)
				}
			}},
		{"ErrCreditHoldStatus", func(a *Account) { a.Status = AccountStatusCreditHold },
			AccountChange{AccountTypeID: acInt(1), Status: acStr("active"), City: acStr("Berlin")},
			AccountRefs{Type: acPerson}, []string{"/data/attributes/status credit_hold_automatic"}, false, nil},
		{"ErrTechUserNotMember", nil, AccountChange{AccountTypeID: acInt(1), TechUserID: acInt(10)},
			AccountRefs{Type: acPerson}, []string{"/data/attributes/tech_user_id not_account_user"}, false, nil},
		{"ErrCurrencyFixed", nil, AccountChange{AccountTypeID: acInt(1), Currency: acStr("USD")}, AccountRefs{Type: acPerson},
			[]string{"/data/attributes/currency not_updatable"}, false, nil},
		{"ErrTypeRequired", nil, AccountChange{City: acStr("Berlin")}, AccountRefs{},
			[]string{"/data/attributes/account_type_id required"}, false, nil},
		{"ErrPrimaryNameOfNewType", nil, AccountChange{AccountTypeID: acInt(2)}, AccountRefs{Type: acBusiness},
			[]string{"/data/attributes/primary_name blank"}, false, nil},
		{"ErrInFieldOrder", func(a *Account) { a.Status = AccountStatusCreditHold }, AccountChange{AccountTypeID: acInt(1),
			Email: acStr("x@"), Currency: acStr("USD"), Status: acStr("administrative_hold"), ManagerID: acInt(8),
			TechUserID: acInt(10), OwnerID: acInt(9)},
			AccountRefs{Type: acPerson}, []string{"/data/attributes/email invalid_email", "/data/attributes/owner_id not_updatable",
				"/data/attributes/currency not_updatable", "/data/attributes/status credit_hold_automatic",
				"/data/attributes/manager_id not_sales_manager", "/data/attributes/tech_user_id not_account_user"}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acc := stored()
			if tc.account != nil {
				tc.account(acc)
			}
			c := tc.c
			c.RefKeys(acc, false)
			changed, err := c.Apply(acc, tc.refs)
			if got := acInOrder(err); !slices.Equal(got, tc.want) {
				t.Fatalf("errors = %v, want %v", got, tc.want)
			}
			if changed != tc.changed {
				t.Errorf("changed = %v, want %v", changed, tc.changed)
			}
			if err == nil && tc.check != nil {
				tc.check(t, acc)
			}
		})
	}
}

// TestAccountChangeApplyValidatesOnce checks that Apply reports Validate's problems
// without validating again, and validates a change RefKeys never saw.
func TestAccountChangeApplyValidatesOnce(t *testing.T) {
	c := AccountChange{AccountTypeID: acInt(1), FirstName: acStr(" "), LastName: acStr("Lee"), Email: acStr("a@example.com")}
	_, err := c.Apply(NewAccount(5, time.Unix(0, 0)), AccountRefs{Create: true, Type: acPerson, Class: acDefault})
	if got := acInOrder(err); !slices.Equal(got, []string{"/data/attributes/first_name blank"}) {
		t.Errorf("errors = %v", got)
	}
}
