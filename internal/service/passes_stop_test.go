package service

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// The automatic stops and deletions cancel the subscription's order that waits for
// its payment or its provisioning date, with the payment, as a manager's stop does.

// subscriptionOrder places an order of kind on subscription sub as the admin.
func (w *psWorld) subscriptionOrder(in domain.SubscriptionOrderInput) *domain.Order {
	w.t.Helper()
	o, err := w.s.CreateSubscriptionOrder(context.Background(), w.admin, domain.OperatorID, in, OrderSource{})
	if err != nil {
		w.t.Fatalf("%s: %v", in.Kind, err)
	}
	return o
}

// renewal places a renewal order of sub for its period.
func (w *psWorld) renewal(sub *domain.Subscription) *domain.Order {
	return w.subscriptionOrder(domain.SubscriptionOrderInput{Kind: domain.RenewalOrder, SubscriptionID: &sub.ID,
		PlanPeriodID: &sub.PlanPeriodID})
}

// wantCancelled checks order o and its payment were cancelled by the subscription's end.
func (w *psWorld) wantCancelled(o *domain.Order) {
	w.t.Helper()
	got := w.orderOf(o.ID)
	if got.Status != domain.OrderStatusCancelled || got.ClosedAt.IsZero() {
		w.t.Fatalf("%s order %d is %s (closed %v), want cancelled", got.Kind, got.ID, got.Status, got.ClosedAt)
	}
	p, err := w.db.Reader().FindPaymentByID(context.Background(), 0, o.PaymentID)
	if err != nil || p.Status != domain.PaymentStatusCancelled {
		w.t.Fatalf("payment of order %d: %+v, %v; want cancelled", o.ID, p, err)
	}
}

// allPasses runs every pass at the local midnight of day, in the scheduler's order.
func (w *psWorld) allPasses(day string) {
	w.t.Helper()
	now := w.at(day, 0, 0, 0)
	for _, p := range w.s.Passes() {
		w.run(p.Name(), now)
	}
}

func TestPassStopAtExpiryCancelsWaitingChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, rnCatalog)
		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		sub := w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive)
		w.edit(sub.ID, func(s *domain.Subscription) { s.Autorenew = false })
		w.at("2031-04-09", 12, 0, 0)
		change := w.subscriptionOrder(domain.SubscriptionOrderInput{Kind: domain.ChangeOrder, SubscriptionID: &sub.ID,
			Changes: []domain.ResourceChange{{SubscriptionResourceID: sub.Resources[0].ID, Additional: 3}}})
		if change.Status != domain.OrderStatusWaitingForPayment || change.ExpirationDate.String() != "2031-04-11" {
			t.Fatalf("change order %s until %s", change.Status, change.ExpirationDate)
		}
		w.allPasses("2031-04-10")
		w.wantSub(sub.ID, domain.SubscriptionStatusStopped)
		w.wantCancelled(change)
		w.allPasses("2031-04-10") // once: nothing more happens
		w.wantSub(sub.ID, domain.SubscriptionStatusStopped)
	})
}

func TestPassStopAtGraceEndCancelsWaitingRenewal(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		w.allPasses("2031-04-07")
		auto := w.onlyOrder(sale.SubscriptionID, domain.RenewalOrder)
		w.allPasses("2031-04-10")
		sub := w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusGraced)
		// The manager replaces the automatic renewal by one of their own, payable
		// after the grace ends (two days from 14 April).
		w.at("2031-04-14", 9, 0, 0)
		if err := w.s.CancelOrder(ctx, w.admin, domain.OperatorID, auto.ID); err != nil {
			t.Fatal(err)
		}
		own := w.renewal(sub)
		if own.Status != domain.OrderStatusWaitingForPayment || own.ExpirationDate.String() != "2031-04-16" {
			t.Fatalf("renewal order %s until %s", own.Status, own.ExpirationDate)
		}
		w.allPasses("2031-04-15")
		w.wantSub(sub.ID, domain.SubscriptionStatusStopped)
		w.wantCancelled(own)
	})
}

func TestPassDeletionCancelsWaitingRenewal(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, rnCatalog)
		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		sub := w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive)
		w.edit(sub.ID, func(s *domain.Subscription) { s.Autorenew = false })
		w.allPasses("2031-04-10")
		sub = w.wantSub(sub.ID, domain.SubscriptionStatusStopped)
		if got := w.schedule(sub.ID).DeleteOn.String(); got != "2031-04-20" {
			t.Fatalf("deletion due %s, want 2031-04-20", got)
		}
		w.at("2031-04-19", 9, 0, 0)
		own := w.renewal(sub)
		w.allPasses("2031-04-20")
		w.wantSub(sub.ID, domain.SubscriptionStatusDeleted)
		w.wantCancelled(own)
	})
}
