package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestScopeMovesDeclareAddedAccounts checks what a reader learns from a scope's state:
// the accounts created since an older state, over several moves and from another
// process too; and nothing (false) once an update, or a move made by hand that does
// not say what it changed, came in between.
func TestScopeMovesDeclareAddedAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "adds")
		scope := store.AccountsScope(r.ID)
		state := func() store.ScopeState { t.Helper(); return scopeStateOf(t, db, scope) }
		n := 0
		create := func(db *store.DB) int64 {
			t.Helper()
			n++
			return addAccount(t, db, r.ID, n)
		}
		added := func(old store.ScopeState, want ...int64) store.ScopeState {
			t.Helper()
			st := state()
			got, ok, err := db.Reader().AddedSince(ctx, scope, old, st)
			if err != nil {
				t.Fatalf("added since %d: %v", old.Gen, err)
			}
			slices.Sort(got)
			if want == nil {
				if ok {
					t.Fatalf("added since %d: %v, want an unknown change", old.Gen, got)
				}
				return st
			}
			if !ok || !slices.Equal(got, want) {
				t.Fatalf("added since %d: %v (known %t), want %v", old.Gen, got, ok, want)
			}
			return st
		}
		start := state()
		first := create(db)
		mid := added(start, first)
		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer other.Close()
		second, third := create(other), create(db)
		added(mid, second, third)
		last := added(start, first, second, third)
		// A state older than the shard's latest moves still finds its own.
		if got, ok, err := db.Reader().AddedSince(ctx, scope, start, mid); !ok || err != nil || !slices.Equal(got, []int64{first}) {
			t.Fatalf("added between the first two states, read later: %v (known %t, %v), want [%d]", got, ok, err, first)
		}
		if _, ok, err := db.Reader().AddedSince(ctx, scope, last, state()); !ok || err != nil {
			t.Fatalf("no move since: want known, nothing added")
		}

		err = db.InTx(ctx, func(c *store.Conn) error {
			a, err := c.FindAccountForUpdate(ctx, first)
			if err != nil {
				return err
			}
			a.City = "Elsewhere"
			return c.UpdateAccount(ctx, a)
		})
		if err != nil {
			t.Fatalf("update account: %v", err)
		}
		updated := added(last) // unknown
		fourth := create(db)
		added(last)                         // the update lies in between
		afterHand := added(updated, fourth) // only the create since the update

		err = db.InTx(ctx, func(c *store.Conn) error {
			var gen int64
			return c.Row(ctx, `UPDATE cache_scopes SET generation = generation + 1 WHERE scope = $1
				RETURNING generation`, []any{string(scope)}, &gen)
		})
		if err != nil {
			t.Fatalf("move the scope by hand: %v", err)
		}
		added(afterHand) // moved by hand: unknown
		byHand := state()
		fifth := create(db)
		added(afterHand)
		added(byHand, fifth)
	})
}

// scopeStateOf reads the state of scope, which must have one.
func scopeStateOf(t *testing.T, db *store.DB, scope store.Scope) store.ScopeState {
	t.Helper()
	st, ok, err := db.Reader().ScopeState(context.Background(), scope)
	if err != nil || !ok {
		t.Fatalf("state of %s: ok=%t err=%v", scope, ok, err)
	}
	return st
}

// addAccount creates the reseller's nth account in a transaction of its own, so
// the commit moves the reseller's accounts scope declaring it, and returns its id.
func addAccount(t *testing.T, db *store.DB, resellerID int64, n int) int64 {
	t.Helper()
	a := tallyAccount(resellerID, fmt.Sprintf("added%d", n))
	if err := db.InTx(context.Background(), func(c *store.Conn) error { return c.CreateAccount(context.Background(), a) }); err != nil {
		t.Fatalf("create account: %v", err)
	}
	return a.ID
}

