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

// TestUpdatesWriteOnlyWhatChanged updates an order and a subscription read under
// their locks: a changed field is written and the other fields stay; an update
// that changes nothing costs the order no statement, and the subscription one
// statement fewer than an update of one field without held terms (its automatic
// days are still written), and the one statement of the days with them. A column
// another statement wrote since the read is compared with what it wrote.
func TestUpdatesWriteOnlyWhatChanged(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s, o := f.created(t, db, "SO000001")
		gen, _, err := db.Reader().Generation(ctx, store.ScopeCatalog)
		if err != nil {
			t.Fatal(err)
		}
		// update reads the order and the subscription under their locks, holding the
		// plan's terms when hold, changes them with change, updates both and returns
		// the statements each update sent.
		update := func(hold bool, change func(*domain.Order, *domain.Subscription)) (orderN, subN uint64) {
			t.Helper()
			err := db.InTx(ctx, func(c *store.Conn) error {
				lo, err := c.FindOrderForUpdate(ctx, 0, o.ID)
				if err != nil {
					return err
				}
				ls, err := c.FindSubscriptionForUpdate(ctx, 0, s.ID)
				if err != nil {
					return err
				}
				if hold {
					c.HoldPlanTerms(ls.PlanID, f.plan.BillingType, domain.DefaultTermSettings, gen)
				}
				change(lo, ls)
				before := db.Statements()
				if err := c.UpdateOrder(ctx, lo); err != nil {
					return err
				}
				orderN = db.Statements() - before
				before = db.Statements()
				if err := c.UpdateSubscription(ctx, ls); err != nil {
					return err
				}
				subN = db.Statements() - before
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return orderN, subN
		}
		expires := domain.Date{Year: 2026, Month: 4, Day: 1}
		statuses := []domain.OrderStatus{domain.OrderStatusProvisioning, domain.OrderStatusCompleted}
		for i, hold := range []bool{false, true} {
			changedO, changedS := update(hold, func(lo *domain.Order, ls *domain.Subscription) {
				lo.Status = statuses[i]
				ls.ExpirationDate, ls.PaidTo = expires, expires
			})
			sameO, sameS := update(hold, func(*domain.Order, *domain.Subscription) {})
			if sameO != 0 || changedO != 1 {
				t.Errorf("hold %v: the order's update sent %d statements, %d unchanged; want 1 and 0",
					hold, changedO, sameO)
			}
			if !hold && changedS-sameS != 1 || hold && (changedS != 1 || sameS != 1) {
				t.Errorf("hold %v: the subscription's update sent %d statements, %d unchanged; want one fewer "+
					"unchanged, or 1 each with held terms", hold, changedS, sameS)
			}
			expires = expires.AddDays(31)
		}
		// A column another statement of the transaction wrote since the read is
		// compared with what that statement wrote: the vendor's state moves
		// updated_at, and an update back to the time read writes it back.
		err = db.InTx(ctx, func(c *store.Conn) error {
			ls, err := c.FindSubscriptionForUpdate(ctx, 0, s.ID)
			if err != nil {
				return err
			}
			read := ls.UpdatedAt
			ls.UpdatedAt = read.Add(time.Hour)
			if err := c.UpdateSubscriptionVendor(ctx, ls); err != nil {
				return err
			}
			ls.UpdatedAt = read
			return c.UpdateSubscription(ctx, ls)
		})
		if err != nil {
			t.Fatal(err)
		}
		gotO, err := db.Reader().FindOrderByID(ctx, 0, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *o
		want.Status = statuses[1]
		if fmt.Sprint(gotO.Lines, gotO.QuoteLines) != fmt.Sprint(want.Lines, want.QuoteLines) {
			t.Errorf("order lines read back as %v %v", gotO.Lines, gotO.QuoteLines)
		}
		gotO.Lines, gotO.QuoteLines, want.Lines, want.QuoteLines = nil, nil, nil, nil
		if fmt.Sprintf("%+v", *gotO) != fmt.Sprintf("%+v", want) {
			t.Errorf("order read back as\n%+v, want\n%+v", *gotO, want)
		}
		gotS, err := db.Reader().FindSubscriptionByID(ctx, 0, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantS := *s
		last := expires.AddDays(-31)
		wantS.ExpirationDate, wantS.PaidTo = last, last
		if fmt.Sprintf("%+v", *gotS) != fmt.Sprintf("%+v", wantS) {
			t.Errorf("subscription read back as\n%+v, want\n%+v", *gotS, wantS)
		}
		days, err := automaticDaysOf(ctx, db, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if wantDay := wantS.AutoRenewalDay(f.plan.BillingType.Rules(), domain.DefaultTermSettings); days.Renewal != wantDay {
			t.Errorf("renewal due on %v, want %v", days.Renewal, wantDay)
		}
	})
}

// automaticDaysOf reads the automatic days of subscription id.
func automaticDaysOf(ctx context.Context, db *store.DB, id int64) (days store.AutomaticDays, err error) {
	err = db.InTx(ctx, func(c *store.Conn) error {
		if _, err := c.FindSubscriptionForUpdate(ctx, 0, id); err != nil {
			return err
		}
		days, err = c.FindAutomaticDays(ctx, id)
		return err
	})
	return days, err
}
