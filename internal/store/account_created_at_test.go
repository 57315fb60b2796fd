package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestAddedToPageByCreationTime checks the count of accounts added to a page of a
// reseller's list bounded by creation time and ordered by id: for accounts this
// process created, it is told from what it remembers, with no statement, and says
// what the statement says of the same page; an account another process created is
// counted by the statement.
func TestAddedToPageByCreationTime(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		other, err := store.Open(ctx, e.URL) // another process sharing the database
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		r := mustReseller(t, db, 0, "", "by creation")
		scope := store.AccountsScope(r.ID)
		at := func(hour int) time.Time { return now.Add(time.Duration(hour) * time.Hour) }
		create := func(on *store.DB, hour int, name string) int64 {
			t.Helper()
			a := tallyAccount(r.ID, name)
			a.CreatedAt = at(hour)
			if err := on.InTx(ctx, func(c *store.Conn) error { return c.CreateAccount(ctx, a) }); err != nil {
				t.Fatalf("create account: %v", err)
			}
			return a.ID
		}
		var ids []int64
		for hour := range 6 {
			ids = append(ids, create(db, hour, fmt.Sprintf("created%d", hour)))
		}
		cursor := func(i int) *domain.Cursor { return &domain.Cursor{ID: ids[i]} }
		day := []domain.Condition{ // hours 1 to 3: one on each bound
			{Field: "created_at", Op: domain.OpGe, Values: []any{at(1)}},
			{Field: "created_at", Op: domain.OpLt, Values: []any{at(4)}}}
		after := []domain.Condition{{Field: "created_at", Op: domain.OpGt, Values: []any{at(1)}}}
		desc := []domain.SortKey{{Field: "id", Desc: true}}
		// count returns what the page of conds, sort, after and last counts of ids
		// added, and how many statements it took.
		count := func(on *store.DB, conds []domain.Condition, sort []domain.SortKey, after, last *domain.Cursor,
			ids []int64) (store.AddedToPage, uint64) {
			t.Helper()
			q := domain.ListQuery{Conditions: conds, Sort: sort, Page: domain.Page{Number: 1, Size: 2, After: after}}
			before := on.Statements()
			got, err := on.Reader().AccountsAddedToPage(ctx, store.AccountFilter{ResellerID: r.ID, Query: q}, scope,
				ids, last)
			if err != nil {
				t.Fatal(err)
			}
			return got, on.Statements() - before
		}
		// statementSays is the count by the statement: a condition every account
		// passes keeps the list from being told in memory.
		active := domain.Condition{Field: "status", Op: domain.OpIn, Values: []any{string(domain.AccountStatusActive)}}
		statementSays := func(conds []domain.Condition, sort []domain.SortKey, after, last *domain.Cursor,
			ids []int64) store.AddedToPage {
			t.Helper()
			want, _ := count(db, append(append([]domain.Condition{}, conds...), active), sort, after, last, ids)
			if want.FromIDs {
				t.Fatal("the statement's count was told from the ids")
			}
			return want
		}
		for _, tc := range []struct {
			name        string
			conds       []domain.Condition
			sort        []domain.SortKey
			after, last *domain.Cursor
			matching    int
		}{
			{name: "a day, last page", conds: day, matching: 3},
			{name: "a day, first page", conds: day, last: cursor(2), matching: 3},
			{name: "a day, after a cursor", conds: day, after: cursor(1), last: cursor(3), matching: 3},
			{name: "after a time", conds: after, last: cursor(3), matching: 4},
			{name: "a day, descending", conds: day, sort: desc, after: cursor(4), last: cursor(2), matching: 3},
			{name: "no bound", last: cursor(1), matching: 6},
		} {
			// The ids as a refresh may hold them: out of order, one twice.
			added := append([]int64{ids[5], ids[5]}, ids[:5]...)
			got, n := count(db, tc.conds, tc.sort, tc.after, tc.last, added)
			if n != 0 || !got.FromIDs {
				t.Fatalf("%s: %d statements, from the ids %t; want none, true", tc.name, n, got.FromIDs)
			}
			want := statementSays(tc.conds, tc.sort, tc.after, tc.last, ids)
			if got.Matching != tc.matching || got.Matching != want.Matching || got.Within != want.Within {
				t.Fatalf("%s: matching %d, within %d; the statement says %d and %d; want %d matching",
					tc.name, got.Matching, got.Within, want.Matching, want.Within, tc.matching)
			}
		}
		// An account the other process created: this one does not know when, and
		// the statement counts; the other knows its own but not the rest.
		theirs := create(other, 2, "theirs")
		added := append([]int64{theirs}, ids...)
		for _, on := range []*store.DB{db, other} {
			got, n := count(on, day, nil, nil, cursor(2), added)
			want := statementSays(day, nil, nil, cursor(2), added)
			if got.FromIDs || n == 0 || got.Matching != 4 || got.Matching != want.Matching || got.Within != want.Within {
				t.Fatalf("with another process's account: matching %d, within %d in %d statements (from the ids %t); "+
					"the statement says %d and %d; want 4 matching, counted by a statement",
					got.Matching, got.Within, n, got.FromIDs, want.Matching, want.Within)
			}
		}
		if got, n := count(other, day, nil, nil, cursor(2), []int64{theirs}); n != 0 || !got.FromIDs || got.Matching != 1 {
			t.Fatalf("the other process's own account: matching %d in %d statements (from the ids %t); want 1 in none",
				got.Matching, n, got.FromIDs)
		}
		// A transaction that does not commit leaves nothing remembered.
		var failed int64
		errFail := fmt.Errorf("fail on purpose")
		err = db.InTx(ctx, func(c *store.Conn) error {
			a := tallyAccount(r.ID, "rolled back")
			a.CreatedAt = at(2)
			if err := c.CreateAccount(ctx, a); err != nil {
				return err
			}
			failed = a.ID
			return errFail
		})
		if err != errFail || failed == 0 {
			t.Fatalf("the failing transaction: %v (account %d)", err, failed)
		}
		if got, n := count(db, day, nil, nil, nil, []int64{failed}); got.FromIDs || n == 0 || got.Matching != 0 {
			t.Fatalf("an account rolled back: matching %d in %d statements (from the ids %t); want 0 by a statement",
				got.Matching, n, got.FromIDs)
		}
	})
}
