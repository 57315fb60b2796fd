package domain

import (
	"slices"
	"sort"
	"testing"
)

func acStr(s string) *string { return &s }
func acInt(v int64) *int64   { return &v }
func acBool(v bool) *bool    { return &v }

// acPointers lists the pointers of the field errors err carries, sorted.
func acPointers(err error) []string {
	var out []string
	for _, e := range Errors(err) {
		out = append(out, e.Pointer+" "+string(e.Message))
	}
	sort.Strings(out)
	return out
}

func TestAccountChangeValidate(t *testing.T) {
	valid := func() AccountChange {
		return AccountChange{AccountTypeID: acInt(2), FirstName: acStr(" Ann "), LastName: acStr("Lee"), Email: acStr(" Ann@Example.COM ")}
	}
	for _, tc := range []struct {
		name   string
		create bool
		change func(c *AccountChange)
		want   []string
	}{
		{"OK", true, func(c *AccountChange) {}, nil},
		{"OKUpdateWithTypeOnly", false, func(c *AccountChange) { *c = AccountChange{AccountTypeID: acInt(1)} }, nil},
		{"ErrRequiredOnCreate", true, func(c *AccountChange) { *c = AccountChange{} }, []string{
			"/data/attributes/account_type_id required", "/data/attributes/email blank",
			"/data/attributes/first_name blank", "/data/attributes/last_name blank"}},
		{"ErrTypeRequiredOnUpdate", false, func(c *AccountChange) { *c = AccountChange{City: acStr("X")} },
			[]string{"/data/attributes/account_type_id required"}},
		{"ErrFormats", true, func(c *AccountChange) {
			c.Email, c.Country, c.Currency, c.Phone = acStr("x@"), acStr("zz"), acStr("eu"), acStr("555")
		}, []string{"/data/attributes/country invalid_country", "/data/attributes/currency invalid_currency",
			"/data/attributes/email invalid_email", "/data/attributes/phone invalid_phone"}},
		{"ErrCreditLimit", true, func(c *AccountChange) { c.CreditLimit = acStr("-0.01") },
			[]string{"/data/attributes/credit_limit invalid_credit_limit"}},
		{"ErrCreditLimitSyntax", true, func(c *AccountChange) { c.CreditLimit = acStr("1e3") },
			[]string{"/data/attributes/credit_limit invalid_credit_limit"}},
		{"ErrStatus", true, func(c *AccountChange) { c.Status = acStr("Credit_Hold") },
			[]string{"/data/attributes/status credit_hold_automatic"}},
		{"ErrUnknownStatus", false, func(c *AccountChange) { c.Status = acStr("closed") },
			[]string{"/data/attributes/status not_in_list"}},
		{"ErrBalance", true, func(c *AccountChange) { c.BalanceGiven = true },
			[]string{"/data/attributes/balance not_updatable"}},
		{"ErrOwnerBoth", true, func(c *AccountChange) { c.OwnerID, c.NewOwnerFirstName = acInt(4), acStr("X") },
			[]string{"/data/attributes/new_owner_first_name owner_exclusive"}},
		{"ErrOwnerOnUpdate", false, func(c *AccountChange) { c.OwnerID, c.NewOwnerEmail = acInt(4), acStr("x@example.com") },
			[]string{"/data/attributes/new_owner_email not_updatable", "/data/attributes/owner_id not_updatable"}},
		{"ErrNewOwnerEmail", true, func(c *AccountChange) { c.NewOwnerEmail = acStr("nope") },
			[]string{"/data/attributes/new_owner_email invalid_email"}},
		{"ErrIDs", true, func(c *AccountChange) { c.AccountTypeID, c.ManagerID, c.TechUserID = acInt(0), acInt(-1), acInt(-2) },
			[]string{"/data/attributes/account_type_id invalid_id", "/data/attributes/manager_id invalid_id",
				"/data/attributes/tech_user_id invalid_id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.change(&c)
			if got := acPointers(c.Validate(tc.create)); !slices.Equal(got, tc.want) {
				t.Errorf("errors = %v, want %v", got, tc.want)
			}
		})
	}
	c := valid()
	if err := c.Validate(true); err != nil {
		t.Fatal(err)
	}
	if *c.FirstName != "Ann" || *c.Email != "ann@example.com" {
		t.Errorf("normalised: first %q email %q", *c.FirstName, *c.Email)
	}
}

func TestAccountTypeBuildName(t *testing.T) {
	a := &Account{PrimaryName: "Example LLC", FirstName: "Ann", LastName: "Lee"}
	for pattern, want := range map[string]string{
		"%primary_name":                           "Example LLC",
		"%first_name %last_name":                  "Ann Lee",
		"%first_name %middle_name %last_name":     "Ann Lee",
		"%last_name, %first_name (%primary_name)": "Lee, Ann (Example LLC)",
		"100% %first_name%":                       "100% Ann%",
		"%%first_name %unknown %":                 "%Ann %unknown %",
		"%last_name%first_name":                   "LeeAnn",
		"":                                        "",
	} {
		typ := &AccountType{NamePattern: pattern}
		if got := typ.BuildName(a); got != want {
			t.Errorf("%q: %q, want %q", pattern, got, want)
		}
	}
	if !(&AccountType{NamePattern: "%primary_name"}).UsesPrimaryName() || (&AccountType{NamePattern: "%first_name"}).UsesPrimaryName() {
		t.Error("UsesPrimaryName")
	}
	business := &AccountType{NamePattern: "%primary_name"}
	if err := a.CheckType(business); err != nil {
		t.Errorf("CheckType with a primary name: %v", err)
	}
	if err := (&Account{}).CheckType(business); acPointers(err)[0] != "/data/attributes/primary_name blank" {
		t.Errorf("CheckType without a primary name: %v", err)
	}
}

