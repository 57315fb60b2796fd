package store

import (
	"context"
	"time"
)

// ExplainDueVendorReads returns the engine's plan of a page of DueVendorReads after
// a key.
func (db *DB) ExplainDueVendorReads(ctx context.Context) ([]string, error) {
	now := time.Date(2031, 3, 10, 9, 0, 0, 0, time.UTC)
	query, args := dueVendorReadsQuery(now, VendorReadKey{DueAt: micros(now.Add(-time.Hour)), ID: 7}, 500)
	return db.explain(ctx, query, args...)
}
