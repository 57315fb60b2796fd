package service

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// caPageOf is what a page shows: its accounts, its total and its next cursor.
type caPageOf struct {
	Accounts []domain.Account
	Total    int
	Next     *domain.Cursor
}

func caShow(rows []*domain.Account, info domain.PageInfo) caPageOf {
	p := caPageOf{Total: info.Total, Next: info.Next}
	for _, a := range rows {
		p.Accounts = append(p.Accounts, *a)
	}
	return p
}

// caCheckFresh reads every query through s (from memory where it can) and straight
// from the database, and fails when the two differ: a stale page.
func caCheckFresh(t *testing.T, s *Service, admin domain.Actor, queries map[string]domain.ListQuery, when string) {
	t.Helper()
	ctx := context.Background()
	for name, q := range queries {
		rows, info, err := s.FindAccounts(ctx, admin, domain.OperatorID, q)
		if err != nil {
			t.Fatalf("%s: %s: %v", when, name, err)
		}
		fresh, freshInfo, err := s.db.Reader().FindAccounts(ctx, store.AccountFilter{ResellerID: domain.OperatorID, Query: q})
		if err != nil {
			t.Fatalf("%s: %s fresh: %v", when, name, err)
		}
		if got, want := caShow(rows, info), caShow(fresh, freshInfo); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %s: cached page %+v, fresh %+v", when, name, got, want)
		}
	}
}

// caPageStats returns the loads and refreshes of s's account pages.
func caPageStats(s *Service) (loads, refreshes int64) {
	st := s.caches.accountPages.Stats()
	return st.Loads, st.Refreshes
}

// TestAccountPagesSurviveCreatesOutsideThem checks that a page an account create
// cannot change (a day in the past; a page the new account sorts after) is kept,
// with its total grown where the new account counts, and that a page it does change
// (the newest first; today's accounts; a user_email filter of the new user; a page
// that ended the list) is read again, and that an update, which the store does not
// declare, reads every page again. Each read is compared with a fresh query.
func TestAccountPagesSurviveCreatesOutsideThem(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		day := time.Date(2031, 1, 1, 10, 0, 0, 0, time.UTC)
		clock := domain.NewTestClock(day)
		s, admin := mgNewService(t, storetest.Open(t, e), clock)
		var old []*domain.Account
		for i := range 5 {
			old = append(old, chNewAccount(t, s, admin, domain.OperatorID, fmt.Sprintf("day-%d", i)))
			clock.Advance(time.Minute)
		}
		clock.Set(day.AddDate(0, 0, 30))
		for i := range 3 {
			chNewAccount(t, s, admin, domain.OperatorID, fmt.Sprintf("recent-%d", i))
		}
		dayStart := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
		today := dayStart.AddDate(0, 0, 30)
		size2 := domain.Page{Number: 1, Size: 2}
		first, _, err := s.FindAccounts(context.Background(), admin, domain.OperatorID, domain.ListQuery{Page: size2})
		if err != nil || len(first) != 2 {
			t.Fatalf("first page: %d rows, %v", len(first), err)
		}
		survive := map[string]domain.ListQuery{
			"day":          domain.ListQuery{Page: size2}.Where("created_at", domain.OpGe, dayStart).Where("created_at", domain.OpLt, dayStart.AddDate(0, 0, 1)),
			"page 1":       {Page: size2},
			"page 2":       {Page: domain.Page{Number: 2, Size: 2}},
			"by name":      {Page: size2, Sort: []domain.SortKey{{Field: "name"}}},
			"after cursor": {Page: domain.Page{Size: 2, After: &domain.Cursor{ID: first[1].ID}}},
		}
		change := map[string]domain.ListQuery{
			"newest first": {Page: size2, Sort: []domain.SortKey{{Field: "id", Desc: true}}},
			"today":        domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}.Where("created_at", domain.OpGe, today),
			"new user":     domain.ListQuery{Page: size2}.Where("user_email", domain.OpIn, "zadded@example.com"),
			"last page":    {Page: domain.Page{Number: 4, Size: 2}},
		}
		all := map[string]domain.ListQuery{}
		for name, q := range survive {
			all[name] = q
		}
		for name, q := range change {
			all[name] = q
		}
		caCheckFresh(t, s, admin, all, "first read")
		loads, refreshes := caPageStats(s)
		chNewAccount(t, s, admin, domain.OperatorID, "zadded") // sorts after every name
		caCheckFresh(t, s, admin, all, "after a create")
		gotLoads, gotRefreshes := caPageStats(s)
		if gotLoads-loads != int64(len(change)) || gotRefreshes-refreshes != int64(len(survive)) {
			t.Fatalf("after a create: %d loads and %d refreshes, want %d and %d", gotLoads-loads,
				gotRefreshes-refreshes, len(change), len(survive))
		}

		city := "Elsewhere"
		if _, err := s.UpdateAccount(context.Background(), admin, domain.OperatorID, old[0].ID,
			domain.AccountChange{AccountTypeID: &old[0].AccountTypeID, City: &city}); err != nil {
			t.Fatalf("update account: %v", err)
		}
		loads, refreshes = caPageStats(s)
		caCheckFresh(t, s, admin, all, "after an update")
		if gotLoads, gotRefreshes := caPageStats(s); gotLoads-loads != int64(len(all)) || gotRefreshes != refreshes {
			t.Fatalf("after an update: %d loads and %d refreshes, want %d and none", gotLoads-loads,
				gotRefreshes-refreshes, len(all))
		}
		rows, _, err := s.FindAccounts(context.Background(), admin, domain.OperatorID, all["day"])
		if err != nil || len(rows) == 0 || rows[0].City != city {
			t.Fatalf("day page after the update: %+v, %v; want the updated account first", rows, err)
		}
	})
}

