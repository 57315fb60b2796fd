package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Account classes are written only by the operator's catalogue file, under the
// catalogue lock (docs/catalog.md, "Account classes"); every write moves
// ScopeReference, which the cached account types and classes follow.

// CreateAccountClass inserts cl and sets its id. Applies of catalogue files run
// one at a time (LockCatalogs), so the next id is read, not generated.
func (c *Conn) CreateAccountClass(ctx context.Context, cl *domain.AccountClass) error {
	err := c.row(ctx, `INSERT INTO account_classes (id, key, name, charging_model, credit_limit, subzero_period, is_default)
		SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, $5, $6 FROM account_classes RETURNING id`,
		[]any{cl.Key, cl.Name, string(cl.ChargingModel), int64(cl.CreditLimit), cl.SubzeroPeriod, cl.Default}, &cl.ID)
	if err != nil {
		return fmt.Errorf("create account class %q: %w", cl.Key, err)
	}
	c.touch(ScopeReference)
	return nil
}

// UpdateAccountClass writes cl's fields by its key.
func (c *Conn) UpdateAccountClass(ctx context.Context, cl *domain.AccountClass) error {
	_, err := c.exec(ctx, `UPDATE account_classes SET name = $1, charging_model = $2, credit_limit = $3,
		subzero_period = $4, is_default = $5 WHERE key = $6`,
		cl.Name, string(cl.ChargingModel), int64(cl.CreditLimit), cl.SubzeroPeriod, cl.Default, cl.Key)
	if err != nil {
		return fmt.Errorf("update account class %q: %w", cl.Key, err)
	}
	c.touch(ScopeReference)
	return nil
}

// AccountClassUsage returns how many accounts use each class that has any, by key
// (index accounts_class_id).
func (c *Conn) AccountClassUsage(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := eachRow(ctx, c, "SELECT account_class_key, COUNT(*) FROM accounts GROUP BY account_class_key", nil,
		func(s scanner) error {
			var (
				key string
				n   int
			)
			if err := s.Scan(&key, &n); err != nil {
				return err
			}
			out[key] = n
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("count accounts by class: %w", err)
	}
	return out, nil
}

// AccountRef names an account and its reseller.
type AccountRef struct{ ID, ResellerID int64 }

// ClassLimitAccounts returns up to limit accounts of class key that take the
// class's credit limit (credit_limit_use_system), or all of the class when all is
// set, with ids above after, by id (index accounts_class_id).
func (c *Conn) ClassLimitAccounts(ctx context.Context, key string, all bool, after int64, limit int) ([]AccountRef, error) {
	return c.accountRefs(ctx, fmt.Sprintf("class %q", key), `SELECT id, reseller_id FROM accounts
		WHERE account_class_key = $1 AND id > $2 AND (credit_limit_use_system OR $3) ORDER BY id LIMIT $4`,
		key, after, all, limit)
}

// SubzeroClass is an account class whose accounts may stay below zero for a
// bounded number of days (subzero_period >= 0).
type SubzeroClass struct {
	Key  string
	Days int64
}

// SubzeroClasses returns the classes with a subzero period (a handful of rows).
func (c *Conn) SubzeroClasses(ctx context.Context) ([]SubzeroClass, error) {
	var out []SubzeroClass
	err := eachRow(ctx, c, `SELECT key, subzero_period FROM account_classes WHERE subzero_period >= 0 ORDER BY key`,
		nil, func(s scanner) error {
			var k SubzeroClass
			if err := s.Scan(&k.Key, &k.Days); err != nil {
				return err
			}
			out = append(out, k)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find the classes with a subzero period: %w", err)
	}
	return out, nil
}

// subzeroDay is a day in the microseconds negative_since is kept in.
const subzeroDay = int64(24 * time.Hour / time.Microsecond)

// SubzeroCursor is where a walk of SubzeroAccounts stands: the last account read
// and when it went below zero. The zero cursor starts the walk.
type SubzeroCursor struct {
	Since time.Time
	ID    int64
}

// subzeroAccountsSQL reads a page of SubzeroAccounts: class key, the latest
// negative_since whose period has ended, and the cursor; then the limit. The status
// is written out, not bound, so that the partial index's condition matches the
// query's on both engines.
const subzeroAccountsSQL = `SELECT a.id, a.reseller_id, a.negative_since FROM accounts a
	WHERE a.account_class_key = $1 AND a.status = 'active' AND a.negative_since IS NOT NULL
	  AND a.negative_since < $2 AND (a.negative_since > $3 OR (a.negative_since = $3 AND a.id > $4))
	ORDER BY a.negative_since, a.id LIMIT $5`

// SubzeroAccounts returns up to limit active accounts of class k that, at now,
// have been below zero for longer than its subzero period, after cursor, by when
// they went below zero and then by id, and the cursor after them: a seek of index
// accounts_subzero (active accounts below zero, by class), so the cost is the
// batch's whatever the number of other accounts below zero. The caller re-checks
// each with its row locked.
func (c *Conn) SubzeroAccounts(ctx context.Context, k SubzeroClass, now time.Time, cursor SubzeroCursor,
	limit int) ([]AccountRef, SubzeroCursor, error) {
	var refs []AccountRef
	after := int64(math.MinInt64)
	if !cursor.Since.IsZero() {
		after = micros(cursor.Since)
	}
	err := eachRow(ctx, c, subzeroAccountsSQL,
		[]any{k.Key, micros(now) - k.Days*subzeroDay, after, cursor.ID, limit},
		func(s scanner) error {
			var (
				r  AccountRef
				at int64
			)
			if err := s.Scan(&r.ID, &r.ResellerID, &at); err != nil {
				return err
			}
			refs, cursor = append(refs, r), SubzeroCursor{Since: fromMicros(at), ID: r.ID}
			return nil
		})
	if err != nil {
		return nil, cursor, fmt.Errorf("find accounts of class %q below zero: %w", k.Key, err)
	}
	return refs, cursor, nil
}

func (c *Conn) accountRefs(ctx context.Context, what, query string, args ...any) ([]AccountRef, error) {
	var out []AccountRef
	err := eachRow(ctx, c, query, args, func(s scanner) error {
		var r AccountRef
		if err := s.Scan(&r.ID, &r.ResellerID); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find accounts of %s: %w", what, err)
	}
	return out, nil
}

// TouchAccounts records that the transaction changes what the accounts of
// reseller id show (an account's class limit, which its credit_limit shows).
func (c *Conn) TouchAccounts(resellerID int64) { c.touch(AccountsScope(resellerID)) }

// NextSubzeroEnd returns the first instant after after at which an active account
// below zero has been so for longer than its class's subzero period, and false
// when there is none: per class with a period, one seek of index accounts_subzero.
func (c *Conn) NextSubzeroEnd(ctx context.Context, after time.Time) (time.Time, bool, error) {
	classes, err := c.SubzeroClasses(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	var (
		first time.Time
		found bool
	)
	for _, k := range classes {
		// The period of an account below zero since t ends at t + days + 1µs.
		var since sql.NullInt64
		err := c.row(ctx, `SELECT MIN(a.negative_since) FROM accounts a
			WHERE a.account_class_key = $1 AND a.status = 'active' AND a.negative_since IS NOT NULL
			  AND a.negative_since >= $2`, []any{k.Key, micros(after) - k.Days*subzeroDay}, &since)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("find the next subzero end of class %q: %w", k.Key, err)
		}
		if !since.Valid {
			continue
		}
		end := fromMicros(since.Int64 + k.Days*subzeroDay + 1)
		if !found || end.Before(first) {
			first, found = end, true
		}
	}
	return first, found, nil
}
