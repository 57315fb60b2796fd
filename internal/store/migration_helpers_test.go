package store_test

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// openBefore opens e's database with every migration before number n applied and
// none after, for a test that writes data in the older schema and then migrates.
func openBefore(t *testing.T, e storetest.Engine, n int) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), e.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.MigrateTo(context.Background(), n-1); err != nil {
		t.Fatal(err)
	}
	return db
}