// TestAccountPagesExactUnderConcurrentCreates runs creates from this process and
// from a second one sharing the database while readers read pages over and over,
// and then checks that every page read through the cache equals a fresh query.
func TestAccountPagesExactUnderConcurrentCreates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		dayStart := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := domain.NewTestClock(dayStart.Add(10 * time.Hour))
		db := storetest.Open(t, e)
		s, admin := mgNewService(t, db, clock)
		for i := range 6 {
			chNewAccount(t, s, admin, domain.OperatorID, fmt.Sprintf("seed-%d", i))
		}
		otherDB, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer otherDB.Close()
		other := New(otherDB, clock, s.opts)
		size := domain.Page{Number: 1, Size: 3}
		queries := map[string]domain.ListQuery{
			"page 1":       {Page: size},
			"page 2":       {Page: domain.Page{Number: 2, Size: 3}},
			"newest first": {Page: size, Sort: []domain.SortKey{{Field: "id", Desc: true}}},
			"by name":      {Page: size, Sort: []domain.SortKey{{Field: "name", Desc: true}}},
			"seed names":   domain.ListQuery{Page: size}.Where("name", domain.OpContains, "seed"),
			// Bounded by creation time: counted from the creation times a process
			// remembers of its own creates, and by a statement for the other's.
			"created today": domain.ListQuery{Page: size}.Where("created_at", domain.OpGe, dayStart),
			"created from nine": domain.ListQuery{Page: size}.Where("created_at", domain.OpGt, dayStart.Add(9*time.Hour)).
				Where("created_at", domain.OpLt, dayStart.Add(11*time.Hour)),
			// The seeds alone: the creates below come later.
			"seeded": domain.ListQuery{Page: size}.Where("created_at", domain.OpLt, dayStart.Add(10*time.Hour+time.Minute)),
		}
		clock.Advance(30 * time.Minute)
		const writers, creates, readers = 4, 8, 4
		var wg sync.WaitGroup
		done := make(chan struct{})
		errs := make(chan error, writers*creates+readers)
		for w := range writers {
			svc := s
			if w%2 == 1 {
				svc = other
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range creates {
					name := fmt.Sprintf("w%d-%d", w, i)
					typeID, email, first, last := int64(1), name+"@example.com", "Ann", "Lee"
					if _, err := svc.CreateAccount(ctx, admin, domain.OperatorID, domain.AccountChange{
						AccountTypeID: &typeID, PrimaryName: &name, Email: &email, FirstName: &first,
						LastName: &last}); err != nil {
						errs <- err
					}
				}
			}()
		}
		var rg sync.WaitGroup
		for range readers {
			rg.Add(1)
			go func() {
				defer rg.Done()
				for {
					select {
					case <-done:
						return
					default:
					}
					for _, q := range queries {
						if _, _, err := s.FindAccounts(ctx, admin, domain.OperatorID, q); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(done)
		rg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("concurrent reads and creates: %v", err)
		}
		caCheckFresh(t, s, admin, queries, "after concurrent creates")
		// Whether a refresh happened during the run depends on timing (a load that
		// overlaps a commit is not kept); one create after it, with the pages held,
		// must take the refresh path.
		_, before := caPageStats(s)
		chNewAccount(t, s, admin, domain.OperatorID, "after-the-run")
		caCheckFresh(t, s, admin, queries, "after one more create")
		if _, after := caPageStats(s); after == before {
			t.Fatalf("no page was refreshed after a create once the pages were held (%d refreshes)", after)
		}
	})
}

