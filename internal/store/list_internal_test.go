package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestApplyBindsListsOnce checks that an IN condition binds its values as one
// parameter, after the arguments already there, so that lists of every length are
// one SQL text per engine, but for a list of one value on PostgreSQL, compared
// with = (see oneOf).
func TestApplyBindsListsOnce(t *testing.T) {
	cols := map[string]column{"id": {expr: "t.id"}}
	want := map[Engine]string{
		SQLite:   "t.id IN (SELECT value FROM json_each($2))",
		Postgres: "t.id = ANY($2)",
	}
	for engine, wantSQL := range want {
		t.Run(string(engine), func(t *testing.T) {
			for _, n := range []int{0, 1, 2, 3, 5, 999, 1000} {
				values := make([]any, n)
				for i := range values {
					values[i] = int64(i + 1)
				}
				b := sqlBuilder{engine: engine}
				b.cond("t.kind = %s", "x")
				if err := b.apply(cols, []domain.Condition{{Field: "id", Op: domain.OpIn, Values: values}}); err != nil {
					t.Fatal(err)
				}
				want := wantSQL
				if engine == Postgres && n == 1 {
					want = "t.id = $2"
				}
				if b.where[1] != want {
					t.Fatalf("%d values: where %q, want %q", n, b.where[1], want)
				}
				if len(b.args) != 2 {
					t.Fatalf("%d values: %d arguments, want 2", n, len(b.args))
				}
				switch arg := b.args[1].(type) {
				case int64: // PostgreSQL: the one value
					if n != 1 || arg != 1 {
						t.Fatalf("%d values: argument %v", n, arg)
					}
				case string: // SQLite: a JSON array
					if wantJSON := "[" + strings.Trim(fmt.Sprint(values), "[]") + "]"; strings.ReplaceAll(arg, ",", " ") != wantJSON {
						t.Fatalf("%d values: argument %s, want %s", n, arg, wantJSON)
					}
				case []int64: // PostgreSQL: a typed array
					if len(arg) != n {
						t.Fatalf("%d values: argument %v", n, arg)
					}
				default:
					if n > 0 {
						t.Fatalf("%d values: argument of type %T", n, arg)
					}
				}
			}
		})
	}
}
