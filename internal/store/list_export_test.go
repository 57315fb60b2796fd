package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

// ExplainListPage returns the engine's plan of the query that reads the keys of one
// page of a reseller's own list (accounts, managers, manager_roles or plans), one
// line per step, for tests that check which index a page walks. On PostgreSQL
// sequential scans, bitmap scans and sorts are discouraged, as a table large enough
// would make them: on a table of a few rows a sort of all of them is the cheaper
// plan. A sort still shows when no index delivers the order.
func (db *DB) ExplainListPage(ctx context.Context, list string, resellerID int64, q domain.ListQuery) ([]string, error) {
	var (
		l listing
		b *sqlBuilder
	)
	switch list {
	case "accounts":
		l, b, q = accountListing(db.engine, AccountFilter{ResellerID: resellerID, Query: q})
	case "managers":
		l, b = managerListing(db.engine, ManagerFilter{ResellerID: resellerID})
	case "manager_roles":
		l, b = managerRoleListing(db.engine, resellerID)
	case "plans":
		l, b = planListing(db.engine, PlanFilter{ResellerID: resellerID})
	case "payment_methods":
		l, b = paymentMethodListing(db.engine, resellerID)
	case "orders":
		l, b = orderListing(db.engine, Subtree{}, resellerID)
	case "subscriptions":
		l, b = subscriptionListing(db.engine, Subtree{}, resellerID, "")
	case "payments":
		l, b = paymentListing(db.engine, Subtree{}, resellerID)
	case "subtree_orders", "subtree_subscriptions", "subtree_payments":
		// The reseller and every reseller below it, walked as a subtree whether or
		// not it has any.
		var path string
		if err := db.Reader().row(ctx, "SELECT path FROM resellers WHERE id = $1", []any{resellerID}, &path); err != nil {
			return nil, err
		}
		t := Subtree{ResellerID: resellerID, Path: path}
		switch list {
		case "subtree_orders":
			l, b = orderListing(db.engine, t, 0)
		case "subtree_subscriptions":
			l, b = subscriptionListing(db.engine, t, 0, "")
		default:
			l, b = paymentListing(db.engine, t, 0)
		}
	default:
		return nil, fmt.Errorf("no list %q", list)
	}
	kq, err := l.keysQuery(b, q)
	if err != nil {
		return nil, err
	}
	return db.explain(ctx, kq.sql, kq.args...)
}

// explain returns the engine's plan of query, one step a line. On PostgreSQL the
// planner is told to avoid scans of tables and sorts where it can, so a plan that
// still shows one has no index that serves the query.
func (db *DB) explain(ctx context.Context, query string, args ...any) ([]string, error) {
	var plan []string
	err := db.InTx(ctx, func(c *Conn) error {
		explain := "EXPLAIN QUERY PLAN "
		if db.engine == Postgres {
			for _, knob := range []string{"enable_seqscan", "enable_bitmapscan", "enable_sort"} {
				if _, err := c.exec(ctx, "SET LOCAL "+knob+" = off"); err != nil {
					return err
				}
			}
			explain = "EXPLAIN "
		}
		rows, err := c.query(ctx, explain+query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols := 4 // SQLite: id, parent, notused, detail
		if db.engine == Postgres {
			cols = 1 // the plan's line
		}
		for rows.Next() {
			dest := make([]any, cols)
			for i := range dest {
				dest[i] = new(any)
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			line := fmt.Sprint(*dest[len(dest)-1].(*any)) // the detail is the last column
			plan = append(plan, strings.TrimSpace(line))
		}
		return rows.Err()
	})
	return plan, err
}

// ExplainAccountsAdded returns PostgreSQL's generic plan of the rows a refresh's
// count of the accounts added to a page of f's list reads (AccountsAddedToPage):
// the plan a connection keeps after its first calls, whatever their values.
func (db *DB) ExplainAccountsAdded(ctx context.Context, f AccountFilter, ids []int64) ([]string, error) {
	l, b, q := accountListing(db.engine, f)
	if err := b.apply(l.cols, q.Conditions); err != nil {
		return nil, err
	}
	query := "SELECT COUNT(*) " + addedRows(db.engine, b, l, "accounts a", ids) + b.whereSQL()
	literals := make([]string, len(b.args))
	for i, a := range b.args {
		switch v := a.(type) {
		case []int64:
			literals[i] = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(v)), ","), "[]")
			literals[i] = "ARRAY[" + literals[i] + "]::BIGINT[]"
		case string:
			literals[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			literals[i] = fmt.Sprint(v)
		}
	}
	var plan []string
	err := db.InTx(ctx, func(c *Conn) error {
		for _, stmt := range []string{"ANALYZE accounts", "SET LOCAL plan_cache_mode = force_generic_plan",
			"PREPARE accounts_added AS " + query} {
			if _, err := c.exec(ctx, stmt); err != nil {
				return err
			}
		}
		err := eachRow(ctx, c, "EXPLAIN EXECUTE accounts_added("+strings.Join(literals, ", ")+")", nil,
			func(s scanner) error {
				var line string
				err := s.Scan(&line)
				plan = append(plan, strings.TrimSpace(line))
				return err
			})
		if _, derr := c.exec(ctx, "DEALLOCATE accounts_added"); err == nil {
			err = derr
		}
		return err
	})
	return plan, err
}
