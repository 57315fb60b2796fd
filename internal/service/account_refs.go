package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// loadAccountRefs loads, inside tx, what a change of acc refers to, one lookup per
// key given (see domain.AccountChange.RefKeys); domain.AccountChange.Apply judges
// the result. A key that names nothing leaves its reference nil. Account types and
// classes come from ref, the reference data read before the transaction (see
// Service.accountReference).
func loadAccountRefs(ctx context.Context, tx *store.Conn, ref accountReference, acc *domain.Account, k domain.AccountRefKeys, create bool) (domain.AccountRefs, error) {
	refs := domain.AccountRefs{Create: create,
		Type: ref.accountType(k.TypeID), Class: ref.accountClass(k.ClassKey, k.DefaultClass)}
	var err error
	if refs.Manager, err = managerForShare(ctx, tx, k.ManagerID); err != nil {
		return refs, err
	}
	if refs.Owner, err = resellerUser(ctx, tx, acc.ResellerID, k.OwnerID); err != nil {
		return refs, err
	}
	refs.TechUserIsMember, err = isAccountUser(ctx, tx, acc.ID, k.TechUserID)
	return refs, err
}

// managerForShare returns the manager with the given id, share-locked so that it
// stays what it is until tx commits; nil for 0 or none.
func managerForShare(ctx context.Context, tx *store.Conn, id int64) (*domain.Manager, error) {
	if id == 0 {
		return nil, nil
	}
	return orMissing(tx.FindManagerForShare(ctx, id))
}

// resellerUser returns the user with the given id of the reseller; nil for 0 or
// none, which includes another reseller's user.
func resellerUser(ctx context.Context, tx *store.Conn, resellerID, id int64) (*domain.User, error) {
	if id == 0 {
		return nil, nil
	}
	return orMissing(tx.FindResellerUser(ctx, resellerID, id))
}

// isAccountUser reports whether the user with the given id belongs to the account;
// false for 0.
func isAccountUser(ctx context.Context, tx *store.Conn, accountID, userID int64) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	return tx.IsAccountUser(ctx, accountID, userID)
}

// orMissing turns a not-found error into a nil reference.
func orMissing[T any](v *T, err error) (*T, error) {
	if domain.CodeOf(err) == domain.ErrNotFound {
		return nil, nil
	}
	return v, err
}

// accountType returns the account type with the given id; nil for 0 or none.
func (r accountReference) accountType(id int64) *domain.AccountType {
	for _, t := range r.types {
		if id != 0 && t.ID == id {
			return t
		}
	}
	return nil
}

// accountClass returns the class with the given key, or the default class when
// asked; nil when neither is asked for or stored.
func (r accountReference) accountClass(key string, byDefault bool) *domain.AccountClass {
	for _, cl := range r.classes {
		if (key != "" && cl.Key == key) || (key == "" && byDefault && cl.Default) {
			return cl
		}
	}
	return nil
}
