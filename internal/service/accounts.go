package service

import (
	"context"
	"errors"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

var accountUnique = map[string]string{
	"accounts_reseller_external_key": domain.PtrAccount + "external_key",
}

// FindAccounts lists the accounts of one reseller the actor may see.
// Errors: forbidden, not_found.
func (s *Service) FindAccounts(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Account, int, error) {
	if err := authorize(a, domain.ActionAccountRead); err != nil {
		return nil, 0, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, 0, err
	}
	return s.accountPage(ctx, store.AccountFilter{ResellerID: resellerID, Query: q})
}

// FindChildResellerAccounts lists the accounts of every reseller strictly below the
// given one. Errors: forbidden, not_found.
func (s *Service) FindChildResellerAccounts(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Account, int, error) {
	if err := authorize(a, domain.ActionAccountRead); err != nil {
		return nil, 0, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, 0, err
	}
	return s.accountPage(ctx, store.AccountFilter{Below: path, Query: q})
}

// FindAccountByID returns an account of the given reseller. Errors: forbidden,
// not_found.
func (s *Service) FindAccountByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Account, error) {
	if err := authorize(a, domain.ActionAccountRead); err != nil {
		return nil, err
	}
	return s.accountOf(ctx, s.db.Reader(), a, resellerID, id)
}

