package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestMigrateAfterRenumbering: a release shipped the scope additions as migration
// 14, and the next renumbered them 13 and put the test clock at 14. A database of
// that release must migrate on: the scope additions are not applied again (their
// columns exist) and the test clock's migration, new to it, is applied.
func TestMigrateAfterRenumbering(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.MigrateTo(ctx, 12); err != nil {
			t.Fatal(err)
		}
		ms, err := store.Migrations(db.Engine())
		if err != nil {
			t.Fatal(err)
		}
		scopes := ms[slices.IndexFunc(ms, func(m store.Migration) bool { return m.Version == 13 })]
		if !strings.HasSuffix(scopes.Name, "_scope_additions.sql") {
			t.Fatalf("migration 13 is %s", scopes.Name)
		}
		err = db.InTx(ctx, func(c *store.Conn) error {
			if err := c.Script(ctx, scopes.SQL); err != nil {
				return err
			}
			var v int64
			return c.Row(ctx, `INSERT INTO schema_migrations (version, name, applied_at)
				VALUES (14, '0014_scope_additions.sql', 0) RETURNING version`, nil, &v)
		})
		if err != nil {
			t.Fatal(err)
		}
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("migrating the renumbered release: %v", err)
		}
		if len(applied) == 0 || applied[0] != 14 || slices.Contains(applied, 13) {
			t.Errorf("applied %v, want 14 and later, not 13", applied)
		}
		if again, err := db.Migrate(ctx); err != nil || len(again) != 0 {
			t.Errorf("a second run applied %v, %v", again, err)
		}
	})
}
