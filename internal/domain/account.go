package domain

import (
	"errors"
	"strings"
	"time"
)

// AccountStatus is the state of an account as a whole.
type AccountStatus string

// Account statuses. Credit hold is set and lifted only by billing, when the balance
// passes the credit limit; an administrative hold is set by a manager.
const (
	AccountStatusActive             AccountStatus = "active"
	AccountStatusCreditHold         AccountStatus = "credit_hold"
	AccountStatusAdministrativeHold AccountStatus = "administrative_hold"
)

// ChargingModel is how an account class pays: before (prepay) or after (postpay) use.
type ChargingModel string

// Charging models.
const (
	ChargingModelPrepay  ChargingModel = "prepay"
	ChargingModelPostpay ChargingModel = "postpay"
)

// LoginTokenTTL is how long a one-time login token of an account's Owner stays valid.
const LoginTokenTTL = 10 * time.Minute

// Account is a customer of a reseller: the paying party, with its contract person,
// address, balance and credit limit. Every account created through the API has
// exactly one Owner user.
type Account struct {
	ID            int64
	ResellerID    int64
	AccountTypeID int64
	// Class is the account class, which sets the charging model and the credit limit
	// used when CreditLimitUseSystem is true.
	Class AccountClass
	// Name is built from the account type's name pattern (see AccountType.BuildName).
	Name                                         string
	PrimaryName, FirstName, MiddleName, LastName string
	Email                                        string // lower case
	Country                                      string // ISO 3166-1 alpha-2
	Region, City, Street, Building, Office       string
	Zip, Phone, INN                              string
	Status                                       AccountStatus
	ManagerID                                    int64 // 0 when no sales manager is linked
	OwnerID                                      int64 // the Owner user; 0 only for bulk-seeded rows
	TechUserID                                   int64 // 0 when no technical contact is set
	Currency                                     string
	// Balance changes only through billing (charges, payments, corrections).
	Balance Amount
	// Blocked is what blocked charges reserve of the balance (AvailableBalance).
	Blocked Amount
	// CreditLimit is the limit set by hand, used when CreditLimitUseSystem is false.
	CreditLimit          Amount
	CreditLimitUseSystem bool
	// NegativeSince is when the available balance went below zero; nil while it is
	// at or above zero. Only the money move sets it (NegativeSinceAfter).
	NegativeSince *time.Time
	// ExternalKey is an integration's own id of the customer, unique per reseller;
	// empty when unset.
	ExternalKey      string
	CustomAttributes map[string]string
	Timestamps
}

// AvailableBalance is the balance less what blocked charges reserve of it.
func (a *Account) AvailableBalance() Amount { return a.Balance - a.Blocked }

// EffectiveCreditLimit is the credit limit that applies: the class's when the account
// takes the system value, its own otherwise.
func (a *Account) EffectiveCreditLimit() Amount {
	if a.CreditLimitUseSystem {
		return a.Class.CreditLimit
	}
	return a.CreditLimit
}

// AccountType is an installation-wide kind of account (business, personal); its name
// pattern builds the account's display name.
type AccountType struct {
	ID               int64
	Key              string
	Name             string
	NamePattern      string // e.g. "%primary_name" or "%first_name %last_name"
	PrimaryNameLabel string // label of the primary name field, e.g. "Company name"
	Default          bool
}

// UsesPrimaryName reports whether the type's name pattern needs a primary name, which
// makes primary_name required for accounts of the type.
func (t *AccountType) UsesPrimaryName() bool {
	return strings.Contains(t.NamePattern, "%primary_name")
}