// TestScopeMovesReachBackPastTheirBound checks that a scope whose declared moves
// outgrew the bound of a row's column (store.maxAddedLength: 1,000 characters on
// SQLite, 200 a shard on PostgreSQL) still tells a reader a few moves behind what
// was added since, every time, and that the column stays near its bound.
func TestScopeMovesReachBackPastTheirBound(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "bound")
		scope := store.AccountsScope(r.ID)
		bound, creates := 1000, 250 // about 8 characters a move: the bound is passed twice
		if e.Name == "postgres" {
			bound, creates = 200, 800 // 16 shards, each passed about twice
		}
		const behind = 5
		var (
			states []store.ScopeState
			ids    []int64
		)
		for i := range creates + 1 {
			if i > 0 {
				ids = append(ids, addAccount(t, db, r.ID, i))
			}
			st := scopeStateOf(t, db, scope)
			states = append(states, st)
			if i < behind {
				continue
			}
			got, ok, err := db.Reader().AddedSince(ctx, scope, states[i-behind], st)
			slices.Sort(got)
			if err != nil || !ok || !slices.Equal(got, ids[i-behind:]) {
				t.Fatalf("after %d creates, added in the last %d moves: %v (known %t, %v), want %v", i, behind, got, ok,
					err, ids[i-behind:])
			}
		}
		var longest int
		err := db.Reader().Row(ctx, `SELECT COALESCE(MAX(length(added)), 0) FROM cache_scopes WHERE scope = $1`,
			[]any{string(scope)}, &longest)
		if err != nil {
			t.Fatal(err)
		}
		if longest >= bound+20 || longest < bound/2 {
			t.Fatalf("the longest column of %s holds %d characters, want about %d", scope, longest, bound)
		}
	})
}

// TestAddedToPageReadsTheScope checks that the count of the accounts added to a
// page reads, on PostgreSQL outside a transaction, the scope's generation in the
// same statement, as it is at that moment, and on SQLite (whose generations come
// from memory) does not.
func TestAddedToPageReadsTheScope(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "counted")
		scope := store.AccountsScope(r.ID)
		var ids []int64
		for i := range 3 {
			ids = append(ids, addAccount(t, db, r.ID, i+1))
		}
		// A filter the added accounts all pass, so the count is the statement's.
		f := store.AccountFilter{ResellerID: r.ID, Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}.
			Where("status", domain.OpIn, string(domain.AccountStatusActive))}
		got, err := db.Reader().AccountsAddedToPage(ctx, f, scope, ids, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Matching != 3 || got.Within != 3 {
			t.Fatalf("matching %d, within %d; want 3 and 3", got.Matching, got.Within)
		}
		gen, ok, err := db.Reader().Generation(ctx, scope)
		if err != nil || !ok {
			t.Fatalf("generation of %s: %t, %v", scope, ok, err)
		}
		if want := e.Name == "postgres"; got.ScopeRead != want || (want && got.ScopeGen != gen) {
			t.Fatalf("scope read %t at %d, want %t at %d", got.ScopeRead, got.ScopeGen, want, gen)
		}
	})
}

// TestAddedToPageFromIDs checks the count of accounts added to a page of a
// reseller's whole list ordered by id: it is told from the ids, with no statement,
// and says what the statement says of the same page with a filter all of them pass.
func TestAddedToPageFromIDs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "by id")
		scope := store.AccountsScope(r.ID)
		var ids []int64
		for i := range 5 {
			ids = append(ids, addAccount(t, db, r.ID, i+1))
		}
		at := func(i int) *domain.Cursor { return &domain.Cursor{ID: ids[i]} }
		for _, tc := range []struct {
			name        string
			sort        []domain.SortKey
			after, last *domain.Cursor
		}{
			{name: "last page"},
			{name: "first page", last: at(1)},
			{name: "sorted by id", sort: []domain.SortKey{{Field: "id"}}, last: at(2)},
			{name: "after a cursor", after: at(0), last: at(3)},
			{name: "after, last page", after: at(3)},
			{name: "descending", sort: []domain.SortKey{{Field: "id", Desc: true}}, after: at(4), last: at(2)},
			{name: "descending, first page", sort: []domain.SortKey{{Field: "id", Desc: true}}, last: at(3)},
		} {
			q := domain.ListQuery{Sort: tc.sort, Page: domain.Page{Number: 1, Size: 2, After: tc.after}}
			before := db.Statements()
			// The ids as a refresh may hold them: out of order, one twice.
			got, err := db.Reader().AccountsAddedToPage(ctx, store.AccountFilter{ResellerID: r.ID, Query: q},
				scope, append([]int64{ids[4], ids[4]}, ids[:4]...), tc.last)
			if err != nil {
				t.Fatal(err)
			}
			if n := db.Statements() - before; n != 0 || !got.FromIDs {
				t.Fatalf("%s: %d statements, from the ids %t; want none, true", tc.name, n, got.FromIDs)
			}
			q = q.Where("status", domain.OpIn, string(domain.AccountStatusActive))
			want, err := db.Reader().AccountsAddedToPage(ctx, store.AccountFilter{ResellerID: r.ID, Query: q},
				scope, ids, tc.last)
			if err != nil {
				t.Fatal(err)
			}
			if want.FromIDs || got.Matching != want.Matching || got.Within != want.Within {
				t.Fatalf("%s: matching %d, within %d; the statement says %d and %d (from the ids %t)",
					tc.name, got.Matching, got.Within, want.Matching, want.Within, want.FromIDs)
			}
		}
	})
}
