package service

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// csShown is what a page of subscriptions shows: each row with its ability, the
// total and the next cursor.
type csShown struct {
	Rows  []string
	Total int
	Next  *domain.Cursor
}

func csShow(views []*SubscriptionView, info domain.PageInfo) csShown {
	out := csShown{Total: info.Total, Next: info.Next}
	for _, v := range views {
		out.Rows = append(out.Rows, fmt.Sprintf("%d %s %s %+v", v.ID, v.Status, v.UpdatedAt, v.Ability))
	}
	return out
}

// TestSubscriptionPagesFollowWritesInTheirSubtree checks that a cached page of the
// subscriptions of a reseller's subtree is read again after a write in that subtree,
// however deep, and kept after a write in another branch; that a credit hold of a
// page's account shows at once in the abilities without reading the page again;
// and that every answer equals what the database holds then.
func TestSubscriptionPagesFollowWritesInTheirSubtree(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetup(t, e)
		reseller := func(parent int64, name string) int64 {
			t.Helper()
			dom, cur := name+".example.com", "EUR"
			r, err := w.s.CreateReseller(ctx, w.admin, parent, domain.ResellerChange{Name: &name, Domain: &dom, Currency: &cur})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.ApplyCatalog(ctx, w.admin, r.ID, []byte(psCatalog), false); err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		child := reseller(domain.OperatorID, "child")
		grand := reseller(child, "grand")
		sibling := reseller(domain.OperatorID, "sibling")
		accountOf := map[int64]int64{domain.OperatorID: w.postpaid}
		postpaid := func(r int64) {
			t.Helper()
			typ, name, class := int64(2), fmt.Sprintf("buyer-%d", r), "postpay"
			email := name + "@example.com"
			acc, err := w.s.CreateAccount(ctx, w.admin, r, domain.AccountChange{AccountTypeID: &typ, FirstName: &name,
				LastName: &name, Email: &email, AccountClassKey: &class})
			if err != nil {
				t.Fatal(err)
			}
			accountOf[r] = acc.ID
		}
		for _, r := range []int64{child, grand, sibling} {
			postpaid(r)
		}
		buy := func(r int64) {
			t.Helper()
			plans, _, err := w.db.Reader().FindPlans(ctx, store.PlanFilter{ResellerID: r,
				Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}})
			if err != nil || len(plans) == 0 {
				t.Fatalf("plans of %d: %v", r, err)
			}
			model, acc := "postpay", accountOf[r]
			in := domain.SalesOrderInput{AccountID: &acc, PlanID: &plans[0].ID, PlanPeriodID: &plans[0].Periods[0].ID,
				PaymentModel: &model}
			if _, err := w.s.CreateSalesOrder(ctx, w.admin, r, in, OrderSource{}); err != nil {
				t.Fatalf("order in %d: %v", r, err)
			}
			if _, err := w.runner.RunDue(ctx); err != nil { // provisions it: active
				t.Fatal(err)
			}
		}
		for _, r := range []int64{domain.OperatorID, child, grand, sibling} {
			buy(r)
		}
		resellers := []int64{domain.OperatorID, child, grand, sibling}
		q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}
		loads := func() int64 { return w.s.caches.subscriptionPages.Stats().Loads }
		// readAll reads the page of every reseller, compares it with the database, and
		// returns how many pages were loaded rather than served from memory.
		readAll := func(when string) int64 {
			t.Helper()
			before := loads()
			for _, r := range resellers {
				views, info, err := w.s.FindSubscriptions(ctx, w.admin, r, q)
				if err != nil {
					t.Fatal(err)
				}
				path, _ := w.s.resellerPath(ctx, w.admin, r)
				tree, err := w.db.Reader().SubtreeOf(ctx, r, path)
				if err != nil {
					t.Fatal(err)
				}
				subs, freshInfo, err := w.db.Reader().FindSubscriptions(ctx, store.SubscriptionFilter{Within: tree, Query: q})
				if err != nil {
					t.Fatal(err)
				}
				fresh, err := w.s.subscriptionViews(ctx, w.db.Reader(), subs)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := csShow(views, info), csShow(fresh, freshInfo); !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: page of reseller %d = %+v, database %+v", when, r, got, want)
				}
			}
			return loads() - before
		}
		if n := readAll("first read"); n != 4 {
			t.Errorf("first read loaded %d pages, want 4", n)
		}
		if n := readAll("second read"); n != 0 {
			t.Errorf("second read loaded %d pages, want 0", n)
		}
		buy(grand) // in the pages of grand, child and the operator
		if n := readAll("after a write in grand"); n != 3 {
			t.Errorf("after a write in grand %d pages were loaded, want 3", n)
		}
		buy(sibling) // in the pages of sibling and the operator
		if n := readAll("after a write in sibling"); n != 2 {
			t.Errorf("after a write in sibling %d pages were loaded, want 2", n)
		}
		// A credit hold changes the abilities, not the rows: no page is loaded, and
		// the abilities of grand's subscriptions follow at once.
		shown := func() csShown {
			t.Helper()
			views, info, err := w.s.FindSubscriptions(ctx, w.admin, grand, q)
			if err != nil {
				t.Fatal(err)
			}
			return csShow(views, info)
		}
		// A stopped prepaid subscription may be activated unless its account is on
		// credit hold.
		views, _, err := w.s.FindSubscriptions(ctx, w.admin, grand, q)
		if err != nil {
			t.Fatal(err)
		}
		w.edit(views[0].ID, func(s *domain.Subscription) {
			s.Status, s.PaymentModel = domain.SubscriptionStatusStopped, domain.PaymentModelPrepay
		})
		readAll("after a stop in grand")
		beforeHold := shown()
		// (Cascade puts accounts on credit hold itself, so the store does it here.)
		err = w.db.InTx(ctx, func(tx *store.Conn) error {
			acc, err := tx.FindAccountForUpdate(ctx, accountOf[grand])
			if err != nil {
				return err
			}
			acc.Status = domain.AccountStatusCreditHold
			return tx.UpdateAccount(ctx, acc)
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := readAll("after a credit hold in grand"); n != 0 {
			t.Errorf("after a credit hold %d pages were loaded, want 0", n)
		}
		if after := shown(); reflect.DeepEqual(after, beforeHold) {
			t.Errorf("the credit hold changed no ability of grand's page: %+v", after)
		}
		// A new reseller below child is in child's subtree at once.
		newer := reseller(child, "newer")
		postpaid(newer)
		resellers = append(resellers, newer)
		readAll("with a new reseller")
		buy(newer)
		if n := readAll("after a write in the new reseller"); n != 3 { // newer, child, the operator
			t.Errorf("after a write in the new reseller %d pages were loaded, want 3", n)
		}
	})
}

