package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The row modes, for bench/run.sh renewals: rawinsert runs once instead of serving.
//
// -count prints how many rows the tables a renewal pass writes hold, as
// "orders=N order_lines=N payments=N jobs=N", then the renewal orders and the
// subscriptions they renew, and the subscriptions in all
// ("renewal_orders=N renewed=N subscriptions=N"); the script takes the
// differences around the pass and checks every subscription was renewed once.
// The billing benchmark reads the counts of billingCounts from the same line.
//
// -rows orders=N,order_lines=N,payments=N,jobs=N writes that many rows into each
// of Cascade's own tables (same columns, indexes and foreign keys), each row in a
// transaction of its own (BEGIN, one INSERT, COMMIT), one after another on one
// connection as the pass runs, and prints "rows=N seconds=S rows_per_s=R cpu_s=C
// server_cpu_s=P": the least the rows a pass wrote cost on this engine, written the
// plainest way, with the CPU time this process and (on PostgreSQL running on this
// machine) its server process spent on them, which a busy machine disturbs less
// than the seconds.
var (
	countRows = flag.Bool("count", false, "print the rows of the tables a renewal pass writes, and exit")
	writeRows = flag.String("rows", "", "table=N,... : write N rows into each table, a transaction per row, and exit")
)

// countedTables are the tables a renewal pass inserts rows into.
var countedTables = []string{"orders", "order_lines", "payments", "jobs"}

// renewalCounts are the counts that check a renewal pass.
var renewalCounts = []struct{ name, query string }{
	{"renewal_orders", "SELECT COUNT(*) FROM orders WHERE kind = 'RenewalOrder'"},
	{"renewed", "SELECT COUNT(DISTINCT subscription_id) FROM orders WHERE kind = 'RenewalOrder'"},
	{"subscriptions", "SELECT COUNT(*) FROM subscriptions"},
}

// billingCounts are the counts that check a billing pass (bench/billing.sh): the
// invoices, the prepaid ones among them (which have no payment), the payments of
// invoices, the charges, those closed and those in an invoice.
var billingCounts = []struct{ name, query string }{
	{"invoices", "SELECT COUNT(*) FROM invoices"},
	{"prepaid_invoices", "SELECT COUNT(*) FROM invoices WHERE payment_model = 'prepay'"},
	{"invoice_payments", "SELECT COUNT(*) FROM payments WHERE purpose = 'invoice'"},
	{"charges", "SELECT COUNT(*) FROM charges"},
	{"charges_closed", "SELECT COUNT(*) FROM charges WHERE status = 'closed'"},
	{"charges_invoiced", "SELECT COUNT(*) FROM charges WHERE invoice_id IS NOT NULL"},
}

// rowInsert writes one row of a table: args gives its values from a number unique
// to the row (small: it is also a line's position), the row's moment, an order of
// the database and its subscription.
type rowInsert struct {
	query string
	args  func(seq, now, order, sub int64) []any
}

var rowInserts = map[string]rowInsert{
	"orders": {`INSERT INTO orders (reseller_id, account_id, subscription_id, kind, status, document_id,
		payment_model, total, currency, expiration_date, plan_id, plan_period_id, created_at, updated_at)
		SELECT 1, s.account_id, s.id, 'RenewalOrder', 'completed', $1, 'prepay', 10990000, 'USD',
		'2030-01-01', s.plan_id, s.plan_period_id, $2, $2 FROM subscriptions s WHERE s.id = $3`,
		func(seq, now, _, sub int64) []any { return []any{fmt.Sprintf("RR%d", seq), now, sub} }},
	"order_lines": {`INSERT INTO order_lines (order_id, position, kind, plan_resource_id, quantity)
		VALUES ($1, $2, 'request', 0, 5)`,
		func(seq, _, order, _ int64) []any { return []any{order, seq} }},
	"payments": {`INSERT INTO payments (reseller_id, account_id, purpose, order_id, document_id, total,
		initial_total, currency, status, expiration_date, created_at, updated_at)
		SELECT 1, o.account_id, 'order', o.id, $1, 10990000, 10990000, 'USD', 'waiting_for_payment',
		'2030-01-01', $2, $2 FROM orders o WHERE o.id = $3`,
		func(seq, now, order, _ int64) []any { return []any{fmt.Sprintf("RP%d", seq), now, order} }},
	"jobs": {`INSERT INTO jobs (id, kind, reseller_id, payload, status, attempts, max_attempts, run_at,
		created_at, updated_at) VALUES ($1, 'provision', 1, '{"op":"renew"}', 'pending', 0, 5, $2, $2, $2)`,
		func(seq, now, _, _ int64) []any { return []any{fmt.Sprintf("RJ%d", seq), now} }},
}

