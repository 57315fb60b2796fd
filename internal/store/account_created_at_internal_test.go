package store

import "testing"

// TestCreatedAccountsStayBounded checks that the record of accounts created keeps
// the latest createdAccountsKept and forgets the oldest first.
func TestCreatedAccountsStayBounded(t *testing.T) {
	var r createdAccounts
	const more = 10
	for id := int64(1); id <= createdAccountsKept+more; id++ {
		r.remember([]createdAccount{{id: id, micros: id * 1000}})
	}
	last := int64(createdAccountsKept + more)
	r.remember([]createdAccount{{id: last, micros: 1}}) // again: the value moves, no second slot
	if len(r.at) != createdAccountsKept || len(r.ring) != createdAccountsKept {
		t.Fatalf("holds %d ids in %d slots, want %d", len(r.at), len(r.ring), createdAccountsKept)
	}
	for id := int64(1); id <= createdAccountsKept+more; id++ {
		micros, ok := r.createdAt(id)
		want := id * 1000
		if id == last {
			want = 1
		}
		if known := id > more; ok != known || ok && micros != want {
			t.Fatalf("account %d: %d, known %t; want known %t at %d", id, micros, ok, known, want)
		}
	}
}
