package main

import (
	"context"
	"fmt"
	"log"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The floor mode (-floor, PostgreSQL only, for bench/run.sh orders): every request
// writes the rows a sales order must keep, and nothing else, into Cascade's own
// tables (same columns, indexes and foreign keys), in one transaction sent as one
// round trip. The requests alternate, as the orders case's do, between a prepaid
// sale (its subscription, the subscription's resources, the next numbers of the
// reseller's order and payment series, the order with its lines, its payment and
// its charges) and a postpaid one (the same with a provisioning job instead of the
// payment); a postpaid sale's job is then completed by one of floorWorkers
// goroutines, as Cascade's job workers would (the job done, the subscription
// naming it, the wait for the manager's answer written), in a transaction of its
// own, or stays pending when none is free, as Cascade's does. Each row is a copy of the row of that kind Cascade wrote for the first sale
// of its kind on the database (so the database must hold one prepaid and one
// postpaid sale made by Cascade), with new ids and numbers. What a sale reads to
// check and price itself, and the list counters and cache generations, are left
// out: the floor is what an order's durable state costs at the least on this
// machine, including the wait of every order of a reseller for its document series,
// which numbers them without gaps.

// floorWorkers is the number of goroutines completing postpaid sales' jobs, the
// job runner's default.
const floorWorkers = 4

// orderFloor writes the floor's sales.
type orderFloor struct {
	pool *pgxpool.Pool
	// sales are the statements of a prepaid (0) and a postpaid (1) sale, each sent
	// between BEGIN and COMMIT in one batch; the first answers the new
	// subscription's id.
	sales [2][]string
	// outcome completes the job of postpaid subscription $1.
	outcome string
	jobs    chan int64 // postpaid subscriptions whose jobs a worker is to complete
}

func newOrderFloor(ctx context.Context, url string, pool int) (*orderFloor, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(pool)
	f := &orderFloor{jobs: make(chan int64, floorWorkers)}
	if f.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, err
	}
	for i, model := range []string{"prepay", "postpay"} {
		var order, sub int64
		err := f.pool.QueryRow(ctx, `SELECT id, subscription_id FROM orders WHERE kind = 'SalesOrder'
			AND payment_model = $1 ORDER BY id LIMIT 1`, model).Scan(&order, &sub)
		if err != nil {
			return nil, fmt.Errorf("a %s sales order made by Cascade, to copy: %w", model, err)
		}
		if f.sales[i], err = f.saleSQL(ctx, sub, order, model == "prepay"); err != nil {
			return nil, err
		}
	}
	f.outcome = `WITH k AS (SELECT CAST($1 AS BIGINT) AS sub, 'floor-' || CAST($1 AS TEXT) AS job),
		j AS (UPDATE jobs SET status = 'completed', result = '', attempts = 1, updated_at = 1, finished_at = 1
			FROM k WHERE id = k.job),
		s AS (UPDATE subscriptions SET provisioning_job_id = k.job, updated_at = 2 FROM k WHERE id = k.sub)
		INSERT INTO provisioning_waits (subscription_id, job_id, op, order_id, created_at)
		SELECT k.sub, k.job, 'create', o.id, 1 FROM k, orders o WHERE o.subscription_id = k.sub`
	for range floorWorkers {
		go f.complete(ctx)
	}
	return f, nil
}

// columns returns the columns of table, in order, without those in skip.
func (f *orderFloor) columns(ctx context.Context, table string, skip ...string) ([]string, error) {
	rows, err := f.pool.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(cols) == 0 {
		return nil, fmt.Errorf("columns of %s: %d, %v", table, len(cols), err)
	}
	return slices.DeleteFunc(cols, func(c string) bool { return slices.Contains(skip, c) }), nil
}

// copyRows is an INSERT into table of the rows FROM from WHERE where selects, as
// alias t, each column copied but those set, and those skipped left to their
// defaults.
func (f *orderFloor) copyRows(ctx context.Context, table, from, where string, set map[string]string,
	skip ...string) (string, error) {
	cols, err := f.columns(ctx, table, skip...)
	if err != nil {
		return "", err
	}
	values := make([]string, len(cols))
	for i, c := range cols {
		values[i] = "t." + c
		if v, ok := set[c]; ok {
			values[i] = v
		}
	}
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(values, ", ") +
		" FROM " + from + " WHERE " + where, nil
}

