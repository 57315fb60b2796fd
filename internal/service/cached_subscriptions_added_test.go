package service

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// csCheckFresh reads every query of the operator's subscriptions through w's service
// (from memory where it can) and straight from the database, fails when the two
// differ, and returns the pages shown.
func csCheckFresh(t *testing.T, w *psWorld, queries map[string]domain.ListQuery, when string) map[string]csShown {
	t.Helper()
	ctx := context.Background()
	tree, err := w.db.Reader().SubtreeOf(ctx, domain.OperatorID, "/1/")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]csShown{}
	for name, q := range queries {
		views, info, err := w.s.FindSubscriptions(ctx, w.admin, domain.OperatorID, q)
		if err != nil {
			t.Fatalf("%s: %s: %v", when, name, err)
		}
		subs, freshInfo, err := w.db.Reader().FindSubscriptions(ctx, store.SubscriptionFilter{Within: tree, Query: q})
		if err != nil {
			t.Fatalf("%s: %s fresh: %v", when, name, err)
		}
		fresh, err := w.s.subscriptionViews(ctx, w.db.Reader(), subs)
		if err != nil {
			t.Fatal(err)
		}
		got, want := csShow(views, info), csShow(fresh, freshInfo)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %s: cached page %+v, database %+v", when, name, got, want)
		}
		out[name] = got
	}
	return out
}

// csPageStats returns the loads and refreshes of w's subscription pages.
func csPageStats(w *psWorld) (loads, refreshes int64) {
	st := w.s.caches.subscriptionPages.Stats()
	return st.Loads, st.Refreshes
}

// TestSubscriptionPagesSurviveSalesOrders checks that a sales order, which only adds
// a subscription (with its order and payment), keeps the pages it cannot change (the
// new subscription sorts after them, or their filter leaves it out) with their
// totals moved where it counts, and reads again those it does change (the newest
// first, a page that ended the list); and that an order on a subscription, which
// changes its ability, reads again the pages that show it or whose filter a change
// may move it into or out of, and shows the new ability, while the other pages
// stay. Each read is compared with the database.
func TestSubscriptionPagesSurviveSalesOrders(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		// Prepaid subscriptions: an order of one waits for its payment, so placing it
		// writes the order alone.
		var subs []*domain.Subscription
		for range 3 {
			sale := w.order(w.prepaid, "prepay", "monthly", "")
			w.pay(sale.PaymentID)
			subs = append(subs, w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive))
		}
		size2 := domain.Page{Number: 1, Size: 2}
		survive := map[string]domain.ListQuery{
			"page 1":       {Page: size2},
			"active":       domain.ListQuery{Page: size2}.Where("status", domain.OpIn, "active"),
			"ordered too":  domain.ListQuery{Page: size2}.Where("status", domain.OpIn, "active", "ordered"),
			"after cursor": {Page: domain.Page{Size: 1, After: &domain.Cursor{ID: subs[0].ID}}},
		}
		change := map[string]domain.ListQuery{
			"newest first": {Page: size2, Sort: []domain.SortKey{{Field: "id", Desc: true}}},
			"last page":    {Page: domain.Page{Number: 2, Size: 2}},
		}
		all := map[string]domain.ListQuery{}
		for name, q := range survive {
			all[name] = q
		}
		for name, q := range change {
			all[name] = q
		}
		before := csCheckFresh(t, w, all, "first read")
		loads, refreshes := csPageStats(w)
		sale := w.order(w.prepaid, "prepay", "monthly", "") // waits for its payment
		after := csCheckFresh(t, w, all, "after a sales order")
		gotLoads, gotRefreshes := csPageStats(w)
		if gotLoads-loads != int64(len(change)) || gotRefreshes-refreshes != int64(len(survive)) {
			t.Fatalf("after a sales order: %d loads and %d refreshes, want %d and %d", gotLoads-loads,
				gotRefreshes-refreshes, len(change), len(survive))
		}
		if after["ordered too"].Total != before["ordered too"].Total+1 || after["active"].Total != before["active"].Total {
			t.Fatalf("totals after a sales order: %+v, before %+v", after, before)
		}

		// A change order of a subscription page 1 shows puts an order in flight (it
		// waits for its payment): the subscription's ability changes, and no page
		// may keep what it showed.
		sub := w.sub(subs[0].ID)
		if _, err := w.s.CreateSubscriptionOrder(ctx, w.admin, domain.OperatorID, domain.SubscriptionOrderInput{
			Kind: domain.ChangeOrder, SubscriptionID: &sub.ID,
			Changes: []domain.ResourceChange{{SubscriptionResourceID: sub.Resources[0].ID, Additional: 2}}},
			OrderSource{}); err != nil {
			t.Fatal(err)
		}
		loads, refreshes = csPageStats(w)
		changed := csCheckFresh(t, w, all, "after a change order")
		// Read again: the status filters (a change may move a row into or out of
		// them); kept: the pages in id order, which no change moves, page 1 with
		// the changed subscription's row read again (withRowsRead).
		if gotLoads, gotRefreshes := csPageStats(w); gotLoads-loads != 2 || gotRefreshes-refreshes != 4 {
			t.Fatalf("after a change order: %d loads and %d refreshes, want 2 and 4", gotLoads-loads,
				gotRefreshes-refreshes)
		}
		if changed["page 1"].Rows[0] == after["page 1"].Rows[0] {
			t.Fatalf("page 1 after the change order shows %s as before", changed["page 1"].Rows[0])
		}

		// Paying the sale changes the new subscription (and provisions it): the
		// status filters are read again, the others kept, those that show it with
		// its row read again.
		w.pay(sale.PaymentID)
		loads, refreshes = csPageStats(w)
		csCheckFresh(t, w, all, "after the payment")
		if gotLoads, gotRefreshes := csPageStats(w); gotLoads-loads != 2 || gotRefreshes-refreshes != 4 {
			t.Fatalf("after the payment: %d loads and %d refreshes, want 2 and 4", gotLoads-loads,
				gotRefreshes-refreshes)
		}
	})
}

