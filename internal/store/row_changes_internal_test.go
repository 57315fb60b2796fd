package store

import (
	"fmt"
	"testing"
)

// TestUpdateTexts checks the UPDATE texts of sets of changed columns: only the
// changed columns are named, numbered in order, with the id and the tail's
// parameters after them; and a table keeps at most maxUpdateTexts texts, the sets
// beyond them writing every column.
func TestUpdateTexts(t *testing.T) {
	u := newUpdatableColumns("things", "a", "b", "c", "d", "e", "f", "g", "h")
	now := []any{"A", "B", "C", "D", "E", "F", "G", "H"}
	mask := u.changed([]any{"A", "x", "C", "D", "x", "F", "G", "H"}, now)
	q, args := u.update(mask, 0, now, 7, noTail)
	if want := "UPDATE things SET b = $1, e = $2 WHERE id = $3"; q != want || fmt.Sprint(args) != "[B E 7]" {
		t.Errorf("update is %q %v, want %q [B E 7]", q, args, want)
	}
	tail := func(k int) (string, string) {
		return fmt.Sprintf(", z = $%d", k+1), fmt.Sprintf(" AND y = $%d", k+2)
	}
	q, args = u.update(0, 1, now, 7, tail, "Z", "Y")
	if want := "UPDATE things SET z = $2 WHERE id = $1 AND y = $3"; q != want || fmt.Sprint(args) != "[7 Z Y]" {
		t.Errorf("update of nothing but the tail is %q %v, want %q [7 Z Y]", q, args, want)
	}
	if u.changed(nil, now) != u.all() {
		t.Error("a row not read does not write every column")
	}
	for m := uint64(1); m <= 200; m++ {
		u.update(m, 0, now, 7, noTail)
	}
	if n := len(u.texts); n > maxUpdateTexts+2 {
		t.Errorf("%d texts kept, want at most %d and the full ones", n, maxUpdateTexts)
	}
	q, args = u.update(201, 0, now, 7, noTail)
	if want := "UPDATE things SET a = $1, b = $2, c = $3, d = $4, e = $5, f = $6, g = $7, h = $8 WHERE id = $9"; q != want ||
		len(args) != 9 {
		t.Errorf("update beyond the texts kept is %q %v, want %q", q, args, want)
	}
}
