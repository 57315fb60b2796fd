package store

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// ExplainAccountsToInvoice returns the engine's plan of a page of AccountsToInvoice.
func (db *DB) ExplainAccountsToInvoice(ctx context.Context) ([]string, error) {
	query, args := accountsToInvoiceSQL(db.engine, domain.Date{Year: 2031, Month: 3, Day: 1}, 7, 200)
	return db.explain(ctx, query, args...)
}
