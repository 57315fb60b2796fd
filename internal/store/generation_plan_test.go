package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestPostgresGenerationCheckKeepsItsPlan checks that PostgreSQL plans the batched
// generation check once per connection, not on every call. The check runs for nearly
// every cached read; planned each time it cost more than running it. With scopes
// spread over 16 shards in a table grown by the versions of their moves, as on a
// server under creates, a plan for the call's own list looked cheaper than the generic
// plan, so PostgreSQL kept planning afresh; the check now hides the list from the
// planner, which then keeps the generic plan after its first five calls.
func TestPostgresGenerationCheckKeepsItsPlan(t *testing.T) {
	db := onePostgresConnection(t)
	if db == nil {
		return
	}
	ctx := context.Background()
	exec := func(query string) {
		t.Helper()
		var none int
		err := db.InTx(ctx, func(c *store.Conn) error { return c.Row(ctx, query, nil, &none) })
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatalf("%s: %v", query, err)
		}
	}
	exec(`INSERT INTO cache_scopes (scope, shard, generation)
		SELECT s, n, 100 + n FROM unnest(ARRAY['catalog', 'reference', 'accounts:1', 'reseller:1']) s,
		generate_series(0, 15) n ON CONFLICT (scope, shard) DO NOTHING`)
	// Versions left behind by moves of scopes: pages the table keeps until a
	// vacuum, which the planner's costs count.
	exec(`INSERT INTO cache_scopes (scope, shard, generation, added)
		SELECT 'gone:' || n, 0, 1, repeat('x', 900) FROM generate_series(1, 1000) n`)
	exec("DELETE FROM cache_scopes WHERE scope LIKE 'gone:%'")
	exec("ANALYZE cache_scopes")
	const calls = 12
	for i := range calls {
		if _, ok, err := db.Reader().Generation(ctx, store.ScopeCatalog); err != nil || !ok {
			t.Fatalf("call %d: ok=%t err=%v", i, ok, err)
		}
	}
	keepsGenericPlan(t, db, "the check", "%FROM cache_scopes WHERE%GROUP BY scope", calls)
}

// onePostgresConnection returns a migrated database on PostgreSQL whose pool holds
// one connection, so that every statement runs on it, or nil without PostgreSQL.
func onePostgresConnection(t *testing.T) *store.DB {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		ctx := context.Background()
		db, err := store.OpenWith(ctx, e.URL, store.Options{PoolSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	return nil
}

// keepsGenericPlan fails the test unless the statement like pattern, run calls times
// on db's one connection, was planned for its values at most its first five times
// and ran PostgreSQL's generic plan the rest.
func keepsGenericPlan(t *testing.T, db *store.DB, name, pattern string, calls int64) {
	t.Helper()
	var generic, custom int64
	err := db.InTx(context.Background(), func(c *store.Conn) error {
		return c.Row(context.Background(), `SELECT generic_plans, custom_plans FROM pg_prepared_statements
			WHERE statement LIKE $1`, []any{pattern}, &generic, &custom)
	})
	if err != nil {
		t.Fatalf("%s among the connection's statements: %v", name, err)
	}
	if custom > 5 || generic+custom != calls {
		t.Fatalf("%s was planned for its values %d times and ran the generic plan %d times in %d calls,"+
			" want at most 5 and the rest", name, custom, generic, calls)
	}
}
