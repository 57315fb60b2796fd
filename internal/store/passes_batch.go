package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The batch side of the scheduler's passes: a pass that takes hundreds of due rows
// in one transaction locks them, reads what they need and writes what it made for
// all of them in a few statements, instead of a dozen statements per row. The
// rows are locked in the order of their ids, as every other batch locks them, so
// two batches that share rows wait for each other instead of deadlocking.

// sortedIDs returns ids in ascending order, without repeats: the order a batch
// locks rows in.
func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// LockOrders holds the orders with the given ids for update until the transaction
// ends, taken in the order of their ids; ids that match none are left out.
func (c *Conn) LockOrders(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	lock, err := c.lockClause(forUpdate, "o")
	if err != nil {
		return err
	}
	ids = sortedIDs(ids)
	in, arg := oneOf(c.db.engine, "o.id", 1, ids)
	err = eachRow(ctx, c, "SELECT o.id FROM orders o WHERE "+in+" ORDER BY o.id"+lock, []any{arg},
		func(sc scanner) error {
			var id int64
			err := sc.Scan(&id)
			if err == nil {
				c.lockedForUpdate("orders", id)
			}
			return err
		})
	if err != nil {
		return fmt.Errorf("lock orders: %w", err)
	}
	return nil
}

// FindSubscriptionsForUpdate returns the subscriptions with the given ids with
// their resources, in the order of their ids, each held for update until the
// transaction ends (FindSubscriptionForUpdate for many); ids that match none are
// left out.
func (c *Conn) FindSubscriptionsForUpdate(ctx context.Context, ids []int64) ([]*domain.Subscription, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	lock, err := c.lockClause(forUpdate, "s")
	if err != nil {
		return nil, err
	}
	ids = sortedIDs(ids)
	in, arg := oneOf(c.db.engine, "s.id", 1, ids)
	subs, err := collect(ctx, c, "SELECT "+subscriptionColumns+" FROM subscriptions s WHERE "+in+" ORDER BY s.id"+lock,
		[]any{arg}, scanSubscription)
	if err == nil {
		err = c.loadSubscriptionResources(ctx, subs)
	}
	if err != nil {
		return nil, fmt.Errorf("find subscriptions for update: %w", err)
	}
	for _, s := range subs {
		c.lockedForUpdate("subscriptions", s.ID)
	}
	c.rememberSubscriptions(subs...)
	return subs, nil
}

