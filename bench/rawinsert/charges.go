package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// -charges N, for bench/run.sh billing: the baseline of a billing pass, N rows of
// Cascade's charges table written by the engine's fastest bulk path: COPY on
// PostgreSQL, prepared multi-row INSERTs in one transaction on SQLite. The rows go to
// the database's subscriptions in turn, with billing keys of their own (raw:<n>), so
// they never meet what a pass wrote. Prints "rows=N seconds=S rows_per_s=R cpu_s=C
// server_cpu_s=P" like -rows.
var writeCharges = flag.Int("charges", 0, "write N charge rows by the engine's bulk path, and exit")

// chargeColumns are the columns each baseline row fills: every NOT NULL one, as a
// billing pass fills them.
var chargeColumns = []string{"reseller_id", "account_id", "subscription_id", "billing_key", "type", "status",
	"payment_model", "description", "quantity", "unit_price", "currency", "amount", "reseller_currency",
	"currency_rate", "duration_num", "duration_den", "operate_from", "operate_to", "close_date", "created_at",
	"updated_at"}

// sqliteChargeBatch is the rows of one prepared INSERT on SQLite (21 columns each,
// within SQLite's limit of variables).
const sqliteChargeBatch = 40

// bulkCharges writes n charge rows and prints what they took.
func bulkCharges(db *sql.DB, sqlite bool, n int) error {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	subs, err := subscriptionOwners(ctx, conn)
	if err != nil {
		return err
	}
	backend := 0
	if !sqlite {
		if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
			return err
		}
	}
	now := time.Now().UnixMicro()
	row := func(i int) []any {
		s := subs[i%len(subs)]
		return []any{s.reseller, s.account, s.id, fmt.Sprintf("raw:%d:%d", now, i), "Charge::Recurring", "closed",
			"postpay", "Seats", int64(5), int64(10_000_000), "USD", int64(50_000_000), "USD", "1", int64(1), int64(1),
			"2030-01-01", "2030-01-31", "2030-02-01", now, now}
	}
	start, cpu, server := time.Now(), processCPU(0), processCPU(backend)
	if sqlite {
		err = sqliteBulk(ctx, conn, n, row)
	} else {
		err = conn.Raw(func(c any) error {
			src := pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i), nil })
			_, err := c.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"charges"}, chargeColumns, src)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("write charges: %w", err)
	}
	secs := time.Since(start).Seconds()
	serverCPU := ""
	if backend != 0 && server >= 0 {
		serverCPU = fmt.Sprintf("%.3f", processCPU(backend)-server)
	}
	fmt.Fprintf(os.Stdout, "rows=%d seconds=%.3f rows_per_s=%.1f cpu_s=%.3f server_cpu_s=%s\n", n, secs,
		float64(n)/secs, processCPU(0)-cpu, serverCPU)
	return nil
}

// sqliteBulk writes n rows in one transaction by a prepared INSERT of
// sqliteChargeBatch rows, and one of the remainder.
func sqliteBulk(ctx context.Context, conn *sql.Conn, n int, row func(int) []any) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	prepare := func(rows int) (*sql.Stmt, error) {
		one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(chargeColumns)), ",") + ")"
		values := strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
		return tx.PrepareContext(ctx, "INSERT INTO charges ("+strings.Join(chargeColumns, ", ")+") VALUES "+values)
	}
	full, err := prepare(sqliteChargeBatch)
	if err != nil {
		return err
	}
	args := make([]any, 0, sqliteChargeBatch*len(chargeColumns))
	for i := 0; i < n; i += sqliteChargeBatch {
		stmt, rows := full, min(sqliteChargeBatch, n-i)
		if rows < sqliteChargeBatch {
			if stmt, err = prepare(rows); err != nil {
				return err
			}
		}
		args = args[:0]
		for j := range rows {
			args = append(args, row(i+j)...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// subscriptionOwner is a subscription with its reseller and account.
type subscriptionOwner struct{ id, reseller, account int64 }

// subscriptionOwners reads the database's subscriptions (the baseline's rows point
// at real ones, as the pass's do: the foreign keys are checked).
func subscriptionOwners(ctx context.Context, conn *sql.Conn) ([]subscriptionOwner, error) {
	rows, err := conn.QueryContext(ctx, `SELECT id, reseller_id, account_id FROM subscriptions ORDER BY id LIMIT 100000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []subscriptionOwner
	for rows.Next() {
		var s subscriptionOwner
		if err := rows.Scan(&s.id, &s.reseller, &s.account); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the database has no subscription to charge")
	}
	return out, nil
}