// BuildName fills the type's name pattern with the account's names, collapsing the
// spaces an empty middle name leaves.
func (t *AccountType) BuildName(a *Account) string {
	fields := [...]struct{ key, value string }{{"%primary_name", a.PrimaryName},
		{"%first_name", a.FirstName}, {"%middle_name", a.MiddleName}, {"%last_name", a.LastName}}
	// A hand-written scan, not strings.NewReplacer: a replacer builds a lookup trie on
	// first use, and one is needed per account, which costs more than the scan.
	var b strings.Builder
	rest := t.NamePattern
	for rest != "" {
		i := strings.IndexByte(rest, '%')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i:]
		n := 1 // a '%' that starts no placeholder stays as it is
		for _, f := range fields {
			if strings.HasPrefix(rest, f.key) {
				b.WriteString(f.value)
				n = len(f.key)
				break
			}
		}
		if n == 1 {
			b.WriteByte('%')
		}
		rest = rest[n:]
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// AccountClass is an installation-wide set of financial rules accounts follow.
type AccountClass struct {
	ID            int64
	Key           string
	Name          string
	ChargingModel ChargingModel
	CreditLimit   Amount
	// SubzeroPeriod is how many days an account of the class may stay below zero
	// within its credit limit before it goes on credit hold; SubzeroUnlimited (-1)
	// is no end (docs/billing.md, "Subzero period").
	SubzeroPeriod int
	Default       bool
}

// UserStatus is whether a user (globally, or within one account) may sign in.
type UserStatus string

// User statuses.
const (
	UserStatusActive   UserStatus = "active"
	UserStatusInactive UserStatus = "inactive"
)

// AccessLevel is a user's rights within one account.
type AccessLevel string

// Access levels of account users; an account has exactly one Owner.
const (
	AccessLevelOwner          AccessLevel = "owner"
	AccessLevelAdmin          AccessLevel = "admin"
	AccessLevelFinanceManager AccessLevel = "finance_manager"
	AccessLevelUser           AccessLevel = "user"
)

// User is a person who signs in to the Customer Control Panel. A user belongs to
// exactly one reseller, the reseller of the account it was created for, and may belong
// to many accounts of that reseller, never to another reseller's. The e-mail, lower
// case, is the login and unique within the reseller: the same person buying from two
// resellers is two users.
type User struct {
	ID         int64
	ResellerID int64
	Email      string
	FirstName  string
	MiddleName string
	LastName   string
	Status     UserStatus
	Timestamps
}

// AccountChange creates an account or patches one: nil fields are left alone.
type AccountChange struct {
	AccountTypeID                                *int64
	PrimaryName, FirstName, MiddleName, LastName *string
	Email                                        *string
	Country, Region, City, Street, Building      *string
	Office, Zip, Phone, INN                      *string
	Status                                       *string
	ManagerID                                    *int64 // 0 unlinks the manager
	AccountClassKey                              *string
	TechUserID                                   *int64 // 0 clears the technical contact
	Currency                                     *string
	// CreditLimit is the decimal text of the manual credit limit; Validate parses it.
	CreditLimit          *string
	CreditLimitUseSystem *bool
	ExternalKey          *string // "" clears it
	// BalanceGiven is set when the request tried to write the balance, which only
	// billing changes.
	BalanceGiven bool
	// CustomAttributes sets each key; a nil value removes the key.
	CustomAttributes map[string]*string

	// The Owner, on create only: an existing user of the account's reseller, or the
	// data of a new one (by default the contract person). A new owner whose e-mail is
	// already a user's of the reseller is that user.
	OwnerID                               *int64
	NewOwnerFirstName, NewOwnerMiddleName *string
	NewOwnerLastName, NewOwnerEmail       *string
	creditLimit                           Amount

	// validated and problems record Validate's outcome, which Apply reports.
	validated bool
	problems  error
}

// PtrAccount is the JSON pointer prefix of account attributes.
const PtrAccount = "/data/attributes/"

// Validate checks and normalises c in place. On create account_type_id, first_name,
// last_name and email are required; account_type_id is required on update too, as
// the API documents. Rules that need stored data (the type's pattern, the manager,
// the class, the users) are checked by Apply, against the references the service
// loaded; Apply reports Validate's problems too.
func (c *AccountChange) Validate(create bool) error {
	var p Problems
	switch {
	case c.AccountTypeID == nil:
		p.Add(PtrAccount+"account_type_id", MsgRequired)
	case *c.AccountTypeID <= 0:
		p.Add(PtrAccount+"account_type_id", MsgInvalidID)
	}
	text := func(name string, v *string, required bool, max int) {
		if v != nil {
			*v = p.Text(PtrAccount+name, *v, required, max)
		} else if required && create {
			p.Add(PtrAccount+name, MsgBlank)
		}
	}
	text("first_name", c.FirstName, true, 255)
	text("last_name", c.LastName, true, 255)
	text("primary_name", c.PrimaryName, false, 255)
	text("middle_name", c.MiddleName, false, 255)
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"region", c.Region, 255}, {"city", c.City, 255}, {"street", c.Street, 255},
		{"building", c.Building, 64}, {"office", c.Office, 64}, {"zip", c.Zip, 32}, {"inn", c.INN, 64}} {
		text(f.name, f.v, false, f.max)
	}
	switch {
	case c.Email != nil:
		*c.Email = p.Email(PtrAccount+"email", *c.Email, true)
	case create:
		p.Add(PtrAccount+"email", MsgBlank)
	}
	if c.Country != nil {
		*c.Country = p.Country(PtrAccount+"country", *c.Country, false)
	}
	if c.Phone != nil {
		*c.Phone = p.Phone(PtrAccount+"phone", *c.Phone)
	}
	if c.Currency != nil {
		*c.Currency = p.Currency(PtrAccount+"currency", *c.Currency, true)
	}
	if c.Status != nil {
		s := AccountStatus(strings.ToLower(strings.TrimSpace(*c.Status)))
		switch s {
		case AccountStatusActive, AccountStatusAdministrativeHold:
		case AccountStatusCreditHold:
			p.Add(PtrAccount+"status", MsgCreditHoldAutomatic)
		default:
			p.Add(PtrAccount+"status", MsgOneOf, "active, administrative_hold")
		}
		*c.Status = string(s)
	}
	if c.ManagerID != nil && *c.ManagerID < 0 {
		p.Add(PtrAccount+"manager_id", MsgInvalidID)
	}
	if c.TechUserID != nil && *c.TechUserID < 0 {
		p.Add(PtrAccount+"tech_user_id", MsgInvalidID)
	}
	if c.AccountClassKey != nil {
		*c.AccountClassKey = strings.TrimSpace(*c.AccountClassKey)
		if *c.AccountClassKey == "" {
			p.Add(PtrAccount+"account_class_key", MsgBlank)
		}
	}
	if c.CreditLimit != nil {
		v, err := ParseAmount(*c.CreditLimit)
		if err != nil || v < 0 {
			p.Add(PtrAccount+"credit_limit", MsgInvalidCreditLimit)
		}
		c.creditLimit = v
	}
	if c.ExternalKey != nil {
		*c.ExternalKey = p.Text(PtrAccount+"external_key", *c.ExternalKey, false, 255)
	}
	if c.BalanceGiven {
		p.Add(PtrAccount+"balance", MsgNotUpdatable)
	}
	validateCustomAttributes(&p, PtrAccount+"custom_attributes", c.CustomAttributes)
	c.validateOwner(&p, create)
	c.validated, c.problems = true, p.Err()
	return c.problems
}

