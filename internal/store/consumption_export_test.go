package store

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// billedFrom and billedTo are a billing day's window of consumption reads.
var billedFrom, billedTo = time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 3, 2, 0, 0, 0, 0, time.UTC)

// ExplainConsumersToBill returns the engine's plan of a page of ConsumersToBill.
func (db *DB) ExplainConsumersToBill(ctx context.Context) ([]string, error) {
	query, args := consumersToBillSQL(billedFrom, billedTo, 7, 1000)
	return db.explain(ctx, query, args...)
}

// ExplainConsumptionEnded returns the engine's plan of ConsumptionEnded for a batch.
func (db *DB) ExplainConsumptionEnded(ctx context.Context) ([]string, error) {
	query, args := consumptionEndedSQL(db.engine, []int64{3, 5, 8}, billedFrom, billedTo)
	return db.explain(ctx, query, args...)
}

// ExplainConsumptionBillingDays returns the engine's plan of ConsumptionBillingDays.
func (db *DB) ExplainConsumptionBillingDays(ctx context.Context) ([]string, error) {
	return db.explain(ctx, consumptionBillingDaysSQL)
}

// ExplainInvoicedPeriods returns the engine's plan of InvoicedPeriods for a batch.
func (db *DB) ExplainInvoicedPeriods(ctx context.Context) ([]string, error) {
	query, args := invoicedPeriodsSQL(db.engine, []int64{3, 5, 8}, []domain.Date{{Year: 2031, Month: 2, Day: 1}})
	return db.explain(ctx, query, args...)
}

// ExplainSubzeroAccounts returns the engine's plan of a page of SubzeroAccounts.
func (db *DB) ExplainSubzeroAccounts(ctx context.Context) ([]string, error) {
	return db.explain(ctx, subzeroAccountsSQL, "postpay", int64(1e15), int64(0), int64(0), 500)
}