// saleSQL returns the statements of a sale copying subscription sub and its sales
// order: the subscription with its resources and, when postpaid, its job, the ids
// of the order and the payment taken; then the numbers, the order, its lines and
// the payment, in one statement, so the series' rows are held only from there to
// the commit; then the charges, whose foreign key needs the order.
func (f *orderFloor) saleSQL(ctx context.Context, sub, order int64, prepaid bool) ([]string, error) {
	const (
		newSub     = "currval('subscriptions_id_seq')"
		newOrder   = "currval('orders_id_seq')"
		newPayment = "currval('payments_id_seq')"
	)
	status, payment, series := "'installing'", "NULL", "(1, 'SO', 1)"
	if prepaid {
		status, payment, series = "'ordered'", newPayment, "(1, 'SO', 1), (1, '', 1)"
	}
	subscription, err := f.copyRows(ctx, "subscriptions", "subscriptions t", fmt.Sprintf("t.id = %d", sub),
		map[string]string{"status": status, "provisioning_job_id": "''"}, "id")
	if err != nil {
		return nil, err
	}
	resources, err := f.copyRows(ctx, "subscription_resources", "s, subscription_resources t",
		fmt.Sprintf("t.subscription_id = %d", sub), map[string]string{"subscription_id": "s.id"}, "id")
	if err != nil {
		return nil, err
	}
	first := "WITH s AS (" + subscription + " RETURNING id), r AS (" + resources + "), ids AS (SELECT nextval('orders_id_seq')"
	if prepaid {
		first += ", nextval('payments_id_seq')"
	} else {
		first += "), j AS (INSERT INTO jobs (id, kind, reseller_id, payload, status, attempts, max_attempts, run_at, " +
			`created_at, updated_at) SELECT 'floor-' || s.id, 'provision', 1, '{"subscription_id":' || s.id || ` +
			`',"op":"create"}', 'pending', 0, 5, 0, 0, 0 FROM s`
	}
	first += ") SELECT s.id FROM s, ids"

	ord, err := f.copyRows(ctx, "orders", "n, orders t", fmt.Sprintf("t.id = %d AND n.prefix = 'SO'", order),
		map[string]string{"id": newOrder, "subscription_id": newSub, "document_id": "'SO' || lpad(CAST(n.last AS TEXT), 6, '0')",
			"payment_id": payment})
	if err != nil {
		return nil, err
	}
	lines, err := f.copyRows(ctx, "order_lines", "order_lines t", fmt.Sprintf("t.order_id = %d", order),
		map[string]string{"order_id": newOrder})
	if err != nil {
		return nil, err
	}
	numbered := "WITH n AS (INSERT INTO document_counters (reseller_id, prefix, last) VALUES " + series +
		" ON CONFLICT (reseller_id, prefix) DO UPDATE SET last = document_counters.last + 1 RETURNING prefix, last)" +
		", o AS (" + ord + "), l AS (" + lines + ")"
	if prepaid {
		pay, err := f.copyRows(ctx, "payments", "n, payments t", fmt.Sprintf("t.order_id = %d AND n.prefix = ''", order),
			map[string]string{"id": newPayment, "order_id": newOrder, "document_id": "lpad(CAST(n.last AS TEXT), 6, '0')"})
		if err != nil {
			return nil, err
		}
		numbered += ", p AS (" + pay + ")"
	}
	numbered += " SELECT 1"

	charges, err := f.copyRows(ctx, "charges", "charges t", fmt.Sprintf("t.order_id = %d", order),
		map[string]string{"subscription_id": newSub, "order_id": newOrder,
			"billing_key": "'order:' || " + newOrder + " || ':' || t.id"}, "id")
	if err != nil {
		return nil, err
	}
	return []string{first, numbered, charges}, nil
}

// write writes sale n, prepaid or postpaid in turn, in one round trip.
func (f *orderFloor) write(ctx context.Context, n int64) error {
	stmts := f.sales[n%2]
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	for _, q := range stmts {
		b.Queue(q)
	}
	b.Queue("COMMIT")
	br := f.pool.SendBatch(ctx, b)
	var sub int64
	_, err := br.Exec()
	if err == nil {
		err = br.QueryRow().Scan(&sub)
	}
	for range len(stmts) { // the rest, and COMMIT
		if err != nil {
			break
		}
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("floor sale: %w", err)
	}
	if n%2 == 1 {
		// A job no worker is free for stays pending, written, as Cascade's does when
		// its workers are busy: the sale does not wait for it.
		select {
		case f.jobs <- sub:
		default:
		}
	}
	return nil
}

// complete completes the jobs of postpaid sales until ctx ends.
func (f *orderFloor) complete(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case sub := <-f.jobs:
			if _, err := f.pool.Exec(ctx, f.outcome, sub); err != nil {
				log.Printf("rawinsert: the job of floor subscription %d: %v", sub, err)
			}
		}
	}
}
