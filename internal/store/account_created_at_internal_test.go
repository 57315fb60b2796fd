package store

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestAwaitCreatedWaitsForCommitsOut checks what a count that meets an id it does
// not know waits for: the commits of accounts started before it, until they return
// (with the id when it committed), and no longer than createdWait; with none out it
// does not wait at all.
func TestAwaitCreatedWaitsForCommitsOut(t *testing.T) {
	ctx := context.Background()
	created := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	// committing starts the commit of a transaction that created account id, sent
	// with the commit: the id is known only once it has returned.
	committing := func(db *DB, id int64) func(committed bool) {
		a := &domain.Account{Timestamps: domain.Timestamps{CreatedAt: created}}
		c := &Conn{db: db, created: []createdRow{{a, created.UnixMicro()}}}
		returned := c.committingCreated()
		return func(committed bool) {
			a.ID = id
			returned(committed)
		}
	}
	// await runs awaitCreated for ids and returns its answer on a channel.
	await := func(db *DB, ids ...int64) <-chan bool {
		out := make(chan bool, 1)
		go func() { out <- db.created.awaitCreated(ctx, ids) }()
		return out
	}
	waiting := func(answer <-chan bool) bool {
		select {
		case <-answer:
			return false
		case <-time.After(createdWait / 5):
			return true
		}
	}

	t.Run("none out", func(t *testing.T) {
		db := &DB{}
		start := time.Now()
		if db.created.awaitCreated(ctx, []int64{1}) || time.Since(start) >= createdWait {
			t.Fatal("an unknown id with no commit out was known, or waited for")
		}
	})
	t.Run("committed", func(t *testing.T) {
		db := &DB{}
		returned := committing(db, 7)
		answer := await(db, 7)
		if !waiting(answer) {
			t.Fatal("did not wait for the commit out")
		}
		returned(true)
		if !<-answer {
			t.Fatal("the id committed meanwhile is not known")
		}
		if micros, ok := db.created.createdAt(7); !ok || micros != created.UnixMicro() {
			t.Fatalf("remembered %d (%t), want %d", micros, ok, created.UnixMicro())
		}
	})
	t.Run("rolled back", func(t *testing.T) {
		db := &DB{}
		returned := committing(db, 8)
		answer := await(db, 8)
		returned(false)
		if <-answer {
			t.Fatal("an id whose commit failed is known")
		}
	})
	t.Run("bounded", func(t *testing.T) {
		db := &DB{}
		returned := committing(db, 10)
		defer returned(true)
		start := time.Now()
		if db.created.awaitCreated(ctx, []int64{11}) {
			t.Fatal("an id no commit made is known")
		}
		if waited := time.Since(start); waited < createdWait {
			t.Fatalf("waited %v, want the bound, %v", waited, createdWait)
		}
	})
}

// TestCreatedAccountsStayBounded checks that the record of accounts created keeps
// the latest createdAccountsKept and forgets the oldest first.
func TestCreatedAccountsStayBounded(t *testing.T) {
	var r createdAccounts
	const more = 10
	for id := int64(1); id <= createdAccountsKept+more; id++ {
		r.remember([]createdRow{{&domain.Account{ID: id}, id * 1000}})
	}
	last := int64(createdAccountsKept + more)
	r.remember([]createdRow{{&domain.Account{ID: last}, 1}}) // again: the value moves, no second slot
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
