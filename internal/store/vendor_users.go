package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The account users each product's vendor knows (migration 0026).

// VendorUser is what a product's vendor knows of one user, and where the delivery
// of the user's events to it stands.
type VendorUser struct {
	UserID, ProductID int64
	ResellerID        int64  // the reseller whose subscription made the user known
	VendorUserID      string // the vendor's id of the user, from its create answer
	Wanted            string // active, inactive or deleted: what the vendor should hold
	Told              string // what the vendor was last told; empty before a create
	Steps             int64  // the calls that succeeded so far
	JobID             string // the job delivering the user's events; empty when none
	ErrorCode         string // the last permanent failure, until a call succeeds
	ErrorMessage      string
	ErrorAt           time.Time
	UpdatedAt         time.Time
}

const vendorUserColumns = `v.user_id, v.product_id, v.reseller_id, v.vendor_user_id, v.wanted, v.told, v.steps,
	v.job_id, v.error_code, v.error_message, v.error_at, v.updated_at`

func scanVendorUser(s scanner) (*VendorUser, error) {
	var (
		u                VendorUser
		errorAt, updated int64
	)
	if err := s.Scan(&u.UserID, &u.ProductID, &u.ResellerID, &u.VendorUserID, &u.Wanted, &u.Told, &u.Steps,
		&u.JobID, &u.ErrorCode, &u.ErrorMessage, &errorAt, &updated); err != nil {
		return nil, err
	}
	if errorAt != 0 {
		u.ErrorAt = fromMicros(errorAt)
	}
	u.UpdatedAt = fromMicros(updated)
	return &u, nil
}

// FindVendorUser returns what the vendor of product knows of user, or nil when the
// user was never made known to it.
func (c *Conn) FindVendorUser(ctx context.Context, userID, productID int64) (*VendorUser, error) {
	return c.findVendorUser(ctx, userID, productID, "")
}

// LockVendorUser returns the row of user and product, made with resellerID and
// wanted when there is none yet, held for update until the transaction ends.
func (c *Conn) LockVendorUser(ctx context.Context, userID, productID, resellerID int64, wanted string, now time.Time) (*VendorUser, error) {
	lock, err := c.lockClause(forUpdate, "v")
	if err != nil {
		return nil, err
	}
	// The row is made in the round trip of its read: nothing needs the insert's
	// answer, and an insert that fails fails the read.
	err = c.along(ctx, statement{query: `INSERT INTO vendor_users (user_id, product_id, reseller_id, wanted, updated_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, product_id) DO NOTHING`,
		args: []any{userID, productID, resellerID, wanted, micros(now)}})
	if err != nil {
		return nil, fmt.Errorf("make vendor user %d of product %d: %w", userID, productID, err)
	}
	u, err := c.findVendorUser(ctx, userID, productID, lock)
	if err != nil {
		return nil, fmt.Errorf("make and lock vendor user %d of product %d: %w", userID, productID, err)
	}
	return u, nil
}

// HoldSettledVendorUser reports whether what the vendor of product should hold of
// user is state already, and told or on its way (told state, or a delivery job of
// the row pending or running), and if so holds the row shared until the
// transaction ends. An outcome that wants state then changes nothing on the row, so
// it needs no update lock: the outcomes of one account's subscriptions, which all
// lock the same users' rows, would otherwise wait for each other's commits. The
// shared hold still keeps a writer that locks the row for update (a stop or a
// deletion, before it counts the account's subscriptions) waiting until this
// transaction has committed. A row in any other state is left unlocked (false),
// for LockVendorUser. Only when a writer changed the row while this read waited for
// it is the row held shared and then locked for update, which PostgreSQL may break
// as a deadlock with another such outcome: that outcome's job then runs again.
func (c *Conn) HoldSettledVendorUser(ctx context.Context, userID, productID int64, state string) (bool, error) {
	lock, err := c.lockClause(forShare, "v")
	if err != nil {
		return false, err
	}
	held := false
	part := holdSettledVendorUser("$1", userID, productID, state, lock, func(int64) { held = true })
	if err := eachRow(ctx, c, part.query, part.args, part.each); err != nil {
		return false, fmt.Errorf("hold vendor user %d of product %d: %w", userID, productID, err)
	}
	return held, nil
}

