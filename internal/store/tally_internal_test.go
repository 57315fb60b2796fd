package store

import (
	"strings"
	"testing"
)

// TestTallyMovesInParts checks that a transaction's counter moves are written in
// statements of at most tallyMovesPerStatement counters, none left out, none that
// does not move, in the order of their keys.
func TestTallyMovesInParts(t *testing.T) {
	c := &Conn{tallies: map[tallyKey]int{{7, tallyOrders}: 0}} // moved and moved back
	const resellers = tallyMovesPerStatement + 30
	for r := range int64(resellers) {
		c.tallies[tallyKey{resellers - r, tallyPayments}] = 2
		c.tallies[tallyKey{resellers - r, tallyOrders}] = -1
	}
	stmts := c.tallyMoves()
	if want := (2*resellers + tallyMovesPerStatement - 1) / tallyMovesPerStatement; len(stmts) != want {
		t.Fatalf("%d statements, want %d", len(stmts), want)
	}
	var last tallyKey
	seen := 0
	for _, s := range stmts {
		rows := len(s.args) / 4
		if rows > tallyMovesPerStatement || strings.Count(s.query, "($") != rows {
			t.Fatalf("a statement moves %d counters with %d rows of values", rows, strings.Count(s.query, "($"))
		}
		for i := 0; i < len(s.args); i += 4 {
			k := tallyKey{s.args[i].(int64), s.args[i+1].(string)}
			if seen > 0 && (k.reseller < last.reseller || k.reseller == last.reseller && k.kind <= last.kind) {
				t.Fatalf("counter %v after %v", k, last)
			}
			if slot := s.args[i+2].(int); slot < 0 || slot >= tallySlots {
				t.Fatalf("slot %d of %v", slot, k)
			}
			if delta := s.args[i+3].(int); delta != c.tallies[k] || delta == 0 {
				t.Fatalf("counter %v moved by %d, counted %d", k, delta, c.tallies[k])
			}
			last = k
			seen++
		}
	}
	if seen != 2*resellers {
		t.Fatalf("%d counters moved, want %d", seen, 2*resellers)
	}
	if moves := (&Conn{}).tallyMoves(); len(moves) != 0 {
		t.Fatalf("a transaction that counted nothing moves %d statements", len(moves))
	}
}
