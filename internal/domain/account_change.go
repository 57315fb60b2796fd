package domain

import (
	"errors"
	"time"
)

// NewAccount returns an account of a reseller about to be created at now: active,
// following its class's credit limit, in the reseller's currency unless a change
// names another (the store fills an empty currency from the reseller).
func NewAccount(resellerID int64, now time.Time) *Account {
	return &Account{ResellerID: resellerID, Status: AccountStatusActive, CreditLimitUseSystem: true,
		Timestamps: Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// AccountRefKeys names the stored objects an AccountChange refers to, for the
// service to load into AccountRefs. A zero member needs no lookup.
type AccountRefKeys struct {
	TypeID int64 // the account type named by account_type_id
	// ClassKey is the class named by account_class_key; DefaultClass asks for the
	// installation's default class instead (a create naming none).
	ClassKey     string
	DefaultClass bool
	ManagerID    int64 // the sales manager named by manager_id
	OwnerID      int64 // the user of the account's reseller named by owner_id, on create
	// TechUserID is the user named by tech_user_id whose membership of the account
	// is to be checked, on update (on create it can only be the owner).
	TechUserID int64
}

// AccountRefs is what an AccountChange refers to, as loaded for its AccountRefKeys.
// A reference that names nothing stored stays nil; Apply reports it.
type AccountRefs struct {
	// Create tells that the account is being created: its class defaults, its owner
	// may be named, and its technical contact can only be that owner.
	Create bool
	// Type is the account type named; Class the class named, or the default one.
	Type  *AccountType
	Class *AccountClass
	// Manager is the manager named by manager_id, of whichever reseller or status.
	Manager *Manager
	// Owner is the user named by owner_id, found among the account reseller's users.
	Owner *User
	// TechUserIsMember tells that the user named by tech_user_id belongs to the
	// account (on update).
	TechUserIsMember bool
}

// RefKeys validates and normalises c (see Validate) and names what it refers to
// for acc, the account it will be applied to; references Validate refused, or equal
// to acc's, need no lookup. Apply then reports the validation's problems with the
// rest.
func (c *AccountChange) RefKeys(acc *Account, create bool) AccountRefKeys {
	c.validation(create)
	k := AccountRefKeys{TypeID: newID(c.AccountTypeID, 0), ManagerID: newID(c.ManagerID, acc.ManagerID)}
	if c.AccountClassKey != nil && *c.AccountClassKey != "" {
		k.ClassKey = *c.AccountClassKey
	} else {
		k.DefaultClass = create
	}
	if create {
		k.OwnerID = newID(c.OwnerID, 0)
	} else {
		k.TechUserID = newID(c.TechUserID, acc.TechUserID)
	}
	return k
}

// newID returns the id v names when it is a valid id other than current, or 0.
func newID(v *int64, current int64) int64 {
	if v == nil || *v <= 0 || *v == current {
		return 0
	}
	return *v
}

// validation returns the problems Validate finds in c, validating it once.
func (c *AccountChange) validation(create bool) error {
	if !c.validated {
		return c.Validate(create)
	}
	return c.problems
}

// Apply validates c against acc and the references it names, loaded into refs for
// c.RefKeys, and sets every field of acc: the plain fields, the type, class,
// manager and technical contact, and the name built from the type. It returns
// every problem at once, each at its JSON pointer, in the order of the fields:
// the input's own (Validate), then on update what is fixed or billing's, then the
// references, then the type's required primary name. On error acc is left partly
// changed and must be discarded. It reports whether anything changed.
func (c *AccountChange) Apply(acc *Account, refs AccountRefs) (bool, error) {
	errs := []error{c.validation(refs.Create)}
	if !refs.Create {
		errs = append(errs, c.CheckFixed(acc), c.checkCreditHold(acc))
	}
	var p Problems
	changed := false
	for _, ref := range []func(*Account, AccountRefs, *Problems) bool{
		c.applyType, c.applyClass, c.applyManager, c.checkOwner, c.applyTechUser} {
		changed = ref(acc, refs, &p) || changed
	}
	errs = append(errs, p.Err())
	if refs.Type != nil && refs.Type.ID == acc.AccountTypeID {
		changed = acc.applyFields(*c, refs.Type) || changed
		errs = append(errs, acc.CheckType(refs.Type))
	}
	if err := errors.Join(errs...); err != nil {
		return false, err
	}
	return changed, nil
}

// checkCreditHold refuses a status change of an account on credit hold, which only
// billing lifts.
func (c *AccountChange) checkCreditHold(acc *Account) error {
	if acc.Status == AccountStatusCreditHold && c.Status != nil && *c.Status != string(acc.Status) {
		return FieldError(PtrAccount+"status", MsgCreditHoldAutomatic)
	}
	return nil
}

// applyType sets the account type c names, which refs must hold.
func (c *AccountChange) applyType(acc *Account, refs AccountRefs, p *Problems) bool {
	if c.AccountTypeID == nil || *c.AccountTypeID <= 0 {
		return false // Validate reported it
	}
	switch t := refs.Type; {
	case t == nil || t.ID != *c.AccountTypeID:
		p.Add(PtrAccount+"account_type_id", MsgUnknownAccountType)
	case t.ID != acc.AccountTypeID:
		acc.AccountTypeID = t.ID
		return true
	}
	return false
}

// applyClass sets the class c names, or on create the default class.
func (c *AccountChange) applyClass(acc *Account, refs AccountRefs, p *Problems) bool {
	cl := refs.Class
	if c.AccountClassKey == nil || *c.AccountClassKey == "" {
		if refs.Create && cl != nil {
			acc.Class = *cl
		}
		return false
	}
	switch {
	case cl == nil || cl.Key != *c.AccountClassKey:
		p.Add(PtrAccount+"account_class_key", MsgUnknownAccountClass)
	case cl.Key != acc.Class.Key:
		acc.Class = *cl
		return true
	}
	return false
}

// applyManager links the manager c names, which must be an active Sales person of
// the account's reseller; 0 unlinks it.
func (c *AccountChange) applyManager(acc *Account, refs AccountRefs, p *Problems) bool {
	id := c.ManagerID
	if id == nil || *id < 0 || *id == acc.ManagerID {
		return false
	}
	m := refs.Manager
	if *id != 0 && (m == nil || m.ID != *id || m.ResellerID != acc.ResellerID ||
		m.Status != ManagerStatusActive || m.Role != RoleSales) {
		p.Add(PtrAccount+"manager_id", MsgNotSalesManager)
		return false
	}
	acc.ManagerID = *id
	return true
}

// checkOwner checks, on create, that the owner c names is a user of the account's
// reseller. Users belong to one reseller: another reseller's user is unknown here,
// word for word, so ids reveal nothing about other resellers' customers. The
// service links the owner once the account exists.
func (c *AccountChange) checkOwner(_ *Account, refs AccountRefs, p *Problems) bool {
	if refs.Create && c.OwnerID != nil && *c.OwnerID > 0 && (refs.Owner == nil || refs.Owner.ID != *c.OwnerID) {
		p.Add(PtrAccount+"owner_id", MsgUnknownUser)
	}
	return false
}

// applyTechUser sets the technical contact c names, which must be a user of the
// account: on create, that can only be the owner named by owner_id. 0 clears it.
func (c *AccountChange) applyTechUser(acc *Account, refs AccountRefs, p *Problems) bool {
	id := c.TechUserID
	if id == nil || *id < 0 || *id == acc.TechUserID {
		return false
	}
	ok := *id == 0
	switch {
	case ok:
	case refs.Create:
		ok = refs.Owner != nil && refs.Owner.ID == *id && c.OwnerID != nil && *c.OwnerID == *id
	default:
		ok = refs.TechUserIsMember
	}
	if !ok {
		p.Add(PtrAccount+"tech_user_id", MsgNotAccountUser)
		return false
	}
	acc.TechUserID = *id
	return true
}