// FindAutomaticDaysOf returns the days the automatic orders of the subscriptions
// fall due (FindAutomaticDays for many), by subscription id; the transaction holds
// every one for update.
func (c *Conn) FindAutomaticDaysOf(ctx context.Context, ids []int64) (map[int64]AutomaticDays, error) {
	out := make(map[int64]AutomaticDays, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	for _, id := range ids {
		if err := c.needLock("subscriptions", id); err != nil {
			return nil, err
		}
	}
	in, arg := oneOf(c.db.engine, "id", 1, ids)
	err := eachRow(ctx, c, "SELECT id, renewal_due_on, prolong_due_on FROM subscriptions WHERE "+in, []any{arg},
		func(sc scanner) error {
			var (
				id               int64
				d                AutomaticDays
				renewal, prolong string
			)
			if err := sc.Scan(&id, &renewal, &prolong); err != nil {
				return err
			}
			err := datesFrom([]*domain.Date{&d.Renewal, &d.Prolong}, []string{renewal, prolong})
			out[id] = d
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("automatic days of subscriptions: %w", err)
	}
	return out, nil
}

// CreateAutomaticOrders inserts the scheduler's orders (CreateOrder for many), each
// made for the date of its subscription at the same place of dates (the
// automatic_for of MarkAutomaticOrder), and sets their ids. The orders are new
// rows of the transaction, so they may be updated in it. One subscription has one
// order here at most: the ids are matched back by subscription.
func (c *Conn) CreateAutomaticOrders(ctx context.Context, orders []*domain.Order, dates []domain.Date) error {
	if len(orders) == 0 {
		return nil
	}
	bySub := make(map[int64]*domain.Order, len(orders))
	rows := make([][]any, len(orders))
	for i, o := range orders {
		if bySub[o.SubscriptionID] != nil {
			return fmt.Errorf("create automatic orders: subscription %d twice", o.SubscriptionID)
		}
		bySub[o.SubscriptionID] = o
		rows[i] = append([]any{o.ResellerID, o.AccountID, o.SubscriptionID, string(o.Kind)},
			orderState(o, micros(o.CreatedAt), dateText(dates[i]))...)
	}
	err := c.insertMany(ctx, "orders", orderInsertColumns+", automatic_for", rows, "id, subscription_id",
		func(sc scanner) error {
			var id, sub int64
			if err := sc.Scan(&id, &sub); err != nil {
				return err
			}
			bySub[sub].ID = id
			c.lockedForUpdate("orders", id) // the transaction's own new row
			return nil
		}, false)
	if err != nil {
		return fmt.Errorf("create automatic orders: %w", err)
	}
	var lines [][]any
	perReseller := map[int64]int{}
	for _, o := range orders {
		lines = append(lines, orderLineRows(o)...)
		perReseller[o.ResellerID]++
	}
	if err := c.insertMany(ctx, "order_lines", orderLineColumnList, lines, "", nil, true); err != nil {
		return err
	}
	for id, n := range perReseller {
		if err := c.touchSubscriptions(ctx, id); err != nil { // a page shows the order in flight
			return err
		}
		if err := c.count(ctx, tallyOrders, id, n); err != nil {
			return err
		}
	}
	return nil
}

// NewPaymentIDs takes n ids for payments the transaction will insert, so that their
// orders may name them as they are written, rather than be updated after.
// PostgreSQL hands them out from the column's sequence; on SQLite the transaction
// holds the database's one write lock, so the ids after the highest are free until
// it ends (the ids SQLite itself would give).
func (c *Conn) NewPaymentIDs(ctx context.Context, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	if c.tx == nil {
		return nil, errLockOutsideTx
	}
	out := make([]int64, 0, n)
	if c.db.engine == SQLite {
		var last int64
		if err := c.row(ctx, `SELECT COALESCE(MAX(id), 0) FROM payments`, nil, &last); err != nil {
			return nil, fmt.Errorf("new payment ids: %w", err)
		}
		for i := range n {
			out = append(out, last+1+int64(i))
		}
		return out, nil
	}
	err := eachRow(ctx, c, `SELECT nextval(pg_get_serial_sequence('payments', 'id')) FROM generate_series(1, $1)`,
		[]any{n}, func(sc scanner) error {
			var id int64
			err := sc.Scan(&id)
			out = append(out, id)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("new payment ids: %w", err)
	}
	return out, nil
}

// CreateOrderPayments inserts payments whose ids NewPaymentIDs gave, each of the
// order of its OrderID, which names it already (CreatePayment for many).
func (c *Conn) CreateOrderPayments(ctx context.Context, payments []*domain.Payment) error {
	rows := make([][]any, len(payments))
	perReseller := map[int64]int{}
	for i, p := range payments {
		if p.ID == 0 {
			return fmt.Errorf("create payments: payment of order %d without an id", p.OrderID)
		}
		rows[i] = paymentRowWithID(p)
		perReseller[p.ResellerID]++
	}
	// At once, not at the commit: on SQLite the next ids are read from the table,
	// and a transaction that commits in the same group runs before this one's
	// queued writes would.
	if err := c.insertMany(ctx, "payments", "id, "+paymentInsertColumns, rows, "", nil, false); err != nil {
		return err
	}
	for id, n := range perReseller {
		if err := c.count(ctx, tallyPayments, id, n); err != nil {
			return err
		}
	}
	return nil
}

// paymentRowWithID is the values of p's INSERT with its id first: the columns "id, "
// and paymentInsertColumns.
func paymentRowWithID(p *domain.Payment) []any {
	return append([]any{p.ID, p.ResellerID, p.AccountID, string(p.Purpose), nullable(p.OrderID),
		nullable(p.InvoiceID)}, paymentState(p, micros(p.CreatedAt))...)
}

// MarkAutomaticOrders records that the scheduler made its order of kind for the
// subscriptions, each for the date at the same place of dates (MarkAutomaticOrder
// for many, the orders carrying their dates already): their due days of kind are
// cleared until the dates move on. The transaction holds every one for update.
func (c *Conn) MarkAutomaticOrders(ctx context.Context, kind domain.OrderKind, subs []int64, dates []domain.Date) error {
	byDate := map[domain.Date][]int64{}
	for i, id := range subs {
		if err := c.needLock("subscriptions", id); err != nil {
			return err
		}
		byDate[dates[i]] = append(byDate[dates[i]], id)
	}
	query := `UPDATE subscriptions SET renewal_made_for = $1, renewal_due_on = '' WHERE `
	if kind == domain.ProlongOrder {
		query = `UPDATE subscriptions SET prolong_made_for = $1, prolong_due_on = '' WHERE `
	}
	for date, ids := range byDate {
		in, arg := oneOf(c.db.engine, "id", 2, ids)
		if _, err := c.exec(ctx, query+in, dateText(date), arg); err != nil {
			return fmt.Errorf("mark automatic %s of subscriptions: %w", kind, err)
		}
	}
	return nil
}