// validateOwner checks the owner fields: on create an existing owner and a new one
// exclude each other; on update the owner cannot change through this call.
func (c *AccountChange) validateOwner(p *Problems, create bool) {
	newOwner := []struct {
		name string
		v    *string
	}{{"new_owner_first_name", c.NewOwnerFirstName}, {"new_owner_middle_name", c.NewOwnerMiddleName},
		{"new_owner_last_name", c.NewOwnerLastName}, {"new_owner_email", c.NewOwnerEmail}}
	if !create {
		if c.OwnerID != nil {
			p.Add(PtrAccount+"owner_id", MsgNotUpdatable)
		}
		for _, f := range newOwner {
			if f.v != nil {
				p.Add(PtrAccount+f.name, MsgNotUpdatable)
			}
		}
		return
	}
	if c.OwnerID != nil {
		if *c.OwnerID <= 0 {
			p.Add(PtrAccount+"owner_id", MsgInvalidID)
		}
		for _, f := range newOwner {
			if f.v != nil {
				p.Add(PtrAccount+f.name, MsgOwnerExclusive)
			}
		}
		return
	}
	for _, f := range newOwner[:3] {
		if f.v != nil {
			*f.v = p.Text(PtrAccount+f.name, *f.v, false, 255)
		}
	}
	if c.NewOwnerEmail != nil {
		*c.NewOwnerEmail = p.Email(PtrAccount+"new_owner_email", *c.NewOwnerEmail, false)
	}
}

