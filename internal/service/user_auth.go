package service

import (
	"context"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// IssueLoginToken creates a one-time token with which the Owner of an account of a
// reseller the actor may see signs in to the Customer Control Panel, and returns the
// Owner's e-mail and the token. The token is stored hashed and expires after
// domain.LoginTokenTTL. Errors: forbidden, not_found, conflict (no Owner).
func (s *Service) IssueLoginToken(ctx context.Context, a domain.Actor, resellerID, accountID int64) (email, token string, err error) {
	if err := authorize(a, domain.ActionAccountLogin); err != nil {
		return "", "", err
	}
	token = NewToken()
	hash := HashToken(token)
	err = s.inTx(ctx, func(tx *store.Conn) error {
		acc, err := s.accountOf(ctx, tx, a, resellerID, accountID)
		if err != nil {
			return err
		}
		if acc.OwnerID == 0 {
			return domain.Errorf(domain.ErrConflict, domain.MsgAccountHasNoOwner)
		}
		owner, err := tx.FindUserByID(ctx, acc.OwnerID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		email = owner.Email
		return tx.CreateLoginToken(ctx, hash[:], owner.ID, acc.ID, now.Add(domain.LoginTokenTTL), now)
	})
	if err != nil {
		return "", "", wrap(err, "issue login token for account %d", accountID)
	}
	return email, token, nil
}

// RedeemLoginToken signs a user in with a one-time login token: it returns the user
// whose e-mail is given and the account the token was issued for, and marks the
// token used. A used, expired or unknown token, or another user's e-mail, is an
// unauthorized error. It needs no API token: the login token is the credential.
func (s *Service) RedeemLoginToken(ctx context.Context, email, token string) (*domain.User, int64, error) {
	hash := HashToken(token)
	var (
		user      *domain.User
		accountID int64
	)
	err := s.inTx(ctx, func(tx *store.Conn) error {
		var err error
		user, accountID, err = tx.RedeemLoginToken(ctx, hash[:], strings.ToLower(strings.TrimSpace(email)), s.clock.Now())
		return err
	})
	if err != nil {
		return nil, 0, wrap(err, "redeem login token")
	}
	return user, accountID, nil
}