func TestAccountApplyCreditLimit(t *testing.T) {
	typ := &AccountType{NamePattern: "%first_name"}
	a := &Account{FirstName: "A", Name: "A", CreditLimitUseSystem: true, Class: AccountClass{CreditLimit: 5 * AmountScale}}
	if got := a.EffectiveCreditLimit(); got != 5*AmountScale {
		t.Errorf("system limit = %v, want the class's 5", got)
	}
	apply := func(c AccountChange) bool {
		t.Helper()
		if err := c.Validate(false); err != nil {
			t.Fatalf("validate: %v", err)
		}
		return a.applyFields(c, typ)
	}
	if !apply(AccountChange{AccountTypeID: acInt(2), CreditLimit: acStr("12.5")}) || a.CreditLimitUseSystem ||
		a.EffectiveCreditLimit() != 12_500_000 {
		t.Errorf("a manual limit alone: use system %v, limit %v", a.CreditLimitUseSystem, a.EffectiveCreditLimit())
	}
	if apply(AccountChange{AccountTypeID: acInt(2), CreditLimit: acStr("12.50")}) {
		t.Error("the same limit again reported a change")
	}
	if !apply(AccountChange{AccountTypeID: acInt(2), CreditLimitUseSystem: acBool(true)}) || a.EffectiveCreditLimit() != 5*AmountScale ||
		a.CreditLimit != 12_500_000 {
		t.Errorf("back to the system limit: %v (own %v)", a.EffectiveCreditLimit(), a.CreditLimit)
	}
	if !apply(AccountChange{AccountTypeID: acInt(2), CreditLimit: acStr("1"), CreditLimitUseSystem: acBool(true)}) ||
		!a.CreditLimitUseSystem || a.CreditLimit != AmountScale {
		t.Errorf("an explicit use_system wins: %v %v", a.CreditLimitUseSystem, a.CreditLimit)
	}
	if !apply(AccountChange{AccountTypeID: acInt(2), FirstName: acStr("B")}) || a.Name != "B" {
		t.Errorf("renamed: %q", a.Name)
	}
}

func TestAccountNewOwner(t *testing.T) {
	c := AccountChange{FirstName: acStr("Ann"), MiddleName: acStr("M"), LastName: acStr("Lee"), Email: acStr("ann@example.com")}
	if u := c.NewOwner(); u.FirstName != "Ann" || u.MiddleName != "M" || u.LastName != "Lee" || u.Email != "ann@example.com" ||
		u.Status != UserStatusActive {
		t.Errorf("default owner = %+v, want the contract person", u)
	}
	c.NewOwnerFirstName, c.NewOwnerEmail, c.NewOwnerMiddleName = acStr("Olga"), acStr("olga@example.com"), acStr("")
	if u := c.NewOwner(); u.FirstName != "Olga" || u.LastName != "Lee" || u.MiddleName != "M" || u.Email != "olga@example.com" {
		t.Errorf("owner = %+v, want Olga M Lee <olga@example.com>", u)
	}
}

func TestAccountAttributesList(t *testing.T) {
	in := AccountAttributesInput{
		Classes:       []*AccountClass{{Key: "default", Default: true}, {Key: "postpay"}},
		SalesManagers: []int64{7, 9}, Currency: "EUR",
	}
	attrs := AccountAttributes(&AccountType{NamePattern: "%primary_name", PrimaryNameLabel: "Company name"}, in)
	byKey := map[string]AccountAttribute{}
	for _, a := range attrs {
		if _, dup := byKey[a.Key]; dup {
			t.Errorf("%s listed twice", a.Key)
		}
		byKey[a.Key] = a
		if !slices.Contains([]string{"string", "text", "checkbox", "date", "password", "list", "email"}, a.Type) {
			t.Errorf("%s: type %q is not a documented one", a.Key, a.Type)
		}
	}
	if p := byKey["primary_name"]; p.Optional || p.Name != "Company name" {
		t.Errorf("primary_name = %+v", p)
	}
	if m := byKey["manager_id"]; !slices.Equal(m.AvailableValues, []any{int64(7), int64(9)}) {
		t.Errorf("manager_id values = %v", m.AvailableValues)
	}
	if c := byKey["account_class_key"]; *c.DefaultValue != "default" || !slices.Equal(c.AvailableValues, []any{"default", "postpay"}) {
		t.Errorf("account_class_key = %+v", c)
	}
	personal := AccountAttributes(&AccountType{NamePattern: "%first_name %last_name"}, in)
	for _, a := range personal {
		if a.Key == "primary_name" && !a.Optional {
			t.Error("primary_name is required for a type whose pattern does not use it")
		}
	}
}
