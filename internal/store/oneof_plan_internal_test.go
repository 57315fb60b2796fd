package store

import (
	"context"
	"reflect"
	"strconv"
	"testing"
)

// TestOneOfKeepsItsPlan checks that a condition of oneOf with one value, or with a
// few ids, run again and again on one PostgreSQL connection, is planned for its
// values at most the five times PostgreSQL tries before it settles on the
// statement's generic plan.
func TestOneOfKeepsItsPlan(t *testing.T) {
	eachTableFreeDB(t, Options{PoolSize: 1}, func(t *testing.T, db *DB) {
		if db.engine != Postgres {
			return
		}
		ctx := context.Background()
		r := db.Reader()
		// A table of this session alone (the pool has one connection).
		err := db.InTx(ctx, func(c *Conn) error {
			return c.tx.script(ctx, `CREATE TEMP TABLE planned (k TEXT PRIMARY KEY, v BIGINT NOT NULL UNIQUE);
				INSERT INTO planned SELECT 'k' || n, n FROM generate_series(1, 5000) n; ANALYZE planned`)
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, column string
			values       func(i int) any
		}{
			{"OneValue", "k", func(i int) any { return []string{"k" + strconv.Itoa(i%10+1)} }},
			{"SomeIDs", "v", func(i int) any { return []int64{int64(i%10 + 1), int64(i%10 + 2)} }},
			{"MoreIDs", "v", func(i int) any { return []int64{3, int64(i + 40), int64(i + 90), 4000} }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				const calls = 12
				var query string
				for i := range calls {
					var cond string
					var arg any
					switch v := tc.values(i).(type) {
					case []string:
						cond, arg = oneOf(db.engine, tc.column, 1, v)
					case []int64:
						cond, arg = oneOf(db.engine, tc.column, 1, v)
					}
					query = "SELECT COUNT(*) AS " + tc.name + " FROM planned WHERE " + cond // a text of its own
					var got int
					if err := r.row(ctx, query, []any{arg}, &got); err != nil {
						t.Fatal(err)
					}
					if want := reflect.ValueOf(tc.values(i)).Len(); got != want {
						t.Fatalf("call %d matched %d rows, want %d", i, got, want)
					}
				}
				var generic, custom int64
				err := r.row(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1`,
					[]any{query}, &generic, &custom)
				if err != nil {
					t.Fatalf("the statement among the connection's: %v", err)
				}
				if custom > 5 || generic+custom != calls {
					t.Fatalf("planned for its values %d times and ran the generic plan %d times in %d calls,"+
						" want at most 5 and the rest", custom, generic, calls)
				}
			})
		}
	})
}
