package service

import (
	"context"
	"errors"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

var accountUnique = map[string]string{
	"accounts_reseller_external_key": domain.PtrAccount + "external_key",
}

// FindAccounts lists the accounts of one reseller the actor may see.
// Errors: forbidden, not_found.
func (s *Service) FindAccounts(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Account, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionAccountRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.accountPage(ctx, store.AccountFilter{ResellerID: resellerID, Query: q})
}

// FindChildResellerAccounts lists the accounts of every reseller strictly below the
// given one. Errors: forbidden, not_found.
func (s *Service) FindChildResellerAccounts(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Account, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionAccountRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
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
	// The account types and classes held in memory, when there are any, with the
	// INSERT checking that they are still current; otherwise, or when they are not,
	// read on the read pool before the transaction (see accountReference).
	//
	// A request that renders its answer before the commit (an idempotent one) needs
	// the account written at once; any other may have it written with the commit
	// (see createAccount). A create sent with the commit that wrote nothing is run
	// again the first way, which tells why.
	ref, gen, held := s.referenceInMemory()
	atCommit := claimFrom(ctx) == nil
	create := func(tx *store.Conn) (*domain.Account, error) {
		tx.ExpectReference(gen)
		return s.createAccount(ctx, tx, ref, resellerID, &c, atCommit)
	}
	var out *domain.Account
	err := store.ErrReferenceMoved
	if held {
		out, err = inTxAnswering(ctx, s, create)
		// A class the operator's catalogue file added since the classes in memory
		// were read (on this node or another) is unknown to them: read them again.
		if hasMessage(err, domain.MsgUnknownAccountClass) {
			err = store.ErrReferenceMoved
		}
	}
	if errors.Is(err, store.ErrReferenceMoved) || errors.Is(err, store.ErrAccountNotWritten) {
		if ref, err = s.accountReference(ctx, s.db.Reader()); err != nil {
			return nil, err
		}
		gen, atCommit = 0, false
		out, err = inTxAnswering(ctx, s, create)
	}
	if err != nil {
		return nil, wrap(uniqueField(err, accountUnique), "create account of reseller %d", resellerID)
	}
	return out, nil
}

// createAccount is CreateAccount inside its transaction. The account it returns is
// the one written: the INSERT returns what the database chose (id, currency). With
// atCommit, an account with a new owner may be written with the commit instead
// (store.Conn.CreateAccountWithOwnerAtCommit), on PostgreSQL in the commit's round
// trip; what the database chose is then set on the account once it has committed.
func (s *Service) createAccount(ctx context.Context, tx *store.Conn, ref accountReference, resellerID int64, c *domain.AccountChange, atCommit bool) (*domain.Account, error) {
	now := s.clock.Now().Truncate(time.Microsecond) // as stored
	acc := domain.NewAccount(resellerID, now)
	refs, err := loadAccountRefs(ctx, tx, ref, acc, c.RefKeys(acc, true), true)
	if err != nil {
		return nil, err
	}
	if _, err := c.Apply(acc, refs); err != nil {
		return nil, err
	}
	if refs.Owner != nil {
		acc.OwnerID = refs.Owner.ID
		if err = tx.CreateAccount(ctx, acc); err == nil {
			err = tx.AddAccountUser(ctx, acc.ID, acc.OwnerID, domain.AccessLevelOwner, now)
		}
	} else {
		// A new owner, or the reseller's user with its e-mail, written with the
		// account and linked to it as its owner (on PostgreSQL in one statement).
		u := c.NewOwner()
		u.ResellerID, u.CreatedAt, u.UpdatedAt = resellerID, now, now
		if atCommit && tx.CreateAccountWithOwnerAtCommit(acc, &u) {
			return acc, nil
		}
		err = tx.CreateAccountWithOwner(ctx, acc, &u)
	}
	if err != nil {
		return nil, uniqueField(err, accountUnique)
	}
	return acc, nil
}

// UpdateAccount patches an account of a reseller the actor may see. The currency is
// fixed at creation and the balance belongs to billing. Errors: forbidden, not_found,
// invalid.
func (s *Service) UpdateAccount(ctx context.Context, a domain.Actor, resellerID, id int64, c domain.AccountChange) (*domain.Account, error) {
	if err := authorize(a, domain.ActionAccountUpdate); err != nil {
		return nil, err
	}
	ref, err := s.accountReference(ctx, s.db.Reader())
	if err != nil {
		return nil, err
	}
	var (
		out      *domain.Account
		limitWas domain.Amount
	)
	err = s.inTx(ctx, func(tx *store.Conn) error {
		acc, err := s.accountForUpdate(ctx, tx, a, resellerID, id)
		if err != nil {
			return err
		}
		limitWas = acc.EffectiveCreditLimit()
		refs, err := loadAccountRefs(ctx, tx, ref, acc, c.RefKeys(acc, false), false)
		if err != nil {
			return err
		}
		changed, err := c.Apply(acc, refs)
		if err != nil || !changed {
			out = acc
			return err
		}
		acc.UpdatedAt = s.clock.Now().Truncate(time.Microsecond)
		if err := tx.UpdateAccount(ctx, acc); err != nil {
			return uniqueField(err, accountUnique)
		}
		// A new credit limit (or class) may put the account on credit hold or lift it,
		// and block or unblock its postpaid subscriptions (a job: they lock first).
		if err := applyCreditHold(ctx, tx, acc, acc.UpdatedAt); err != nil {
			return err
		}
		if acc.EffectiveCreditLimit() != limitWas {
			err := enqueueDebtJob(tx, JobReviewAccountDebts, acc.ResellerID, reviewAccountPayload{AccountID: acc.ID},
				acc.UpdatedAt)
			if err != nil {
				return err
			}
		}
		out = acc // the locked row as written
		return nil
	})
	if err != nil {
		return nil, wrap(err, "update account %d", id)
	}
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

// hasMessage reports whether err, or any error it joins or wraps, is a domain
// error with message msg.
func hasMessage(err error, msg domain.Message) bool {
	var de *domain.Error
	if errors.As(err, &de) && de.Message == msg {
		return true
	}
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			if hasMessage(inner, msg) {
				return true
			}
		}
	case interface{ Unwrap() error }:
		return hasMessage(e.Unwrap(), msg)
	}
	return false
}
