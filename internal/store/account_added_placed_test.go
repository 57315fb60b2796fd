package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestAccountsStateAddedPlacesWhatWasAdded checks the state read with where the
// accounts added since fall in a page: the same state and ids StateChangedSince
// reads, and on PostgreSQL places for each of them that count as the statement of
// AccountsAddedToPage does, in one round trip; nothing placed on SQLite or for an
// id that no column named.
func TestAccountsStateAddedPlacesWhatWasAdded(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "placed")
		scope := store.AccountsScope(r.ID)
		for i := range 3 {
			addAccount(t, db, r.ID, i+1)
		}
		old := scopeStateOf(t, db, scope)
		var ids []int64
		for i := range 3 {
			ids = append(ids, addAccount(t, db, r.ID, i+10))
		}
		// Names "added10" to "added12": the page by name of two rows ends before them.
		q := domain.ListQuery{Sort: []domain.SortKey{{Field: "name"}}, Page: domain.Page{Number: 1, Size: 2}}.
			Where("name", domain.OpIn, "added1", "added10", "added11")
		f := store.AccountFilter{ResellerID: r.ID, Query: q}
		last := &domain.Cursor{Keys: []any{"added10"}, ID: ids[0]}

		trips := db.RoundTrips()
		st, added, _, ok, places, err := db.Reader().AccountsStateAdded(ctx, f, scope, old, last)
		if err != nil || !ok {
			t.Fatalf("state and places: ok=%t, %v", ok, err)
		}
		if n := db.RoundTrips() - trips; e.Name == "postgres" && n != 1 {
			t.Fatalf("%d round trips, want 1", n)
		}
		wantSt, wantAdded, _, _, err := db.Reader().StateChangedSince(ctx, scope, old)
		if err != nil || st.Gen != wantSt.Gen || !slices.Equal(added, wantAdded) || !slices.Equal(added, ids) {
			t.Fatalf("state %d with %v; StateChangedSince reads %d with %v (%v); created %v", st.Gen, added,
				wantSt.Gen, wantAdded, err, ids)
		}
		got, placed := places.Count(added)
		if placed != (e.Name == "postgres") {
			t.Fatalf("placed %t on %s", placed, e.Name)
		}
		if !placed {
			return
		}
		want, err := db.Reader().AccountsAddedToPage(ctx, f, scope, added, last)
		if err != nil {
			t.Fatal(err)
		}
		if got.Matching != 2 || got.Within != 1 || got.Matching != want.Matching || got.Within != want.Within ||
			got.ScopeGen != st.Gen || !got.ScopeRead {
			t.Fatalf("placed: matching %d, within %d at %d; the count says %d and %d; want 2 and 1 at %d",
				got.Matching, got.Within, got.ScopeGen, want.Matching, want.Within, st.Gen)
		}
		if _, ok := places.Count(append(added, ids[2]+100)); ok {
			t.Fatal("an id no column named was counted as placed")
		}
		// Text no move writes, in every column: passed over, not a failed read.
		err = db.InTx(ctx, func(c *store.Conn) error {
			var n int64
			return c.Row(ctx, `UPDATE cache_scopes SET added = added || ';x:1,y;99999999999999999999:2;3:'
				WHERE scope = $1 AND added IS NOT NULL RETURNING 1`, []any{string(scope)}, &n)
		})
		if err != nil {
			t.Fatalf("write the columns by hand: %v", err)
		}
		if _, _, _, _, _, err := db.Reader().AccountsStateAdded(ctx, f, scope, old, last); err != nil {
			t.Fatalf("state and places over columns written by hand: %v", err)
		}
	})
}