// NewOwner returns the user to create as the Owner when no owner_id is given: the
// new_owner_* values, each defaulting to the contract person's. Call it after Validate.
func (c *AccountChange) NewOwner() User {
	pick := func(v, def *string) string {
		if v != nil && *v != "" {
			return *v
		}
		if def != nil {
			return *def
		}
		return ""
	}
	return User{Email: pick(c.NewOwnerEmail, c.Email), FirstName: pick(c.NewOwnerFirstName, c.FirstName),
		MiddleName: pick(c.NewOwnerMiddleName, c.MiddleName), LastName: pick(c.NewOwnerLastName, c.LastName),
		Status: UserStatusActive}
}

// CheckFixed refuses a change of what is fixed at creation: the currency, as for
// resellers (sending the current value back is fine); and, likewise, custom
// attributes past MaxCustomAttributes.
func (c *AccountChange) CheckFixed(a *Account) error {
	var currency error
	if c.Currency != nil && *c.Currency != a.Currency {
		currency = FieldError(PtrAccount+"currency", MsgNotUpdatable)
	}
	return errors.Join(currency, checkCustomAttributeCount(PtrAccount+"custom_attributes", a.CustomAttributes,
		c.CustomAttributes))
}

// applyFields writes the plain fields of c into a and rebuilds its name from t, the
// account type it has after the change (see AccountChange.Apply, which sets the
// references first). It reports whether anything changed.
func (a *Account) applyFields(c AccountChange, t *AccountType) bool {
	changed := false
	for _, f := range []struct{ dst, src *string }{
		{&a.PrimaryName, c.PrimaryName}, {&a.FirstName, c.FirstName}, {&a.MiddleName, c.MiddleName},
		{&a.LastName, c.LastName}, {&a.Email, c.Email}, {&a.Country, c.Country}, {&a.Region, c.Region},
		{&a.City, c.City}, {&a.Street, c.Street}, {&a.Building, c.Building}, {&a.Office, c.Office},
		{&a.Zip, c.Zip}, {&a.Phone, c.Phone}, {&a.INN, c.INN}, {&a.Currency, c.Currency},
		{&a.ExternalKey, c.ExternalKey}} {
		changed = set(f.dst, f.src) || changed
	}
	if c.Status != nil && AccountStatus(*c.Status) != a.Status {
		a.Status, changed = AccountStatus(*c.Status), true
	}
	if c.CreditLimit != nil && c.creditLimit != a.CreditLimit {
		a.CreditLimit, changed = c.creditLimit, true
	}
	// A manual limit without a word on the system value means the manual one applies.
	useSystem := a.CreditLimitUseSystem
	if c.CreditLimitUseSystem != nil {
		useSystem = *c.CreditLimitUseSystem
	} else if c.CreditLimit != nil {
		useSystem = false
	}
	if useSystem != a.CreditLimitUseSystem {
		a.CreditLimitUseSystem, changed = useSystem, true
	}
	changed = applyCustomAttributes(&a.CustomAttributes, c.CustomAttributes) || changed
	if name := t.BuildName(a); name != a.Name {
		a.Name, changed = name, true
	}
	return changed
}

// CheckType reports the problems an account has under type t: a type whose name
// pattern uses the primary name needs one.
func (a *Account) CheckType(t *AccountType) error {
	if t.UsesPrimaryName() && a.PrimaryName == "" {
		return FieldError(PtrAccount+"primary_name", MsgBlank)
	}
	return nil
}
