package store

import (
	"context"
	"strconv"
	"testing"
)

// oneOfSeries counts the numbers 1..n (as integers, as text, or as whether they are
// even) that are one of values, on the engine of db, with the condition oneOf builds.
func oneOfSeries[T any](t *testing.T, db *DB, n int, expr string, values []T) int {
	t.Helper()
	cond, arg := oneOf(db.engine, expr, 2, values)
	var got int
	err := db.Reader().row(context.Background(), `WITH RECURSIVE s(v) AS (SELECT CAST(1 AS BIGINT) UNION ALL
		SELECT v + 1 FROM s WHERE v < $1) SELECT COUNT(*) FROM s WHERE `+cond, []any{n, arg}, &got)
	if err != nil {
		t.Fatalf("%s with %d values: %v", cond, len(values), err)
	}
	return got
}

// TestOneOfMatches checks that a list bound as one parameter matches like an IN list
// on every engine, for every type of list value, for an empty list and for a list
// longer than either engine takes as separate parameters.
func TestOneOfMatches(t *testing.T) {
	eachTableFreeDB(t, Options{}, func(t *testing.T, db *DB) {
		long := make([]int64, 70_000)
		for i := range long {
			long[i] = int64(2 * (i + 1)) // the even numbers up to 140,000
		}
		text := make([]any, 0, 3)
		for _, v := range []int{3, 5, 99999} {
			text = append(text, strconv.Itoa(v))
		}
		cases := []struct {
			name string
			got  func() int
			want int
		}{
			{"Int64s", func() int { return oneOfSeries(t, db, 100, "v", []int64{1, 7, 7, 500}) }, 2},
			{"Anys", func() int { return oneOfSeries(t, db, 100, "v", []any{int64(1), int64(100)}) }, 2},
			{"Strings", func() int { return oneOfSeries(t, db, 10, "CAST(v AS TEXT)", text) }, 2},
			{"Quotes", func() int { return oneOfSeries(t, db, 10, "CAST(v AS TEXT)", []string{`"1`, `1'`, `\1`, "1,2"}) }, 0},
			{"Bools", func() int { return oneOfSeries(t, db, 10, "(v % 2 = 0)", []any{true}) }, 5},
			{"EmptyInts", func() int { return oneOfSeries(t, db, 10, "v", []int64{}) }, 0},
			{"EmptyAnys", func() int { return oneOfSeries(t, db, 10, "v", []any{}) }, 0},
			{"EmptyAnysText", func() int { return oneOfSeries(t, db, 10, "CAST(v AS TEXT)", []any(nil)) }, 0},
			{"Long", func() int { return oneOfSeries(t, db, 1000, "v", long) }, 500},
			{"OneInt64", func() int { return oneOfSeries(t, db, 100, "v", []int64{7}) }, 1},
			{"OneAny", func() int { return oneOfSeries(t, db, 100, "v", []any{int64(100)}) }, 1},
			{"OneInt", func() int { return oneOfSeries(t, db, 100, "v", []any{3}) }, 1},
			{"OneString", func() int { return oneOfSeries(t, db, 10, "CAST(v AS TEXT)", []string{"5"}) }, 1},
			{"OneBool", func() int { return oneOfSeries(t, db, 10, "(v % 2 = 0)", []any{false}) }, 5},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if got := c.got(); got != c.want {
					t.Fatalf("%s: %d matches, want %d", c.name, got, c.want)
				}
			})
		}
	})
}