// FindChildResellerAccountByID returns an account of a reseller strictly below the
// given one. Errors: forbidden, not_found.
func (s *Service) FindChildResellerAccountByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Account, error) {
	if err := authorize(a, domain.ActionAccountRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	acc, err := s.db.Reader().FindAccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	below, err := s.ownedBelow(ctx, a, path, acc.ResellerID)
	if err != nil {
		return nil, err
	}
	if !below {
		return nil, domain.NotFound(domain.MsgAccountNotFound)
	}
	return acc, nil
}

// accountOf loads an account that belongs to resellerID, which the actor must see;
// an account of another reseller is not found, like a missing one.
func (s *Service) accountOf(ctx context.Context, c *store.Conn, a domain.Actor, resellerID, accountID int64) (*domain.Account, error) {
	return s.accountBy(ctx, a, resellerID, accountID, c.FindAccountByID)
}

// accountForUpdate is accountOf for an update: the account's row stays locked until
// tx ends, so the update writes back nothing another transaction changed meanwhile.
func (s *Service) accountForUpdate(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID, accountID int64) (*domain.Account, error) {
	return s.accountBy(ctx, a, resellerID, accountID, tx.FindAccountForUpdate)
}

// accountBy is accountOf with the read given.
func (s *Service) accountBy(ctx context.Context, a domain.Actor, resellerID, accountID int64,
	find func(context.Context, int64) (*domain.Account, error)) (*domain.Account, error) {
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	acc, err := find(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if acc.ResellerID != resellerID {
		return nil, domain.NotFound(domain.MsgAccountNotFound)
	}
	return acc, nil
}

// CreateAccount adds an account to a reseller the actor may see, with its Owner user
// (an existing user of that reseller, or one created there from new_owner_* or the
// contract person), in one transaction. Every problem of the input is reported at once.
// Errors: forbidden, not_found, invalid.
func (s *Service) CreateAccount(ctx context.Context, a domain.Actor, resellerID int64, c domain.AccountChange) (*domain.Account, error) {
	if err := authorize(a, domain.ActionAccountCreate); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	invalid := c.Validate(true)
	out, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Account, error) {
		r, err := s.resellerFacts(ctx, resellerID)
		if err != nil {
			return nil, err
		}
		now := s.clock.Now()
		acc := &domain.Account{ResellerID: resellerID, Status: domain.AccountStatusActive,
			Currency: r.Currency, CreditLimitUseSystem: true,
			Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		refs, err := s.resolveAccountRefs(ctx, tx, acc, &c, true)
		if err != nil {
			return nil, err
		}
		if _, err := applyAccountChange(acc, c, refs, invalid); err != nil {
			return nil, err
		}
		owner := refs.owner
		if owner == nil {
			u := c.NewOwner()
			u.ResellerID, u.CreatedAt, u.UpdatedAt = resellerID, now, now
			if err := tx.EnsureUser(ctx, &u); err != nil {
				return nil, err
			}
			owner = &u
		}
		acc.OwnerID = owner.ID
		if err := tx.CreateAccount(ctx, acc); err != nil {
			return nil, uniqueField(err, accountUnique)
		}
		if err := tx.AddAccountUser(ctx, acc.ID, owner.ID, domain.AccessLevelOwner, now); err != nil {
			return nil, err
		}
		return tx.FindAccountByID(ctx, acc.ID)
	})
	if err != nil {
		return nil, wrap(err, "create account of reseller %d", resellerID)
	}
	return out, nil
}

// UpdateAccount patches an account of a reseller the actor may see. The currency is
// fixed at creation and the balance belongs to billing. Errors: forbidden, not_found,
// invalid.
func (s *Service) UpdateAccount(ctx context.Context, a domain.Actor, resellerID, id int64, c domain.AccountChange) (*domain.Account, error) {
	if err := authorize(a, domain.ActionAccountUpdate); err != nil {
		return nil, err
	}
	var out *domain.Account
	err := s.inTx(ctx, func(tx *store.Conn) error {
		acc, err := s.accountForUpdate(ctx, tx, a, resellerID, id)
		if err != nil {
			return err
		}
		invalid := c.Validate(false) // normalises c, so the fixed values compare as stored
		invalid = errors.Join(invalid, c.CheckFixed(acc))
		if acc.Status == domain.AccountStatusCreditHold && c.Status != nil && *c.Status != string(acc.Status) {
			invalid = errors.Join(invalid, domain.FieldError(domain.PtrAccount+"status", domain.MsgCreditHoldAutomatic))
		}
		refs, err := s.resolveAccountRefs(ctx, tx, acc, &c, false)
		if err != nil {
			return err
		}
		changed, err := applyAccountChange(acc, c, refs, invalid)
		if err != nil {
			return err
		}
		if !changed {
			out = acc
			return nil
		}
		acc.UpdatedAt = s.clock.Now()
		if err := tx.UpdateAccount(ctx, acc); err != nil {
			return uniqueField(err, accountUnique)
		}
		out, err = tx.FindAccountByID(ctx, id)
		return err
	})
	if err != nil {
		return nil, wrap(err, "update account %d", id)
	}
	return out, nil
}

// applyAccountChange applies c to acc under the type resolved for it and returns
// every problem found so far and after (invalid input, references, the type's
// required primary name) together, or whether anything changed.
func applyAccountChange(acc *domain.Account, c domain.AccountChange, refs accountRefs, invalid error) (bool, error) {
	var (
		changed bool
		typeErr error
	)
	if t := refs.accountType; t != nil {
		changed = acc.Apply(c, t) || refs.changed
		typeErr = acc.CheckType(t)
	}
	if err := errors.Join(invalid, refs.problems, typeErr); err != nil {
		return false, err
	}
	return changed, nil
}

// accountRefs is what resolveAccountRefs found.
type accountRefs struct {
	accountType *domain.AccountType
	owner       *domain.User // the existing Owner named by owner_id, on create
	changed     bool         // whether type, class, manager or technical contact changed
	problems    error        // every reference that does not hold
}

// resolveAccountRefs checks the references of c against stored data and sets the
// valid ones on acc: the account type, the class (the default class on create), the
// manager (an active Sales person of the account's reseller), the technical contact
// (a user of the account; on create, that can only be the owner named by owner_id)
// and the owner (a user of the account's reseller). Values Validate already refused are skipped, so each field reports
// once.
func (s *Service) resolveAccountRefs(ctx context.Context, tx *store.Conn, acc *domain.Account, c *domain.AccountChange, create bool) (accountRefs, error) {
	var (
		out  accountRefs
		errs []error
		ptr  = domain.PtrAccount
	)
	problem := func(field string, msg domain.Message) {
		errs = append(errs, domain.FieldError(ptr+field, msg))
	}
	types, err := s.accountTypes(ctx, tx)
	if err != nil {
		return out, err
	}
	if c.AccountTypeID != nil && *c.AccountTypeID > 0 {
		for _, t := range types {
			if t.ID == *c.AccountTypeID {
				out.accountType = t
			}
		}
		if out.accountType == nil {
			problem("account_type_id", domain.MsgUnknownAccountType)
		} else if t := out.accountType.ID; t != acc.AccountTypeID {
			acc.AccountTypeID, out.changed = t, true
		}
	}
	classes, err := s.accountClasses(ctx, tx)
	if err != nil {
		return out, err
	}
	switch {
	case c.AccountClassKey != nil && *c.AccountClassKey != "":
		found := false
		for _, cl := range classes {
			if cl.Key == *c.AccountClassKey {
				found = true
				if cl.Key != acc.Class.Key {
					acc.Class, out.changed = *cl, true
				}
			}
		}
		if !found {
			problem("account_class_key", domain.MsgUnknownAccountClass)
		}
	case create:
		for _, cl := range classes {
			if cl.Default {
				acc.Class = *cl
			}
		}
	}
	if c.ManagerID != nil && *c.ManagerID >= 0 && *c.ManagerID != acc.ManagerID {
		ok := *c.ManagerID == 0
		if !ok {
			// Shared lock: the manager stays an active Sales person until this commits.
			m, err := tx.FindManagerForShare(ctx, *c.ManagerID)
			if err != nil && domain.CodeOf(err) != domain.ErrNotFound {
				return out, err
			}
			ok = err == nil && m.ResellerID == acc.ResellerID && m.Status == domain.ManagerStatusActive &&
				m.Role == domain.RoleSales
		}
		if ok {
			acc.ManagerID, out.changed = *c.ManagerID, true
		} else {
			problem("manager_id", domain.MsgNotSalesManager)
		}
	}
	if create && c.OwnerID != nil && *c.OwnerID > 0 {
		// Users belong to one reseller: another reseller's user is unknown here,
		// word for word, so ids reveal nothing about other resellers' customers.
		u, err := tx.FindResellerUser(ctx, acc.ResellerID, *c.OwnerID)
		switch {
		case domain.CodeOf(err) == domain.ErrNotFound:
			problem("owner_id", domain.MsgUnknownUser)
		case err != nil:
			return out, err
		default:
			out.owner = u
		}
	}
	if c.TechUserID != nil && *c.TechUserID >= 0 && *c.TechUserID != acc.TechUserID {
		id, ok := *c.TechUserID, *c.TechUserID == 0
		switch {
		case ok:
		case create:
			ok = out.owner != nil && out.owner.ID == id
		default:
			if ok, err = tx.IsAccountUser(ctx, acc.ID, id); err != nil {
				return out, err
			}
		}
		if ok {
			acc.TechUserID, out.changed = id, true
		} else {
			problem("tech_user_id", domain.MsgNotAccountUser)
		}
	}
	out.problems = errors.Join(errs...)
	return out, nil
}

// AccountAttributes lists, for every account type, the attributes creating an
// account of a reseller the actor may see accepts. Errors: forbidden, not_found.
func (s *Service) AccountAttributes(ctx context.Context, a domain.Actor, resellerID int64) ([]*domain.AccountType, [][]domain.AccountAttribute, error) {
	if err := authorize(a, domain.ActionAccountRead); err != nil {
		return nil, nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, nil, err
	}
	c := s.db.Reader()
	r, err := s.resellerFacts(ctx, resellerID)
	if err != nil {
		return nil, nil, err
	}
	ref, err := s.accountReference(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	types, classes := ref.types, ref.classes
	q := domain.ListQuery{Page: domain.Page{Number: 1, Size: domain.MaxPageSize}}.
		Where("role", domain.OpIn, string(domain.RoleSales)).
		Where("status", domain.OpIn, string(domain.ManagerStatusActive))
	managers, _, err := c.FindManagers(ctx, store.ManagerFilter{ResellerID: resellerID, Query: q})
	if err != nil {
		return nil, nil, err
	}
	in := domain.AccountAttributesInput{Classes: classes, Currency: r.Currency}
	for _, m := range managers {
		in.SalesManagers = append(in.SalesManagers, m.ID)
	}
	attrs := make([][]domain.AccountAttribute, len(types))
	for i, t := range types {
		attrs[i] = domain.AccountAttributes(t, in)
	}
	return types, attrs, nil
}
