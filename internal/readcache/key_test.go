package readcache

import (
	"testing"
	"time"
)

// TestKey checks that keys tell apart values that differ in any field, type or
// element, and agree on equal values however their maps were built.
func TestKey(t *testing.T) {
	type page struct {
		Number, Size int
		After        *string
	}
	type query struct {
		Values []any
		Sort   map[string]bool
		Page   page
		at     time.Time
	}
	after := "x"
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	base := query{Values: []any{int64(1), "a"}, Sort: map[string]bool{"a": true, "b": false}, Page: page{1, 50, nil}, at: at}
	variants := []query{
		{Values: []any{int64(2), "a"}, Sort: base.Sort, Page: base.Page, at: at},
		{Values: []any{"1", "a"}, Sort: base.Sort, Page: base.Page, at: at},
		{Values: []any{int64(1), "a", nil}, Sort: base.Sort, Page: base.Page, at: at},
		{Values: []any{int64(1), "a"}, Sort: map[string]bool{"a": true}, Page: base.Page, at: at},
		{Values: []any{int64(1), "a"}, Sort: map[string]bool{"a": false, "b": false}, Page: base.Page, at: at},
		{Values: []any{int64(1), "a"}, Sort: base.Sort, Page: page{1, 51, nil}, at: at},
		{Values: []any{int64(1), "a"}, Sort: base.Sort, Page: page{1, 50, &after}, at: at},
		{Values: []any{int64(1), "a"}, Sort: base.Sort, Page: base.Page, at: at.Add(time.Microsecond)},
		{Values: []any{at}, Sort: base.Sort, Page: base.Page, at: at},
		{Values: []any{at.Add(time.Second)}, Sort: base.Sort, Page: base.Page, at: at},
	}
	seen := map[string]int{Key(base): -1}
	for i, v := range variants {
		k := Key(v)
		if j, ok := seen[k]; ok {
			t.Fatalf("variant %d has the key of %d: %s", i, j, k)
		}
		seen[k] = i
	}
	same := query{Values: []any{int64(1), "a"}, Sort: map[string]bool{"b": false, "a": true}, Page: page{1, 50, nil}, at: at}
	if Key(same) != Key(base) {
		t.Fatalf("equal values, different keys:\n%s\n%s", Key(same), Key(base))
	}
	if Key("a", "b") == Key("ab") || Key(int64(7)) == Key(int32(7)) {
		t.Fatal("keys of different values agree")
	}
}
