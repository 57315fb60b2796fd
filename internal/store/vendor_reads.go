package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The schedule of the scheduler's vendor reads and what they read (migration 0025):
// the usage of each subscription resource and the units consumed per period.

// ScheduleVendorReads gives subscription id a read schedule unless it has one: the
// first read is due at due, and its consumption is read from from.
func (c *Conn) ScheduleVendorReads(ctx context.Context, id int64, due, from time.Time) error {
	_, err := c.exec(ctx, `INSERT INTO subscription_vendor_reads (subscription_id, due_at, consumed_to)
		VALUES ($1, $2, $3) ON CONFLICT (subscription_id) DO NOTHING`, id, micros(due), micros(from))
	if err != nil {
		return fmt.Errorf("schedule the vendor reads of subscription %d: %w", id, err)
	}
	return nil
}

// VendorReadKey is a subscription due for a vendor read: when it fell due, and its
// id; the position a walk of the due reads resumes after.
type VendorReadKey struct {
	DueAt int64 // microseconds
	ID    int64
}

// DueVendorReads returns up to limit subscriptions whose vendor read is due at now,
// after the position after (the zero key starts from the beginning), walking the
// index on (due_at, subscription_id).
func (c *Conn) DueVendorReads(ctx context.Context, now time.Time, after VendorReadKey, limit int) ([]VendorReadKey, error) {
	q, args := dueVendorReadsQuery(now, after, limit)
	var out []VendorReadKey
	err := eachRow(ctx, c, q, args, func(sc scanner) error {
		var k VendorReadKey
		if err := sc.Scan(&k.DueAt, &k.ID); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find due vendor reads: %w", err)
	}
	return out, nil
}

// dueVendorReadsQuery is the SELECT of DueVendorReads: a walk of the index
// subscription_vendor_reads_due from after.
func dueVendorReadsQuery(now time.Time, after VendorReadKey, limit int) (string, []any) {
	q := `SELECT due_at, subscription_id FROM subscription_vendor_reads WHERE due_at <= $1`
	args := []any{micros(now)}
	if after != (VendorReadKey{}) {
		q += ` AND (due_at, subscription_id) > ($2, $3)`
		args = append(args, after.DueAt, after.ID)
	}
	return q + fmt.Sprintf(" ORDER BY due_at, subscription_id LIMIT %d", limit), args
}

// ClaimVendorRead takes the read of subscription id due at now by moving its next
// read to next, in one conditional update, and returns where its unread consumption
// starts. It reports false when the read is not due (another process claimed it, or
// it has no schedule): then the caller reads nothing.
func (c *Conn) ClaimVendorRead(ctx context.Context, id int64, now, next time.Time) (time.Time, bool, error) {
	if c.tx == nil {
		return time.Time{}, false, errors.New("store: write outside a transaction")
	}
	var from int64
	err := c.row(ctx, `UPDATE subscription_vendor_reads SET due_at = $1 WHERE subscription_id = $2 AND due_at <= $3
		RETURNING consumed_to`, []any{micros(next), id, micros(now)}, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("claim the vendor read of subscription %d: %w", id, err)
	}
	return fromMicros(from), true, nil
}

// DropVendorReads ends the read schedule of subscription id.
func (c *Conn) DropVendorReads(ctx context.Context, id int64) error {
	if _, err := c.exec(ctx, `DELETE FROM subscription_vendor_reads WHERE subscription_id = $1`, id); err != nil {
		return fmt.Errorf("drop the vendor reads of subscription %d: %w", id, err)
	}
	return nil
}

// ResourceUsage is the units of a plan resource of a subscription in use, as read
// from the vendor at At.
type ResourceUsage struct {
	PlanResourceID int64
	Usage          int64
	At             time.Time
}

// SaveResourceUsage keeps the usage of subscription id's resources, replacing what
// was read before.
func (c *Conn) SaveResourceUsage(ctx context.Context, id int64, usage []ResourceUsage) error {
	for _, u := range usage {
		_, err := c.exec(ctx, `INSERT INTO subscription_resource_usage (subscription_id, plan_resource_id, usage, read_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (subscription_id, plan_resource_id)
			DO UPDATE SET usage = excluded.usage, read_at = excluded.read_at`, id, u.PlanResourceID, u.Usage, micros(u.At))
		if err != nil {
			return fmt.Errorf("save the usage of subscription %d: %w", id, err)
		}
	}
	return nil
}

// FindResourceUsage returns the usage read of the resources of subscriptions ids:
// subscription id → plan resource id → usage.
func (c *Conn) FindResourceUsage(ctx context.Context, ids []int64) (map[int64]map[int64]ResourceUsage, error) {
	out := map[int64]map[int64]ResourceUsage{}
	if len(ids) == 0 {
		return out, nil
	}
	in, arg := oneOf(c.db.engine, "subscription_id", 1, ids)
	err := eachRow(ctx, c, `SELECT subscription_id, plan_resource_id, usage, read_at FROM subscription_resource_usage
		WHERE `+in, []any{arg}, func(sc scanner) error {
		var (
			sub int64
			u   ResourceUsage
			at  int64
		)
		if err := sc.Scan(&sub, &u.PlanResourceID, &u.Usage, &at); err != nil {
			return err
		}
		u.At = fromMicros(at)
		if out[sub] == nil {
			out[sub] = map[int64]ResourceUsage{}
		}
		out[sub][u.PlanResourceID] = u
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find resource usage: %w", err)
	}
	return out, nil
}

// Consumption is the units of one resource of a subscription consumed from From
// (inclusive) to To (exclusive). Quantity is the vendor's decimal, as written;
// PlanResourceID is the plan resource that ResourceKey names.
type Consumption struct {
	SubscriptionID int64
	ResourceKey    string
	PlanResourceID int64
	From, To       time.Time
	Quantity       string
	CreatedAt      time.Time
}

// SaveConsumption keeps the units of subscription id consumed from from to to, and
// moves the start of its unread consumption to to; both only when it still starts
// at from. It reports false, keeping nothing, when another read kept that period
// first: a period is counted once.
func (c *Conn) SaveConsumption(ctx context.Context, id int64, from, to time.Time, rows []Consumption) (bool, error) {
	res, err := c.exec(ctx, `UPDATE subscription_vendor_reads SET consumed_to = $1 WHERE subscription_id = $2 AND consumed_to = $3`,
		micros(to), id, micros(from))
	if err != nil {
		return false, fmt.Errorf("save the consumption of subscription %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	for _, r := range rows {
		_, err := c.exec(ctx, `INSERT INTO subscription_consumption (subscription_id, resource_key, period_from, period_to,
			plan_resource_id, quantity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (subscription_id, resource_key, period_from) DO NOTHING`,
			id, r.ResourceKey, micros(from), micros(to), r.PlanResourceID, r.Quantity, micros(r.CreatedAt))
		if err != nil {
			return false, fmt.Errorf("save the consumption of subscription %d: %w", id, err)
		}
	}
	return true, nil
}

// FindConsumption returns the consumption kept of subscription id, in the order of
// its periods and keys.
func (c *Conn) FindConsumption(ctx context.Context, id int64) ([]Consumption, error) {
	var out []Consumption
	err := eachRow(ctx, c, `SELECT resource_key, plan_resource_id, period_from, period_to, quantity, created_at
		FROM subscription_consumption WHERE subscription_id = $1 ORDER BY period_from, resource_key`, []any{id},
		func(sc scanner) error {
			r := Consumption{SubscriptionID: id}
			var from, to, created int64
			if err := sc.Scan(&r.ResourceKey, &r.PlanResourceID, &from, &to, &r.Quantity, &created); err != nil {
				return err
			}
			r.From, r.To, r.CreatedAt = fromMicros(from), fromMicros(to), fromMicros(created)
			out = append(out, r)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find the consumption of subscription %d: %w", id, err)
	}
	return out, nil
}