// holdSettledVendorUser is HoldSettledVendorUser's read, of the user that the SQL
// expression user names ($1, or a subquery of it), with lock its hold; held is
// given the user's id when it holds the row.
func holdSettledVendorUser(user string, userArg any, productID int64, state, lock string, held func(int64)) readPart {
	return readPart{query: `SELECT v.user_id FROM vendor_users v
		WHERE v.user_id = ` + user + ` AND v.product_id = $2 AND v.wanted = $3 AND (v.told = $3
			OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = v.job_id AND j.status IN ($4, $5)))` + lock,
		args: []any{userArg, productID, state, string(domain.JobStatusPending), string(domain.JobStatusRunning)},
		each: func(sc scanner) error {
			var id int64
			if err := sc.Scan(&id); err != nil {
				return err
			}
			held(id)
			return nil
		}}
}

// FindVendorUserForUpdate returns the row of user and product held for update
// until the transaction ends, or nil when there is none.
func (c *Conn) FindVendorUserForUpdate(ctx context.Context, userID, productID int64) (*VendorUser, error) {
	lock, err := c.lockClause(forUpdate, "v")
	if err != nil {
		return nil, err
	}
	return c.findVendorUser(ctx, userID, productID, lock)
}

// findVendorUser reads the row of user and product with the lock clause lock; nil
// when there is none.
func (c *Conn) findVendorUser(ctx context.Context, userID, productID int64, lock string) (*VendorUser, error) {
	var out *VendorUser
	err := eachRow(ctx, c, `SELECT `+vendorUserColumns+` FROM vendor_users v WHERE v.user_id = $1 AND v.product_id = $2`+lock,
		[]any{userID, productID}, func(sc scanner) (err error) {
			out, err = scanVendorUser(sc)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("find vendor user %d of product %d: %w", userID, productID, err)
	}
	return out, nil
}

// UpdateVendorUser writes u, read with LockVendorUser or FindVendorUserForUpdate in
// this transaction.
func (c *Conn) UpdateVendorUser(ctx context.Context, u *VendorUser) error {
	var errorAt int64
	if !u.ErrorAt.IsZero() {
		errorAt = micros(u.ErrorAt)
	}
	_, err := c.exec(ctx, `UPDATE vendor_users SET reseller_id = $1, vendor_user_id = $2, wanted = $3, told = $4,
		steps = $5, job_id = $6, error_code = $7, error_message = $8, error_at = $9, updated_at = $10
		WHERE user_id = $11 AND product_id = $12`,
		u.ResellerID, u.VendorUserID, u.Wanted, u.Told, u.Steps, u.JobID, u.ErrorCode, u.ErrorMessage, errorAt,
		micros(u.UpdatedAt), u.UserID, u.ProductID)
	if err != nil {
		return fmt.Errorf("update vendor user %d of product %d: %w", u.UserID, u.ProductID, err)
	}
	return nil
}

// accountUserIDs is the read of the ids of the users of account id, in id order,
// appended to *out.
func accountUserIDs(id int64, out *[]int64) readPart {
	return readPart{query: `SELECT user_id FROM account_users WHERE account_id = $1 ORDER BY user_id`,
		args: []any{id}, each: func(sc scanner) error {
			var u int64
			err := sc.Scan(&u)
			*out = append(*out, u)
			return err
		}}
}

// FindAccountUserIDs returns the ids of the users of account id, in id order.
func (c *Conn) FindAccountUserIDs(ctx context.Context, id int64) ([]int64, error) {
	var out []int64
	part := accountUserIDs(id, &out)
	if err := eachRow(ctx, c, part.query, part.args, part.each); err != nil {
		return nil, fmt.Errorf("find the users of account %d: %w", id, err)
	}
	return out, nil
}

// FindProductSubscriptionStatuses returns the statuses of the subscriptions of
// account to plans of product, but subscription except's.
func (c *Conn) FindProductSubscriptionStatuses(ctx context.Context, account, product, except int64) ([]string, error) {
	var out []string
	err := eachRow(ctx, c, `SELECT s.status FROM subscriptions s JOIN plans p ON p.id = s.plan_id
		WHERE s.account_id = $1 AND p.product_id = $2 AND s.id <> $3`, []any{account, product, except},
		func(sc scanner) error {
			var s string
			err := sc.Scan(&s)
			out = append(out, s)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("find the subscriptions of account %d to product %d: %w", account, product, err)
	}
	return out, nil
}