// TestSubscriptionPageRefreshStatements counts the statements of the read that
// brings page 1 up to date. After a sales order, on PostgreSQL: the generations, the
// scope's state with what its moves declared, and the count of the added
// subscriptions that fall in the page, whose statement also reads the scope's
// generation, so that no other checks that the scope stayed while they were
// counted. After a change of a subscription the page does not show, the
// generations and the scope's state, which says the change leaves the page: nothing
// was added, so nothing is counted. After a change of a row the page shows, the
// same, then that row with its order in flight in one round trip (the plans stand
// with the catalogue). On SQLite the generations after a commit are a read of each
// scope's rows, and the state is then in memory.
func TestSubscriptionPageRefreshStatements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, rnCatalog)
		var subs []int64
		for range 3 { // page 1 is not the last: the next sale sorts after it
			sale := w.order(w.prepaid, "prepay", "monthly", "")
			w.pay(sale.PaymentID)
			subs = append(subs, sale.SubscriptionID)
		}
		page1 := map[string]domain.ListQuery{"page 1": {Page: domain.Page{Number: 1, Size: 2}}}
		csCheckFresh(t, w, page1, "first read")
		for _, tc := range []struct {
			name       string
			change     func()
			pg, sqlite uint64
			pgTrips    uint64
		}{
			{"after a sales order", func() { w.order(w.prepaid, "prepay", "monthly", "") }, 3, 5, 3},
			// The page was refreshed moments ago: its read takes the scope's state with
			// the generations it checks.
			{"after a change page 1 does not show", func() {
				w.edit(subs[2], func(s *domain.Subscription) { s.Autorenew = !s.Autorenew })
			}, 2, 4, 1},
			// A row of page 1 changed: the generations and the scope's state, then
			// the row with its order in flight, in a round trip of their own.
			{"after a change of a row page 1 shows", func() {
				w.edit(subs[0], func(s *domain.Subscription) { s.Autorenew = !s.Autorenew })
			}, 4, 6, 2},
		} {
			tc.change()
			loads, refreshes := csPageStats(w)
			before, trips := w.db.Statements(), w.db.RoundTrips()
			if _, _, err := w.s.FindSubscriptions(context.Background(), w.admin, domain.OperatorID,
				page1["page 1"]); err != nil {
				t.Fatal(err)
			}
			n, nTrips := w.db.Statements()-before, w.db.RoundTrips()-trips
			if gotLoads, got := csPageStats(w); got != refreshes+1 || gotLoads != loads {
				t.Fatalf("%s: %d loads and %d refreshes, want none and 1", tc.name, gotLoads-loads, got-refreshes)
			}
			want := tc.pg
			if e.Name == "sqlite" {
				want = tc.sqlite
			}
			if n != want || e.Name == "postgres" && nTrips != tc.pgTrips {
				t.Fatalf("%s: statements of the refreshing read: %d in %d round trips, want %d (%d round trips on PostgreSQL)",
					tc.name, n, nTrips, want, tc.pgTrips)
			}
			csCheckFresh(t, w, page1, tc.name)
		}
	})
}

