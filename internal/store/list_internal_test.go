package store

import (
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestApplyPadsInLists checks that an IN condition is padded to a power of two by
// repeating its last value, so lists of many lengths share a few SQL texts, and
// that its placeholders follow the arguments already there.
func TestApplyPadsInLists(t *testing.T) {
	cols := map[string]column{"id": {expr: "t.id"}}
	cases := []struct {
		name   string
		values []any
		want   string
		args   []any
	}{
		{"One", []any{"a"}, "t.id IN ($2)", []any{"a"}},
		{"Two", []any{"a", "b"}, "t.id IN ($2, $3)", []any{"a", "b"}},
		{"Three", []any{"a", "b", "c"}, "t.id IN ($2, $3, $4, $5)", []any{"a", "b", "c", "c"}},
		{"Five", []any{1, 2, 3, 4, 5}, "t.id IN ($2, $3, $4, $5, $6, $7, $8, $9)", []any{1, 2, 3, 4, 5, 5, 5, 5}},
		{"Empty", nil, "t.id IN (NULL)", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b sqlBuilder
			b.cond("t.kind = %s", "x")
			if err := b.apply(cols, []domain.Condition{{Field: "id", Op: domain.OpIn, Values: c.values}}); err != nil {
				t.Fatal(err)
			}
			if b.where[1] != c.want {
				t.Fatalf("where %q, want %q", b.where[1], c.want)
			}
			if got := b.args[1:]; fmt.Sprint(got) != fmt.Sprint(c.args) {
				t.Fatalf("args %v, want %v", got, c.args)
			}
		})
	}
}
