package store

import (
	"context"
	"fmt"
	"time"
)

// Consumption billing: what the billing pass reads to charge pay-as-you-go
// consumption (docs/billing.md, "Pay as you go"). The pass walks the subscriptions
// in id order a page at a time, and reads only the page's consumption, so its
// memory and the time a transaction holds the writer do not grow with the history
// of reads.

// ConsumerToBill is a subscription with consumption to bill: its account, and the
// billing day of its plan (its service term's, 1 when none).
type ConsumerToBill struct {
	SubscriptionID int64
	AccountID      int64
	BillingDay     int
}

// ConsumersToBill returns up to limit subscriptions above after, in id order, with a
// consumption read that ended after from and not after to. It walks the
// subscriptions by primary key and seeks each one's reads in the index
// subscription_consumption_subscription_to (migration 0036): a run costs one seek per
// subscription, not a read of every consumption row. (The repeated bound on
// sc.subscription_id lets PostgreSQL, when it merges the two walks, start the
// index's at the page rather than at its first entry.)
func (c *Conn) ConsumersToBill(ctx context.Context, from, to time.Time, after int64, limit int) ([]ConsumerToBill, error) {
	var out []ConsumerToBill
	query, args := consumersToBillSQL(from, to, after, limit)
	err := eachRow(ctx, c, query, args, func(sc scanner) error {
		var r ConsumerToBill
		err := sc.Scan(&r.SubscriptionID, &r.AccountID, &r.BillingDay)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("subscriptions with consumption from %s to %s: %w", from, to, err)
	}
	return out, nil
}

// consumersToBillSQL is the query of ConsumersToBill.
func consumersToBillSQL(from, to time.Time, after int64, limit int) (string, []any) {
	return `SELECT s.id, s.account_id, COALESCE(t.billing_day, 1) FROM subscriptions s
		JOIN plans p ON p.id = s.plan_id LEFT JOIN service_terms t ON t.id = p.service_term_id
		WHERE s.id > $1 AND EXISTS (SELECT 1 FROM subscription_consumption sc
			WHERE sc.subscription_id = s.id AND sc.subscription_id > $1 AND sc.period_to > $2 AND sc.period_to <= $3)
		ORDER BY s.id LIMIT $4`, []any{after, micros(from), micros(to), limit}
}

// ConsumptionRead is one consumption read of a subscription.
type ConsumptionRead struct {
	SubscriptionID int64
	PlanResourceID int64
	Quantity       string // the vendor's decimal, as written
	To             time.Time
}

// ConsumptionEnded returns the consumption reads of subscriptions ids that ended
// after from and not after to, by subscription and end: a seek per subscription in
// subscription_consumption_subscription_to.
func (c *Conn) ConsumptionEnded(ctx context.Context, ids []int64, from, to time.Time) ([]ConsumptionRead, error) {
	var out []ConsumptionRead
	if len(ids) == 0 {
		return out, nil
	}
	query, args := consumptionEndedSQL(c.db.engine, ids, from, to)
	err := eachRow(ctx, c, query, args, func(sc scanner) error {
		var (
			r  ConsumptionRead
			at int64
		)
		if err := sc.Scan(&r.SubscriptionID, &r.PlanResourceID, &r.Quantity, &at); err != nil {
			return err
		}
		r.To = fromMicros(at)
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("consumption ended from %s to %s: %w", from, to, err)
	}
	return out, nil
}

// consumptionEndedSQL is the query of ConsumptionEnded.
func consumptionEndedSQL(e Engine, ids []int64, from, to time.Time) (string, []any) {
	in, arg := oneOf(e, "subscription_id", 3, ids)
	return `SELECT subscription_id, plan_resource_id, quantity, period_to FROM subscription_consumption
		WHERE ` + in + ` AND period_to > $1 AND period_to <= $2 ORDER BY subscription_id, period_to, resource_key`,
		[]any{micros(from), micros(to), arg}
}

// ConsumptionBillingDays returns the billing days of the plans whose product's
// consumption is read, none while no consumption was ever read. It reads the
// catalog's plans and one row of subscription_consumption, whatever the number of
// subscriptions and reads: a day with nothing to bill only makes the pass walk its
// subscriptions for nothing.
func (c *Conn) ConsumptionBillingDays(ctx context.Context) ([]int, error) {
	var out []int
	err := eachRow(ctx, c, consumptionBillingDaysSQL, nil, func(sc scanner) error {
		var d int
		err := sc.Scan(&d)
		out = append(out, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("billing days of consumption: %w", err)
	}
	return out, nil
}

// consumptionBillingDaysSQL is the query of ConsumptionBillingDays.
const consumptionBillingDaysSQL = `SELECT DISTINCT COALESCE(t.billing_day, 1) FROM plans p
	JOIN products pr ON pr.id = p.product_id LEFT JOIN service_terms t ON t.id = p.service_term_id
	WHERE pr.allow_consumption_url AND EXISTS (SELECT 1 FROM subscription_consumption)`

// BillingKeysWithPrefix returns, per subscription of ids, the billing keys of its
// charges that start with prefix: what was charged already.
func (c *Conn) BillingKeysWithPrefix(ctx context.Context, ids []int64, prefix string) (map[int64]map[string]bool, error) {
	out := map[int64]map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	in, arg := oneOf(c.db.engine, "subscription_id", 1, ids)
	err := eachRow(ctx, c, "SELECT subscription_id, billing_key FROM charges WHERE "+in+" AND billing_key LIKE $2",
		[]any{arg, prefix + "%"}, func(sc scanner) error {
			var (
				id  int64
				key string
			)
			if err := sc.Scan(&id, &key); err != nil {
				return err
			}
			if out[id] == nil {
				out[id] = map[string]bool{}
			}
			out[id][key] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("billing keys of subscriptions: %w", err)
	}
	return out, nil
}
