package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestLedgerCheckSeesSubscriptionDebts gives a postpaid subscription its order's
// blocked charges: the ledger check finds its debt missing until it is moved, by
// one statement or by the batch's; a move of a row not read for update is refused,
// and UpdateSubscription leaves the debt as it is.
func TestLedgerCheckSeesSubscriptionDebts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s := f.subscription(t)
		s.PaymentModel = domain.PaymentModelPostpay
		o := f.order(s, "SO000001")
		o.PaymentModel, o.Total, o.Status = domain.PaymentModelPostpay, 6_750_000, domain.OrderStatusProvisioning
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.CreateSubscription(ctx, s); err != nil {
				return err
			}
			o.SubscriptionID = s.ID
			if err := c.CreateOrder(ctx, o); err != nil {
				return err
			}
			return c.CreateCharges(ctx, domain.ChargesOfOrder(o, s, now, time.UTC))
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.Reader().CheckLedger(ctx)
		if err != nil || len(v) != 1 || !strings.Contains(v[0].Text, "current debt 0.0") ||
			!strings.Contains(v[0].Text, "make 6.75") {
			t.Fatalf("ledger without the debt: %+v, %v", v, err)
		}

		if err := db.InTx(ctx, func(c *store.Conn) error { return c.AddSubscriptionDebt(ctx, s, 1) }); err == nil {
			t.Fatal("the debt of a row not read for update moved")
		}
		move := func(batch bool, delta domain.Amount) {
			t.Helper()
			err := db.InTx(ctx, func(c *store.Conn) error {
				locked, err := c.FindSubscriptionForUpdate(ctx, 0, s.ID)
				if err != nil {
					return err
				}
				if batch {
					return c.AddSubscriptionDebts(ctx, []*domain.Subscription{locked}, []domain.Amount{delta})
				}
				if err := c.AddSubscriptionDebt(ctx, locked, delta); err != nil {
					return err
				}
				// A copy read before the move writes everything but the debt.
				s.Name, s.CurrentDebt = "Renamed", 0
				return c.UpdateSubscription(ctx, s)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		move(false, 5_000_000)
		move(true, 1_750_000)
		got, err := db.Reader().FindSubscriptionByID(ctx, 0, s.ID)
		if err != nil || got.CurrentDebt != 6_750_000 || got.Name != "Renamed" {
			t.Fatalf("subscription %+v, %v; want Renamed owing 6.75", got, err)
		}
		if v, err := db.Reader().CheckLedger(ctx); err != nil || len(v) != 0 {
			t.Fatalf("ledger with the debt: %+v, %v", v, err)
		}
	})
}