// TestSubscriptionPageAbilitiesFollowTheDay reads a cached page every day of two
// months while nothing is written: the page is never read again, yet each day's
// abilities are those the rows have on that day (the deletion window closes and
// the renew window opens), not the first day's that the page keeps.
func TestSubscriptionPageAbilitiesFollowTheDay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetup(t, e)
		for range 3 {
			w.order(w.postpaid, "postpay", "monthly", "")
		}
		if _, err := w.runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}
		loads := func() int64 { return w.s.caches.subscriptionPages.Stats().Loads }
		first := loads()
		seen := map[string]bool{}
		for day := range 60 {
			views, info, err := w.s.FindSubscriptions(ctx, w.admin, domain.OperatorID, q)
			if err != nil {
				t.Fatal(err)
			}
			subs, freshInfo, err := w.db.Reader().FindSubscriptions(ctx, store.SubscriptionFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := w.s.subscriptionViews(ctx, w.db.Reader(), subs)
			if err != nil {
				t.Fatal(err)
			}
			got, want := csShow(views, info), csShow(fresh, freshInfo)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("day %d: page %+v, database %+v", day, got, want)
			}
			seen[fmt.Sprint(got.Rows)] = true
			w.clock.Advance(24 * time.Hour)
		}
		if n := loads() - first; n != 1 {
			t.Errorf("the page was loaded %d times in 60 days without a write, want once", n)
		}
		if len(seen) < 2 {
			t.Errorf("the abilities never changed in 60 days: %v", seen)
		}
	})
}
