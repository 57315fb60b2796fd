package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The batched floor's reads (-floor-batch-reads): what any delivery that builds
// the vendor's payload and writes its outcome under row locks must read, added to
// the batched floor at its cheapest. After each claim, one statement reads the
// claimed events' subscriptions with their accounts, the accounts' types and
// owners (the payload's subscription, tenant and user), and one their resources;
// each write transaction first locks and reads its events' orders and
// subscriptions in one statement. The plan, the product, the reseller and the
// distributor are left out, as Cascade keeps them in memory; so are the list
// counters, the cache generations, the ledger and the vendor's users, which are
// Cascade's own choices. With these, the batched floor is a lower bound on the
// cost of a batched delivery that meets the specification.
var floorBatchReads bool

// floorReadSQL are those statements, each taking one id ($1); on PostgreSQL the
// batched floor asks them of an array of ids at once (arrayOf).
var floorReadSQL = struct{ subjects, resources, locked string }{
	subjects: `SELECT s.*, a.*, COALESCE(t.key, ''), COALESCE(u.first_name, ''), COALESCE(u.last_name, '')
		FROM subscriptions s JOIN accounts a ON a.id = s.account_id
		LEFT JOIN account_types t ON t.id = a.account_type_id LEFT JOIN users u ON u.id = a.owner_id
		WHERE s.id = $1`,
	resources: `SELECT r.* FROM subscription_resources r WHERE r.subscription_id = $1`,
	locked: `SELECT o.*, s.* FROM orders o JOIN subscriptions s ON s.id = o.subscription_id
		WHERE o.id = $1 FOR UPDATE`,
}

// arrayOf is q, which takes one id as $1, taking an array of them instead.
func arrayOf(q string) string {
	return strings.Replace(q, "= $1", "= ANY(CAST($1 AS BIGINT[]))", 1)
}

// readSubjects reads the payloads' rows of the claimed events before their calls.
func (f *floor) readSubjects(ctx context.Context, claims []claimedEvent) error {
	subs := make([]int64, len(claims))
	for i, e := range claims {
		subs[i] = e.subscription
	}
	found, err := f.readRows(ctx, f.db, floorReadSQL.subjects, subs)
	if err != nil {
		return fmt.Errorf("floor subjects: %w", err)
	}
	if found != len(claims) {
		return fmt.Errorf("floor: %d of %d subscriptions read", found, len(claims))
	}
	if _, err := f.readRows(ctx, f.db, floorReadSQL.resources, subs); err != nil {
		return fmt.Errorf("floor resources: %w", err)
	}
	return nil
}

// lockBatch locks and reads the orders and subscriptions batch writes, in tx.
func (f *floor) lockBatch(ctx context.Context, tx *sql.Tx, batch []answeredEvent) error {
	orders := make([]int64, len(batch))
	for i, e := range batch {
		orders[i] = e.order
	}
	found, err := f.readRows(ctx, tx, floorReadSQL.locked, orders)
	if err != nil {
		return fmt.Errorf("floor locks: %w", err)
	}
	if found != len(batch) {
		return fmt.Errorf("floor: %d of %d orders locked", found, len(batch))
	}
	return nil
}

// querier is what readRows reads with: the pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readRows runs q for ids, once for all of them on PostgreSQL and once an id on
// SQLite, reads every column of every row, and returns how many rows there were.
func (f *floor) readRows(ctx context.Context, db querier, q string, ids []int64) (int, error) {
	if f.sqlite {
		q = f.text(q)
		n := 0
		for _, id := range ids {
			got, err := scanAll(db.QueryContext(ctx, q, id))
			if err != nil {
				return n, err
			}
			n += got
		}
		return n, nil
	}
	return scanAll(db.QueryContext(ctx, arrayOf(q), ids))
}

// scanAll reads every column of every row of rows and closes them.
func scanAll(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	cells, to := make([]sql.RawBytes, len(cols)), make([]any, len(cols))
	for i := range cells {
		to[i] = &cells[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(to...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
