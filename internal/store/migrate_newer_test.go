package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestMigrateRefusesANewerSchema: a database that a later build migrated holds a
// migration this build does not have. Starting on it is refused, naming that
// migration, and writes nothing; once the record is gone (the later build's
// migrations are all this build's), the start goes on.
func TestMigrateRefusesANewerSchema(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		ms, err := store.Migrations(db.Engine())
		if err != nil {
			t.Fatal(err)
		}
		later := ms[len(ms)-1].Version + 1
		records := func() (n int64) {
			t.Helper()
			if err := db.InTx(ctx, func(c *store.Conn) error {
				return c.Row(ctx, `SELECT COUNT(*) FROM schema_migrations`, nil, &n)
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		err = db.InTx(ctx, func(c *store.Conn) error {
			var v int64
			return c.Row(ctx, `INSERT INTO schema_migrations (version, name, applied_at)
				VALUES ($1, '9999_a_later_change.sql', 0) RETURNING version`, []any{later}, &v)
		})
		if err != nil {
			t.Fatal(err)
		}
		before := records()
		applied, err := db.Migrate(ctx)
		if !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "9999_a_later_change.sql") {
			t.Fatalf("migrating a newer database: %v, want %v naming the later migration", err, store.ErrNewerSchema)
		}
		if len(applied) != 0 || records() != before {
			t.Errorf("the refused start applied %v and left %d records, want none and %d", applied, records(), before)
		}
		err = db.InTx(ctx, func(c *store.Conn) error {
			var v int64
			return c.Row(ctx, `DELETE FROM schema_migrations WHERE version = $1 RETURNING version`, []any{later}, &v)
		})
		if err != nil {
			t.Fatal(err)
		}
		if applied, err := db.Migrate(ctx); err != nil || len(applied) != 0 {
			t.Errorf("migrating the same schema again: applied %v, %v", applied, err)
		}
	})
}
