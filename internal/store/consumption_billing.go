package store

import (
	"context"
	"fmt"
	"time"
)

// Consumption billing: what the billing pass reads to charge pay-as-you-go
// consumption (docs/billing.md, "Pay as you go").

// ConsumptionToBill is one consumption read of a subscription, with what billing it
// needs: the account, and the billing day of the subscription's plan (its service
// term's, 1 when none).
type ConsumptionToBill struct {
	SubscriptionID int64
	AccountID      int64
	PlanResourceID int64
	Quantity       string // the vendor's decimal, as written
	To             time.Time
	BillingDay     int
}

// ConsumptionEnded returns the consumption reads that ended after from and not
// after to, by subscription and end (index subscription_consumption_period_to).
func (c *Conn) ConsumptionEnded(ctx context.Context, from, to time.Time) ([]ConsumptionToBill, error) {
	var out []ConsumptionToBill
	err := eachRow(ctx, c, `SELECT sc.subscription_id, s.account_id, sc.plan_resource_id, sc.quantity, sc.period_to,
		COALESCE(t.billing_day, 1)
		FROM subscription_consumption sc JOIN subscriptions s ON s.id = sc.subscription_id
		JOIN plans p ON p.id = s.plan_id LEFT JOIN service_terms t ON t.id = p.service_term_id
		WHERE sc.period_to > $1 AND sc.period_to <= $2 ORDER BY sc.subscription_id, sc.period_to, sc.resource_key`,
		[]any{micros(from), micros(to)}, func(sc scanner) error {
			var (
				r  ConsumptionToBill
				at int64
			)
			if err := sc.Scan(&r.SubscriptionID, &r.AccountID, &r.PlanResourceID, &r.Quantity, &at, &r.BillingDay); err != nil {
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

// ConsumptionBillingDays returns the billing days of the subscriptions whose
// consumption is read, none when no subscription's is.
func (c *Conn) ConsumptionBillingDays(ctx context.Context) ([]int, error) {
	var out []int
	err := eachRow(ctx, c, `SELECT DISTINCT COALESCE(t.billing_day, 1) FROM subscription_vendor_reads r
		JOIN subscriptions s ON s.id = r.subscription_id JOIN plans p ON p.id = s.plan_id
		LEFT JOIN service_terms t ON t.id = p.service_term_id`, nil, func(sc scanner) error {
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