// TestAccountPageRefreshStatements counts the statements of a read that brings a
// cached page up to date after a create: a reseller's whole list by id places the
// new account by its id, with no count, where a page sorted by name asks the
// database where the new account falls, on PostgreSQL in the round trip that reads
// the scope's state.
func TestAccountPageRefreshStatements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2031, 1, 1, 10, 0, 0, 0, time.UTC)))
		for i := range 3 {
			chNewAccount(t, s, admin, domain.OperatorID, fmt.Sprintf("kept-%d", i))
		}
		size2 := domain.Page{Number: 1, Size: 2}
		pages := map[string]domain.ListQuery{
			"page 1":  {Page: size2},
			"by name": {Page: size2, Sort: []domain.SortKey{{Field: "name"}}},
		}
		caCheckFresh(t, s, admin, pages, "first read")
		chNewAccount(t, s, admin, domain.OperatorID, "zadded")
		counts, trips := map[string]uint64{}, map[string]uint64{}
		for _, name := range []string{"page 1", "by name"} {
			q := pages[name]
			loads, refreshes := caPageStats(s)
			before, tripsBefore := s.db.Statements(), s.db.RoundTrips()
			if _, _, err := s.FindAccounts(context.Background(), admin, domain.OperatorID, q); err != nil {
				t.Fatal(err)
			}
			counts[name], trips[name] = s.db.Statements()-before, s.db.RoundTrips()-tripsBefore
			if gotLoads, got := caPageStats(s); got != refreshes+1 || gotLoads != loads {
				t.Fatalf("%s: %d loads and %d refreshes, want none and 1", name, gotLoads-loads, got-refreshes)
			}
		}
		caCheckFresh(t, s, admin, pages, "after a create")
		// PostgreSQL: the generation check, then the scope's state with what was
		// added, and for the page by name where it falls, sent with the state: two
		// round trips each. SQLite checks generations in memory: each refresh reads
		// what was added, the first read after the write reloads the scope's state
		// too, and the page by name adds its count.
		want, wantTrips := map[string]uint64{"page 1": 2, "by name": 3}, map[string]uint64{"page 1": 2, "by name": 2}
		if e.Name == "sqlite" {
			want, wantTrips = map[string]uint64{"page 1": 2, "by name": 2}, map[string]uint64{"page 1": 0, "by name": 0}
		}
		if !reflect.DeepEqual(counts, want) || !reflect.DeepEqual(trips, wantTrips) {
			t.Fatalf("statements of the refreshing reads: %v in %v round trips, want %v in %v", counts, trips,
				want, wantTrips)
		}
	})
}
