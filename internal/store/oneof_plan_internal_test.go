package store

import (
	"context"
	"testing"
)

// TestOneValueKeepsItsPlan checks that a condition of oneOf with one value, run
// again and again on one PostgreSQL connection, is planned for its values at most
// the five times PostgreSQL tries before it settles on the statement's generic plan.
func TestOneValueKeepsItsPlan(t *testing.T) {
	eachTableFreeDB(t, Options{PoolSize: 1}, func(t *testing.T, db *DB) {
		if db.engine != Postgres {
			return
		}
		ctx := context.Background()
		r := db.Reader()
		var none int
		// A table of this session alone (the pool has one connection).
		err := db.InTx(ctx, func(c *Conn) error {
			return c.tx.script(ctx, `CREATE TEMP TABLE planned (k TEXT PRIMARY KEY, v BIGINT NOT NULL);
				INSERT INTO planned SELECT 'k' || n, n FROM generate_series(1, 5000) n; ANALYZE planned`)
		})
		if err != nil {
			t.Fatal(err)
		}
		const calls = 12
		for i := range calls {
			cond, arg := oneOf(db.engine, "k", 1, []string{"k" + string(rune('0'+i%10))})
			if err := r.row(ctx, "SELECT COUNT(*) FROM planned WHERE "+cond, []any{arg}, &none); err != nil {
				t.Fatal(err)
			}
		}
		var generic, custom int64
		err = r.row(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements
			WHERE statement LIKE 'SELECT COUNT(*) FROM planned WHERE k %'`, nil, &generic, &custom)
		if err != nil {
			t.Fatalf("the statement among the connection's: %v", err)
		}
		if custom > 5 || generic+custom != calls {
			t.Fatalf("planned for its values %d times and ran the generic plan %d times in %d calls,"+
				" want at most 5 and the rest", custom, generic, calls)
		}
	})
}
