package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// The order mode (-orders, for bench/run.sh orders): every request writes the four
// rows a sales order is about, a subscription, its order, the order's payment and a
// provisioning job, into Cascade's own tables, each row in a transaction of its own
// (BEGIN, one INSERT, COMMIT), so a request is orderRows plain single-row write
// transactions. The rows are valid (their references exist) but carry only the
// columns without defaults.
const orderRows = 4

var orderInserts = [orderRows]string{
	`INSERT INTO subscriptions (reseller_id, account_id, plan_id, plan_period_id, name, status, payment_model,
		currency, recurring_fee, created_at, updated_at)
		VALUES (1, $1, $2, $3, 'Raw plan', 'ordered', 'prepay', 'USD', 10990000, $4, $4) RETURNING id`,
	`INSERT INTO orders (reseller_id, account_id, subscription_id, kind, status, document_id, payment_model,
		total, currency, expiration_date, plan_id, plan_period_id, created_at, updated_at)
		VALUES (1, $1, $2, 'SalesOrder', 'waiting_for_payment', $3, 'prepay', 10990000, 'USD', '2030-01-01',
		$4, $5, $6, $6) RETURNING id`,
	`INSERT INTO payments (reseller_id, account_id, purpose, order_id, document_id, total, initial_total,
		currency, status, expiration_date, created_at, updated_at)
		VALUES (1, $1, 'order', $2, $3, 10990000, 10990000, 'USD', 'waiting_for_payment', '2030-01-01', $4, $4)`,
	`INSERT INTO jobs (id, kind, reseller_id, payload, status, attempts, max_attempts, run_at, created_at,
		updated_at) VALUES ($1, 'provision', 1, $2, 'pending', 0, 5, $3, $3, $3)`,
}

// orderWriter writes the rows of the order mode with statements prepared once, for
// the reseller's first account and the first period of its first plan.
type orderWriter struct {
	db                    *sql.DB
	stmts                 [orderRows]*sql.Stmt
	account, plan, period int64
}

func newOrderWriter(db *sql.DB, sqlite bool) (*orderWriter, error) {
	w := &orderWriter{db: db}
	if err := db.QueryRow(`SELECT id FROM accounts WHERE reseller_id = 1 ORDER BY id LIMIT 1`).Scan(&w.account); err != nil {
		return nil, fmt.Errorf("an account of reseller 1: %w", err)
	}
	if err := db.QueryRow(`SELECT pp.plan_id, pp.id FROM plan_periods pp JOIN plans p ON p.id = pp.plan_id
		WHERE p.reseller_id = 1 ORDER BY pp.id LIMIT 1`).Scan(&w.plan, &w.period); err != nil {
		return nil, fmt.Errorf("a plan period of reseller 1: %w", err)
	}
	for i, q := range orderInserts {
		if sqlite {
			q = strings.ReplaceAll(q, "$", "?")
		}
		var err error
		if w.stmts[i], err = db.Prepare(q); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	return w, nil
}

// write writes request n's rows, one transaction each.
func (w *orderWriter) write(ctx context.Context, run, n int64) error {
	var sub, order int64
	doc := fmt.Sprintf("RW%d-%d", run, n)
	steps := [orderRows]func(*sql.Stmt, int64) error{
		func(s *sql.Stmt, now int64) error {
			return s.QueryRowContext(ctx, w.account, w.plan, w.period, now).Scan(&sub)
		},
		func(s *sql.Stmt, now int64) error {
			return s.QueryRowContext(ctx, w.account, sub, doc, w.plan, w.period, now).Scan(&order)
		},
		func(s *sql.Stmt, now int64) error {
			_, err := s.ExecContext(ctx, w.account, order, doc, now)
			return err
		},
		func(s *sql.Stmt, now int64) error {
			_, err := s.ExecContext(ctx, doc, fmt.Sprintf(`{"subscription_id":%d,"op":"create","order_id":%d}`, sub, order), now)
			return err
		},
	}
	for i, step := range steps {
		if err := w.inTx(ctx, w.stmts[i], step); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	return nil
}

// inTx runs one statement in a transaction of its own.
func (w *orderWriter) inTx(ctx context.Context, stmt *sql.Stmt, step func(*sql.Stmt, int64) error) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := step(tx.StmtContext(ctx, stmt), time.Now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}
