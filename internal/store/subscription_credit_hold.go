package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The mark of a subscription its account's credit hold stopped (migration 0035,
// docs/billing.md "Credit hold"). It is not part of the subscription's API view, so
// it is read and written apart from the subscription's other columns.

// SubscriptionRef names a subscription with its reseller, for a lookup of it.
type SubscriptionRef struct {
	ID, ResellerID int64
}

// FindCreditHoldSubscriptions returns the subscriptions of account accountID that
// its credit hold may have to stop or release, by id: its prepaid ones that are
// active or graced, and those the hold stopped. The caller re-reads each under its
// lock and decides there.
func (c *Conn) FindCreditHoldSubscriptions(ctx context.Context, accountID int64) ([]SubscriptionRef, error) {
	out, err := collect(ctx, c, `SELECT id, reseller_id FROM subscriptions WHERE account_id = $1
		AND (credit_held = $2 OR (payment_model = $3 AND status IN ($4, $5))) ORDER BY id`,
		[]any{accountID, true, string(domain.PaymentModelPrepay), string(domain.SubscriptionStatusActive),
			string(domain.SubscriptionStatusGraced)},
		func(sc scanner) (SubscriptionRef, error) {
			var r SubscriptionRef
			return r, sc.Scan(&r.ID, &r.ResellerID)
		})
	if err != nil {
		return nil, fmt.Errorf("find the credit hold's subscriptions of account %d: %w", accountID, err)
	}
	return out, nil
}

// SubscriptionCreditHeld reports whether the credit hold stopped subscription id,
// which the transaction holds (FindSubscriptionForUpdate).
func (c *Conn) SubscriptionCreditHeld(ctx context.Context, id int64) (bool, error) {
	if err := c.needLock("subscriptions", id); err != nil {
		return false, err
	}
	var held bool
	if err := c.row(ctx, `SELECT credit_held FROM subscriptions WHERE id = $1`, []any{id}, &held); err != nil {
		return false, fmt.Errorf("read the credit hold mark of subscription %d: %w", id, err)
	}
	return held, nil
}

// SetSubscriptionCreditHeld marks subscription id, which the transaction holds, as
// stopped by its account's credit hold, or clears the mark.
func (c *Conn) SetSubscriptionCreditHeld(ctx context.Context, id int64, held bool) error {
	if err := c.needLock("subscriptions", id); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `UPDATE subscriptions SET credit_held = $1 WHERE id = $2`, held, id); err != nil {
		return fmt.Errorf("mark subscription %d for the credit hold: %w", id, err)
	}
	return nil
}
