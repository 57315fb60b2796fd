package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestUpdateSubscriptionWithHeldTerms updates two like subscriptions, one with its
// plan's terms held by the transaction (the automatic days written by the update
// itself) and one without (read from the plan and written apart): both get the same
// days, also after an automatic order was made for the expiration date. Held terms
// of a catalogue that has moved since write nothing and answer ErrCatalogMoved. A
// resource changed is written; unchanged ones cost no statement.
func TestUpdateSubscriptionWithHeldTerms(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		var held, apart *domain.Subscription
		err := db.InTx(ctx, func(c *store.Conn) error {
			held, apart = f.subscription(t), f.subscription(t)
			if err := c.CreateSubscription(ctx, held); err != nil {
				return err
			}
			return c.CreateSubscription(ctx, apart)
		})
		if err != nil {
			t.Fatal(err)
		}
		gen, _, err := db.Reader().Generation(ctx, store.ScopeCatalog)
		if err != nil {
			t.Fatal(err)
		}
		terms := domain.DefaultTermSettings
		// update activates subscription id until expires under held terms (when
		// hold) at catalogue generation at, and returns its automatic days.
		update := func(id int64, expires domain.Date, hold bool, at int64, more func(*domain.Subscription)) (store.AutomaticDays, error) {
			var days store.AutomaticDays
			err := db.InTx(ctx, func(c *store.Conn) error {
				s, err := c.FindSubscriptionForUpdate(ctx, 0, id)
				if err != nil {
					return err
				}
				if hold {
					c.HoldPlanTerms(s.PlanID, f.plan.BillingType, terms, at)
				}
				s.Status, s.Autorenew = domain.SubscriptionStatusActive, true
				s.StartDate, s.ExpirationDate, s.PaidTo = expires.AddDays(-30), expires, expires
				if more != nil {
					more(s)
				}
				if err := c.UpdateSubscription(ctx, s); err != nil {
					return err
				}
				days, err = c.FindAutomaticDays(ctx, id)
				return err
			})
			return days, err
		}
		expires := domain.Date{Year: 2026, Month: 4, Day: 30}
		gotHeld, err := update(held.ID, expires, true, gen, nil)
		if err != nil {
			t.Fatal(err)
		}
		gotApart, err := update(apart.ID, expires, false, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if gotHeld != gotApart || gotHeld.Renewal.IsZero() {
			t.Fatalf("automatic days with held terms %+v, read apart %+v, want equal with a renewal day", gotHeld, gotApart)
		}

		// An automatic renewal made for the expiration date empties the day, and an
		// update for the same date keeps it empty.
		for _, id := range []int64{held.ID, apart.ID} {
			err := db.InTx(ctx, func(c *store.Conn) error {
				s, err := c.FindSubscriptionForUpdate(ctx, 0, id)
				if err != nil {
					return err
				}
				return c.MarkAutomaticOrder(ctx, s, domain.RenewalOrder, expires, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if gotHeld, err = update(held.ID, expires, true, gen, nil); err != nil {
			t.Fatal(err)
		}
		if gotApart, err = update(apart.ID, expires, false, 0, nil); err != nil {
			t.Fatal(err)
		}
		if gotHeld != gotApart || !gotHeld.Renewal.IsZero() {
			t.Fatalf("automatic days after the renewal order: held %+v, apart %+v, want equal without a renewal day",
				gotHeld, gotApart)
		}

		// The catalogue moved past the held terms' generation: nothing is written.
		later := expires.AddDays(31)
		if _, err := update(held.ID, later, true, gen+1, nil); !errors.Is(err, store.ErrCatalogMoved) {
			t.Fatalf("update with terms of a moved catalogue: %v, want ErrCatalogMoved", err)
		}
		s, err := db.Reader().FindSubscriptionByID(ctx, 0, held.ID)
		if err != nil || s.ExpirationDate != expires {
			t.Fatalf("subscription after the refused update: %+v (%v), want it to expire on %s", s, err, expires)
		}

		// One resource changed: the update and that resource's; none: the update only.
		for _, tc := range []struct {
			additional int64
			statements uint64
		}{{additional: 7, statements: 2}, {additional: 7, statements: 1}} {
			var ran uint64
			_, err := update(held.ID, expires, true, gen, func(s *domain.Subscription) {
				s.Resources[0].Additional = tc.additional
				ran = db.Statements()
			})
			if err != nil {
				t.Fatal(err)
			}
			// The update and the resources written; then FindAutomaticDays and, with
			// the commit, the move of the subscriptions scope.
			if got := db.Statements() - ran - 2; got != tc.statements {
				t.Errorf("update setting additional %d ran %d statements, want %d", tc.additional, got, tc.statements)
			}
			s, err := db.Reader().FindSubscriptionByID(ctx, 0, held.ID)
			if err != nil || s.Resources[0].Additional != tc.additional {
				t.Fatalf("subscription %+v (%v), want additional %d", s, err, tc.additional)
			}
		}
	})
}
