package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The bulk writes of seeding (benchmarks, load tests): many subscriptions with the
// sales orders that bought them and those orders' charges, in a few statements a
// table, their ids taken by the caller beforehand (ReserveIDs) so nothing is read
// back row by row. They leave behind what CreateSubscription, CreateOrder,
// CreateCharges and AddSubscriptionDebt would (the rows, the automatic days, the
// list counters, the scope moves), but they check no catalogue generation and lock
// nothing: run them on a database nothing else writes to.

// ReserveIDs takes n ids of table (whose key is id) for rows inserted with those
// ids, and returns the first; the others follow it. On PostgreSQL it moves the
// table's identity past them, for good (another transaction may insert the rows),
// and two calls for one table must not run at once; on SQLite it is the table's
// largest id plus one, so the rows must be inserted in the same transaction, before
// the next call for the table.
func (c *Conn) ReserveIDs(ctx context.Context, table string, n int) (int64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("reserve %d ids of %s: need at least one", n, table)
	}
	var last int64
	var err error
	if c.db.engine == Postgres {
		// nextval, an argument, runs before setval: the n ids start at its value.
		err = c.row(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), nextval(pg_get_serial_sequence($1, 'id')) + $2 - 1)`,
			[]any{table, n}, &last)
	} else {
		err = c.row(ctx, `SELECT COALESCE(MAX(id), 0) + $1 FROM `+table, []any{n}, &last)
	}
	if err != nil {
		return 0, fmt.Errorf("reserve %d ids of %s: %w", n, table, err)
	}
	return last - int64(n) + 1, nil
}

// SeededSubscription is one subscription for InsertSeededSubscriptions: the
// subscription with its resources, the completed sales order that bought it and
// that order's charges, every id set (the charges' excepted) and every reference
// between them too. Sub.Resources holds a resource for every price of its snapshot
// (what CreateSubscription completes), and Sub.CurrentDebt is what its charges owe
// (domain.ChargeDebt).
type SeededSubscription struct {
	Sub     *domain.Subscription
	Order   *domain.Order
	Charges []*domain.Charge
	// Payment is the order's payment, its id set (Order.PaymentID names it), or nil
	// for an order without one (postpaid). It moves no money: a completed payment
	// of a prepaid order whose charges are closed puts on the balance what they
	// take off it.
	Payment *domain.Payment
}

// InsertSeededSubscriptions writes subs, all of reseller resellerID, by the
// engine's bulk path (bulkCopy): the subscriptions with the days their automatic
// orders fall due, their resources, the orders with their lines, their payments,
// the charges; then moves the subscriptions', orders' and payments' list counters and the reseller's
// subscription scopes once for all.
func (c *Conn) InsertSeededSubscriptions(ctx context.Context, resellerID int64, subs []SeededSubscription) error {
	if len(subs) == 0 {
		return nil
	}
	type auto struct {
		rules domain.BillingRules
		terms domain.TermSettings
	}
	autos := map[int64]auto{}
	var subRows, resRows, orderRows, lineRows, chargeRows, paymentRows [][]any
	for _, x := range subs {
		s, o := x.Sub, x.Order
		if s.ResellerID != resellerID || o.ResellerID != resellerID {
			return fmt.Errorf("seeded subscription %d is not of reseller %d", s.ID, resellerID)
		}
		a, ok := autos[s.PlanID]
		if !ok {
			var err error
			if a.rules, a.terms, err = c.automaticTerms(ctx, s.PlanID); err != nil {
				return err
			}
			autos[s.PlanID] = a
		}
		row := append([]any{s.ID}, subscriptionArgs(s, micros(s.CreatedAt), micros(s.UpdatedAt), int64(s.CurrentDebt),
			dateText(s.AutoRenewalDay(a.rules, a.terms)), dateText(s.AutoProlongDay(a.rules, a.terms)))...)
		subRows = append(subRows, row)
		for _, r := range s.Resources {
			resRows = append(resRows, append([]any{r.ID}, subscriptionResourceRow(s, r)...))
		}
		orderRows = append(orderRows, append([]any{o.ID, o.ResellerID, o.AccountID, o.SubscriptionID, string(o.Kind)},
			orderState(o, micros(o.CreatedAt))...))
		lineRows = append(lineRows, orderLineRows(o)...)
		if x.Payment != nil {
			paymentRows = append(paymentRows, paymentRowWithID(x.Payment))
		}
		for _, ch := range x.Charges {
			chargeRows = append(chargeRows, chargeRow(ch))
		}
	}
	tables := []struct {
		name, cols string
		rows       [][]any
	}{
		{"subscriptions", `id, reseller_id, account_id, plan_id, plan_period_id, name, trial, status, return_status,
			awaiting_approval, start_date, expiration_date, paid_to, hold_to, payment_model, credit_limit,
			credit_limit_use_system, autorenew, disable_autorenew, autorenew_before_approval, fixed_price, custom_price,
			promo_code, currency, setup_fee, recurring_fee, renewal_fee, transfer_fee, period_anchor, created_at,
			updated_at, current_debt, renewal_due_on, prolong_due_on`, subRows},
		{"subscription_resources", `id, subscription_id, plan_resource_id, included, additional, setup_fee,
			recurring_fee, overuse_fee, renewal_fee`, resRows},
		{"orders", "id, " + orderInsertColumns, orderRows},
		{"payments", "id, " + paymentInsertColumns, paymentRows},
		{"order_lines", orderLineColumnList, lineRows},
		{"charges", chargeInsertColumns, chargeRows},
	}
	for _, t := range tables {
		if err := c.bulkCopy(ctx, t.name, t.cols, t.rows); err != nil {
			return fmt.Errorf("seed %s: %w", t.name, err)
		}
	}
	if err := c.touchSubscriptions(ctx, resellerID); err != nil {
		return err
	}
	if err := c.count(ctx, tallySubscriptions, resellerID, len(subs)); err != nil {
		return err
	}
	if len(paymentRows) > 0 {
		if err := c.count(ctx, tallyPayments, resellerID, len(paymentRows)); err != nil {
			return err
		}
	}
	return c.count(ctx, tallyOrders, resellerID, len(subs))
}

// bulkCopy inserts rows into the columns cols (a comma-separated list) of table by
// the engine's fastest path: COPY on PostgreSQL, in the transaction (BEGIN and any
// statement waiting to go are sent first); multi-row INSERTs on SQLite.
func (c *Conn) bulkCopy(ctx context.Context, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	t, ok := c.tx.(*pgxTx)
	if !ok {
		return c.insertMany(ctx, table, cols, rows, "", nil, false)
	}
	if err := t.batch(ctx, nil, false); err != nil {
		return err
	}
	names := strings.Split(cols, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
	}
	t.pool.roundTrips.Add(1)
	_, err := t.conn.Conn().CopyFrom(ctx, pgx.Identifier{table}, names, pgx.CopyFromRows(rows))
	return translate(err)
}