// TestSettledStateOfAPageReadWhileOthersChanged checks the state a page read since
// a state of its scope is exactly the list's at: that state while the scope stays,
// the state now when only other subscriptions changed since, and none when a row of
// the page changed, a subscription was added, or the page's filter reads a field
// that changes; and that a page in id order whose own row changed is exact at the
// state now once that row alone is read again (unmovedOrStale, withRowsRead).
func TestSettledStateOfAPageReadWhileOthersChanged(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		var subs []*domain.Subscription
		for range 3 {
			subs = append(subs, w.sub(w.order(w.postpaid, "postpay", "monthly", "").SubscriptionID))
		}
		c, scope := w.db.Reader(), store.SubscriptionsScope(domain.OperatorID)
		page := subscriptionsPage{subs: subs[:2]}
		byStatus := page
		byStatus.filter.Query.Conditions = []domain.Condition{{Field: "status", Op: domain.OpIn,
			Values: []any{string(subs[0].Status)}}}
		state := func() store.ScopeState {
			t.Helper()
			st, ok, err := c.ScopeState(ctx, scope)
			if err != nil || !ok {
				t.Fatalf("state: ok=%t err=%v", ok, err)
			}
			return st
		}
		flip := func(s *domain.Subscription) { s.Autorenew = !s.Autorenew }
		settled := func(name string, p subscriptionsPage, change func(), wantExact bool) {
			t.Helper()
			st := state()
			change()
			now := state()
			// Left as it is: where it was, and none of its own rows changed.
			var stale []int64
			where := p.unmovedOrStale(&stale)
			unmoved := func(changed []int64) bool { return where(changed) && len(stale) == 0 }
			got, exact, err := settledState(ctx, c, scope, st, unmoved)
			switch {
			case err != nil:
				t.Fatalf("%s: %v", name, err)
			case exact != wantExact:
				t.Fatalf("%s: exact %t, want %t", name, exact, wantExact)
			case exact && got.Gen != now.Gen:
				t.Fatalf("%s: exact at generation %d, want the state now, %d", name, got.Gen, now.Gen)
			}
		}
		settled("nothing moved", page, func() {}, true)
		settled("another subscription changed", page, func() { w.edit(subs[2].ID, flip) }, true)
		settled("a row of the page changed", page, func() { w.edit(subs[1].ID, flip) }, false)
		settled("a subscription added", page, func() { w.order(w.postpaid, "postpay", "monthly", "") }, false)
		settled("a filter by status, another changed", byStatus, func() { w.edit(subs[2].ID, flip) }, false)

		// As a load or a refresh reads it: a changed row of the page in id order
		// is noted to be read again, and the page is exact at the state now with
		// that row read afresh and the others kept; a filter by status is not.
		var stale []int64
		st := state()
		w.edit(subs[1].ID, flip)
		now := state()
		got, exact, err := settledState(ctx, c, scope, st, page.unmovedOrStale(&stale))
		if err != nil || !exact || got.Gen != now.Gen || !slices.Equal(stale, []int64{subs[1].ID}) {
			t.Fatalf("a row of the page changed, read again: exact %t at %d (now %d), stale %v, err %v; "+
				"want exact now with %d stale", exact, got.Gen, now.Gen, stale, err, subs[1].ID)
		}
		fresh, ok, err := w.s.withRowsRead(ctx, c, page, stale)
		if err != nil || !ok {
			t.Fatalf("read the stale row again: ok %t, err %v", ok, err)
		}
		if want := w.sub(subs[1].ID); fresh.subs[1].Autorenew != want.Autorenew || fresh.subs[0] != page.subs[0] ||
			page.subs[1] != subs[1] {
			t.Fatalf("rows after the read: %+v, want the changed row as the database holds it (%+v), the other "+
				"kept, and the page read before unchanged", fresh.subs, want)
		}
		stale, st = nil, state()
		w.edit(subs[1].ID, flip)
		if _, exact, err := settledState(ctx, c, scope, st, byStatus.unmovedOrStale(&stale)); err != nil || exact {
			t.Fatalf("a filter by status, read again: exact %t, err %v; want not exact", exact, err)
		}
	})
}