// rowsMode runs -count or -rows when one is given, and reports whether it did.
func rowsMode(db *sql.DB, sqlite bool) (bool, error) {
	switch {
	case *countRows:
		var out []string
		count := func(name, query string) error {
			var n int64
			if err := db.QueryRow(query).Scan(&n); err != nil {
				return fmt.Errorf("count %s: %w", name, err)
			}
			out = append(out, fmt.Sprintf("%s=%d", name, n))
			return nil
		}
		for _, t := range countedTables {
			if err := count(t, "SELECT COUNT(*) FROM "+t); err != nil {
				return true, err
			}
		}
		for _, c := range append(renewalCounts, billingCounts...) {
			if err := count(c.name, c.query); err != nil {
				return true, err
			}
		}
		fmt.Println(strings.Join(out, " "))
		return true, nil
	case *writeRows != "":
		return true, insertRows(db, sqlite, *writeRows)
	case *writeCharges > 0:
		return true, bulkCharges(db, sqlite, *writeCharges)
	}
	return false, nil
}

// insertRows writes the rows spec asks for, a transaction per row, and prints the
// time they took.
func insertRows(db *sql.DB, sqlite bool, spec string) error {
	ctx := context.Background()
	conn, err := db.Conn(ctx) // one connection: one server process to measure
	if err != nil {
		return err
	}
	defer conn.Close()
	backend := 0
	if !sqlite {
		if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
			return err
		}
	}
	var order, sub int64
	if err := conn.QueryRowContext(ctx, `SELECT id, subscription_id FROM orders ORDER BY id LIMIT 1`).Scan(&order, &sub); err != nil {
		return fmt.Errorf("an order of the database: %w", err)
	}
	type part struct {
		stmt *sql.Stmt
		args func(seq, now, order, sub int64) []any
		n    int
	}
	var parts []part
	total := 0
	for _, kv := range strings.Split(spec, ",") {
		table, count, ok := strings.Cut(kv, "=")
		n, err := strconv.Atoi(count)
		ins, known := rowInserts[table]
		if !ok || err != nil || !known {
			return fmt.Errorf("-rows: %q is not table=N of %v", kv, countedTables)
		}
		query := ins.query
		if sqlite {
			query = strings.ReplaceAll(query, "$", "?")
		}
		stmt, err := conn.PrepareContext(ctx, query)
		if err != nil {
			return fmt.Errorf("prepare %s: %w", table, err)
		}
		parts = append(parts, part{stmt, ins.args, n})
		total += n
	}
	// Numbers above any the order's lines and the documents have keep the keys apart.
	var seq int64
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + COUNT(*) FROM order_lines`).Scan(&seq); err != nil {
		return err
	}
	start, cpu, server := time.Now(), processCPU(0), processCPU(backend)
	for _, p := range parts {
		for range p.n {
			seq++
			if err := insertRow(ctx, conn, p.stmt, p.args(seq, time.Now().UnixMicro(), order, sub)); err != nil {
				return err
			}
		}
	}
	secs := time.Since(start).Seconds()
	serverCPU := ""
	if backend != 0 && server >= 0 {
		serverCPU = fmt.Sprintf("%.3f", processCPU(backend)-server)
	}
	fmt.Fprintf(os.Stdout, "rows=%d seconds=%.3f rows_per_s=%.1f cpu_s=%.3f server_cpu_s=%s\n", total, secs,
		float64(total)/secs, processCPU(0)-cpu, serverCPU)
	return nil
}

// processCPU returns the user and system CPU seconds process pid (0: this one) has
// used, from /proc, or -1 when it cannot be read (another machine's process).
func processCPU(pid int) float64 {
	path := "/proc/self/stat"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/stat", pid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	// The fields after the command's closing parenthesis; utime and stime are the
	// 14th and 15th of the line, in clock ticks of 1/100 s on Linux.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	user, _ := strconv.ParseFloat(f[11], 64)
	sys, _ := strconv.ParseFloat(f[12], 64)
	return (user + sys) / 100
}

// insertRow writes one row in a transaction of its own.
func insertRow(ctx context.Context, conn *sql.Conn, stmt *sql.Stmt, args []any) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("insert wrote %d rows (%v)", n, err)
	}
	return tx.Commit()
}
