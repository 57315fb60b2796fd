package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The history of what managers did to subscriptions (migration 0017).

// SubscriptionOperationRecord is one entry of a subscription's history.
type SubscriptionOperationRecord struct {
	ID             int64
	SubscriptionID int64
	ResellerID     int64
	Operation      domain.SubscriptionOperation
	Reason         string
	Comment        string
	ManagerID      int64 // 0 when the platform did it
	StatusBefore   domain.SubscriptionStatus
	StatusAfter    domain.SubscriptionStatus
	CreatedAt      time.Time
}

// RecordSubscriptionOperation adds r to its subscription's history and sets its id.
func (c *Conn) RecordSubscriptionOperation(ctx context.Context, r *SubscriptionOperationRecord) error {
	err := c.row(ctx, `INSERT INTO subscription_operations (subscription_id, reseller_id, operation, reason,
		comment, manager_id, status_before, status_after, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		RETURNING id`, []any{r.SubscriptionID, r.ResellerID, string(r.Operation), r.Reason, r.Comment,
		nullable(r.ManagerID), string(r.StatusBefore), string(r.StatusAfter), micros(r.CreatedAt)}, &r.ID)
	if err != nil {
		return fmt.Errorf("record %s of subscription %d: %w", r.Operation, r.SubscriptionID, err)
	}
	return nil
}

// FindSubscriptionOperations returns the history of a subscription, oldest first.
func (c *Conn) FindSubscriptionOperations(ctx context.Context, subscriptionID int64) ([]*SubscriptionOperationRecord, error) {
	out, err := collect(ctx, c, `SELECT so.id, so.subscription_id, so.reseller_id, so.operation, so.reason,
		so.comment, COALESCE(so.manager_id, 0), so.status_before, so.status_after, so.created_at
		FROM subscription_operations so WHERE so.subscription_id = $1 ORDER BY so.id`, []any{subscriptionID},
		func(sc scanner) (*SubscriptionOperationRecord, error) {
			var (
				r                 SubscriptionOperationRecord
				op, before, after string
				created           int64
			)
			if err := sc.Scan(&r.ID, &r.SubscriptionID, &r.ResellerID, &op, &r.Reason, &r.Comment, &r.ManagerID,
				&before, &after, &created); err != nil {
				return nil, err
			}
			r.Operation = domain.SubscriptionOperation(op)
			r.StatusBefore, r.StatusAfter = domain.SubscriptionStatus(before), domain.SubscriptionStatus(after)
			r.CreatedAt = fromMicros(created)
			return &r, nil
		})
	if err != nil {
		return nil, fmt.Errorf("find the operations of subscription %d: %w", subscriptionID, err)
	}
	return out, nil
}

// FindSubscriptionsOfAccounts returns the subscriptions of the given accounts with
// their resources, by account and id: one query for all (the API's
// include=subscriptions on accounts).
func (c *Conn) FindSubscriptionsOfAccounts(ctx context.Context, accountIDs []int64) ([]*domain.Subscription, error) {
	if len(accountIDs) == 0 {
		return nil, nil
	}
	in, arg := oneOf(c.db.engine, "s.account_id", 1, accountIDs)
	out, err := collect(ctx, c, "SELECT "+subscriptionColumns+" FROM subscriptions s WHERE "+in+
		" ORDER BY s.account_id, s.id", []any{arg}, scanSubscription)
	if err == nil {
		err = c.loadSubscriptionResources(ctx, out)
	}
	if err != nil {
		return nil, fmt.Errorf("find the subscriptions of accounts %v: %w", accountIDs, err)
	}
	return out, nil
}
