package store

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// DueQueries lists the lifecycle passes' queries, for the plan tests.
var DueQueries = []DueQuery{DueUnpaidOrders, DueDelayedOrders, DueExpiredSubscriptions, DuePaidMonths, DueGraceEnds,
	DueDeletions, DueRenewals, DueProlongs, DueInvoicePayments}

// Name is the query's name in logs.
func (q DueQuery) Name() string { return q.name }

// ExplainDue returns the engine's plans of q's two queries: a page of DueRows after
// a key, and NextDueDate.
func (db *DB) ExplainDue(ctx context.Context, q DueQuery) (rows, next []string, err error) {
	day := domain.Date{Year: 2031, Month: 3, Day: 10}
	query, args := q.rowsQuery(day, DueKey{Date: day.AddDays(-3), ID: 7}, 500)
	if rows, err = db.explain(ctx, query, args...); err != nil {
		return nil, nil, err
	}
	query, args = q.nextQuery(day)
	next, err = db.explain(ctx, query, args...)
	return rows, next, err
}

// ExplainInFlightOrder returns the engine's plan of FindInFlightOrder's query.
func (db *DB) ExplainInFlightOrder(ctx context.Context) ([]string, error) {
	return db.explain(ctx, findInFlightOrderSQL, int64(7))
}
