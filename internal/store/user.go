package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

const userColumns = `u.id, u.reseller_id, u.email, u.first_name, u.middle_name, u.last_name, u.status, u.created_at, u.updated_at`

func scanUser(s scanner) (*domain.User, error) {
	var (
		u                domain.User
		status           string
		created, updated int64
	)
	if err := s.Scan(&u.ID, &u.ResellerID, &u.Email, &u.FirstName, &u.MiddleName, &u.LastName, &status,
		&created, &updated); err != nil {
		return nil, err
	}
	u.Status = domain.UserStatus(status)
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}

// FindUserByID returns the user with the given id, of whichever reseller, or a
// not-found error.
func (c *Conn) FindUserByID(ctx context.Context, id int64) (*domain.User, error) {
	return one(c.lookupCtx(ctx), c, domain.NotFound(domain.MsgUnknownUser), fmt.Sprintf("find user %d", id),
		scanUser, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", id)
}

// FindResellerUser returns the user with the given id if it belongs to the reseller;
// a user of any other reseller is not found, exactly like a missing one.
func (c *Conn) FindResellerUser(ctx context.Context, resellerID, id int64) (*domain.User, error) {
	return one(c.lookupCtx(ctx), c, domain.NotFound(domain.MsgUnknownUser),
		fmt.Sprintf("find user %d of reseller %d", id, resellerID), scanUser,
		"SELECT "+userColumns+" FROM users u WHERE u.id = $1 AND u.reseller_id = $2", id, resellerID)
}

// EnsureUser inserts u into its reseller unless a user of that reseller has its
// e-mail, and in either case fills u with the stored user. Concurrent calls for one
// e-mail of one reseller agree on one user; other resellers' users are never matched.
func (c *Conn) EnsureUser(ctx context.Context, u *domain.User) error {
	var id int64
	err := c.row(ctx, `INSERT INTO users (reseller_id, email, first_name, middle_name, last_name, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reseller_id, email) DO NOTHING RETURNING id`,
		[]any{u.ResellerID, u.Email, u.FirstName, u.MiddleName, u.LastName, string(u.Status), micros(u.CreatedAt),
			micros(u.UpdatedAt)}, &id)
	switch {
	case err == nil:
		u.ID = id
		// A user_email filter of the reseller's accounts may match the user once it
		// is linked to an account, which touches the scope again; until then no
		// account list changes.
		c.touchAdded(AccountsScope(u.ResellerID))
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("create user of reseller %d: %w", u.ResellerID, err)
	}
	// The e-mail is taken in the reseller: that user is the one meant.
	existing, err := one(ctx, c, domain.NotFound(domain.MsgUnknownUser), "find user by email", scanUser,
		"SELECT "+userColumns+" FROM users u WHERE u.reseller_id = $1 AND u.email = $2", u.ResellerID, u.Email)
	if err != nil {
		return err
	}
	*u = *existing
	return nil
}

// AddAccountUser attaches a user to an account with an access level, active. The
// link to an account made in this transaction is written just before the commit
// (execLater): it cannot clash, and nothing reads it before then.
func (c *Conn) AddAccountUser(ctx context.Context, accountID, userID int64, level domain.AccessLevel, now time.Time) error {
	resellerID, made := c.accountResellers[accountID]
	if !made {
		if err := c.row(ctx, `SELECT reseller_id FROM accounts WHERE id = $1`, []any{accountID}, &resellerID); err != nil {
			return fmt.Errorf("add user %d to account %d: %w", userID, accountID, err)
		}
	}
	// The account's users decide which user_email filters match it: a change of an
	// account that existed before, but part of a new one, which the move declares.
	if made {
		c.touchAdded(AccountsScope(resellerID))
	} else {
		c.touch(AccountsScope(resellerID))
	}
	const insert = `INSERT INTO account_users (account_id, user_id, access_level, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)`
	args := []any{accountID, userID, string(level), string(domain.UserStatusActive), micros(now)}
	var err error
	if made {
		err = c.execLater(insert, args...)
	} else {
		_, err = c.exec(ctx, insert, args...)
	}
	if err != nil {
		return fmt.Errorf("add user %d to account %d: %w", userID, accountID, err)
	}
	return nil
}

// IsAccountUser reports whether the user belongs to the account, at any access level.
func (c *Conn) IsAccountUser(ctx context.Context, accountID, userID int64) (bool, error) {
	var n int
	err := c.row(ctx, `SELECT COUNT(*) FROM account_users WHERE account_id = $1 AND user_id = $2`,
		[]any{accountID, userID}, &n)
	if err != nil {
		return false, fmt.Errorf("account %d user %d: %w", accountID, userID, err)
	}
	return n > 0, nil
}

// loginTokenRetention is how long used and expired login tokens are kept, for audit,
// before a later issue removes them.
const loginTokenRetention = 24 * time.Hour

// CreateLoginToken stores the hash of a one-time login token of a user into an
// account, valid until expires, and removes tokens long past their expiry.
func (c *Conn) CreateLoginToken(ctx context.Context, hash []byte, userID, accountID int64, expires, now time.Time) error {
	if _, err := c.exec(ctx, `DELETE FROM user_login_tokens WHERE expires_at < $1`,
		micros(now.Add(-loginTokenRetention))); err != nil {
		return fmt.Errorf("purge login tokens: %w", err)
	}
	_, err := c.exec(ctx, `INSERT INTO user_login_tokens (token_hash, user_id, account_id, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5)`, hash, userID, accountID, micros(expires), micros(now))
	if err != nil {
		return fmt.Errorf("create login token of user %d: %w", userID, err)
	}
	return nil
}

// RedeemLoginToken marks the token with the given hash used, in one statement, if it
// belongs to a user with the given e-mail, is unused and has not expired at now. It
// returns the user and the account the token signs in to; any other case is an
// unauthorized error, and a token that does not match the e-mail stays unused. The
// token names the user: the same e-mail may belong to users of several resellers,
// and only the token's own user is checked against it.
func (c *Conn) RedeemLoginToken(ctx context.Context, hash []byte, email string, now time.Time) (*domain.User, int64, error) {
	var userID, accountID int64
	err := c.row(ctx, `UPDATE user_login_tokens SET used_at = $1
		WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
		AND EXISTS (SELECT 1 FROM users u WHERE u.id = user_login_tokens.user_id AND u.email = $3)
		RETURNING user_id, account_id`, []any{micros(now), hash, email}, &userID, &accountID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, domain.Errorf(domain.ErrUnauthorized, domain.MsgLoginTokenInvalid)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("redeem login token: %w", err)
	}
	u, err := c.FindUserByID(ctx, userID)
	return u, accountID, err
}
