package service

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// rnCatalog renews three days before expiration (the manual window opens ten days
// before): a monthly pay-as-you-go plan with seats, a yearly CSP plan paid month by
// month, and a trial.
const rnCatalog = `service_terms:
  - {key: early, name: Early, autorenew_point: 3, manual_renew_point: 10, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 2}
payment_methods:
  - {key: cash, name: Cash}
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]
plans:
  - {key: monthly, product: p, name: Monthly, currency: EUR, status: active, service_term: early,
     billing_type: pay_as_you_go, periods: [{key: m, duration: 1, unit: months, recurring_fee: "10.00"}],
     resources: [{key: seat, name: Seat, unit: unit, measurable: true, included: 0, limit: 50, recurring_fee: "2.00"}]}
  - {key: csp, product: p, name: CSP, currency: EUR, status: active, service_term: early,
     billing_type: csp_monthly, periods: [{key: y, duration: 1, unit: years, recurring_fee: "10.00"}]}
  - {key: trial, product: p, name: Trial, currency: EUR, status: active, service_term: early,
     billing_type: pay_as_you_go, periods: [{key: t, duration: 14, unit: days, trial: true}]}
`

// ordersOf returns the orders of subscription sub of kind, oldest first.
func (w *psWorld) ordersOf(sub int64, kind domain.OrderKind) []*domain.Order {
	w.t.Helper()
	all, _, err := w.db.Reader().FindOrders(context.Background(), store.OrderFilter{ResellerID: domain.OperatorID,
		Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []*domain.Order
	for i := len(all) - 1; i >= 0; i-- {
		if o := all[i]; o.SubscriptionID == sub && o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// race runs pass name at now from this service and from another node (its own pool)
// at once, twice each, then delivers the jobs due.
func (w *psWorld) race(e storetest.Engine, name string, now time.Time) {
	w.t.Helper()
	other := psNewService(w.t, storetest.Open(w.t, e), w.clock)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, svc := range []*Service{w.s, other, w.s, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range svc.Passes() {
				if p.Name() == name {
					errs <- p.Run(context.Background(), now)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			w.t.Fatalf("%s: %v", name, err)
		}
	}
	w.run(name, now) // delivers the jobs
}

// onlyOrder checks subscription sub has exactly one order of kind and returns it.
func (w *psWorld) onlyOrder(sub int64, kind domain.OrderKind) *domain.Order {
	w.t.Helper()
	os := w.ordersOf(sub, kind)
	if len(os) != 1 {
		w.t.Fatalf("subscription %d has %d %s orders, want one", sub, len(os), kind)
	}
	return os[0]
}

// pay completes payment id with the cash method.
func (w *psWorld) pay(id int64) {
	w.t.Helper()
	ctx := context.Background()
	methods, err := w.db.Reader().FindPaymentMethodsOf(ctx, []int64{domain.OperatorID})
	if err != nil || len(methods) == 0 {
		w.t.Fatalf("payment methods: %v", err)
	}
	if _, err := w.s.CompletePayment(ctx, w.admin, domain.OperatorID, id,
		PaymentCompletion{PaymentMethodID: &methods[0].ID}); err != nil {
		w.t.Fatalf("complete payment %d: %v", id, err)
	}
	if _, err := w.runner.RunDue(ctx); err != nil {
		w.t.Fatal(err)
	}
}

func TestPassRenewPostpaid(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, rnCatalog)
		const name = "renew_subscriptions"
		sub := w.active("monthly")
		if sub.ExpirationDate.String() != "2031-04-10" || !sub.Autorenew {
			t.Fatalf("subscription expires %s, auto-renew %v", sub.ExpirationDate, sub.Autorenew)
		}
		w.wantNext(name, w.at("2031-03-10", 10, 0, 0), time.Date(2031, 4, 7, 0, 0, 0, 0, psTokyo))

		w.run(name, w.at("2031-04-06", 23, 59, 59))
		if os := w.ordersOf(sub.ID, domain.RenewalOrder); len(os) != 0 {
			t.Fatalf("three days and a second before expiration: %d renewal orders", len(os))
		}
		// Two nodes run the pass at local midnight: one renewal order.
		midnight := w.at("2031-04-07", 0, 0, 0)
		w.race(e, name, midnight)
		o := w.onlyOrder(sub.ID, domain.RenewalOrder)
		if o.Status != domain.OrderStatusWaitingForProvisioning || o.ProvisioningDate.String() != "2031-04-10" ||
			o.CreatedBy != domain.CreatedBySystem || o.Total != 10_000_000 ||
			o.PlanPeriodID != sub.PlanPeriodID {
			t.Fatalf("renewal order %+v, want waiting for 2031-04-10, by System, 10.00", o)
		}
		w.wantNext(name, midnight, time.Time{})

		// On the expiration date it is provisioned and the period does not lapse.
		day := w.at("2031-04-10", 0, 0, 0)
		for _, p := range []string{"expire_unpaid_orders", name, "start_delayed_orders", "end_subscription_periods"} {
			w.run(p, day)
		}
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCompleted {
			t.Fatalf("renewal order %s, want completed", got.Status)
		}
		renewed := w.wantSub(sub.ID, domain.SubscriptionStatusActive)
		if renewed.ExpirationDate.String() != "2031-05-10" {
			t.Fatalf("renewed to %s, want 2031-05-10", renewed.ExpirationDate)
		}
		w.onlyOrder(sub.ID, domain.RenewalOrder)
		w.wantNext(name, day, time.Date(2031, 5, 7, 0, 0, 0, 0, psTokyo))
	})
}

func TestPassRenewPrepaidSupersedesChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		const name = "renew_subscriptions"
		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		sub := w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive)

		w.at("2031-04-06", 12, 0, 0)
		change, err := w.s.CreateSubscriptionOrder(ctx, w.admin, domain.OperatorID, domain.SubscriptionOrderInput{
			Kind: domain.ChangeOrder, SubscriptionID: &sub.ID,
			Changes: []domain.ResourceChange{{SubscriptionResourceID: sub.Resources[0].ID, Additional: 3}}}, OrderSource{})
		if err != nil || change.Status != domain.OrderStatusWaitingForPayment {
			t.Fatalf("change order %+v, %v", change, err)
		}
		w.race(e, name, w.at("2031-04-07", 0, 0, 0))
		if got := w.orderOf(change.ID); got.Status != domain.OrderStatusCancelled {
			t.Fatalf("the pending change order is %s, want cancelled", got.Status)
		}
		if p, err := w.db.Reader().FindPaymentByID(ctx, 0, change.PaymentID); err != nil || p.Status != domain.PaymentStatusCancelled {
			t.Fatalf("change payment %+v, %v; want cancelled", p, err)
		}
		o := w.onlyOrder(sub.ID, domain.RenewalOrder)
		// Payable until the grace that follows the expiration date ends (5 days).
		if o.Status != domain.OrderStatusWaitingForPayment || o.PaymentID == 0 || o.ExpirationDate.String() != "2031-04-14" {
			t.Fatalf("renewal order %s payment %d expiring %s, want waiting for payment until 2031-04-14",
				o.Status, o.PaymentID, o.ExpirationDate)
		}
		// Unpaid at expiration: graced; paid during the grace: renewed.
		w.run("end_subscription_periods", w.at("2031-04-10", 0, 0, 0))
		w.wantSub(sub.ID, domain.SubscriptionStatusGraced)
		w.at("2031-04-12", 9, 0, 0)
		w.pay(o.PaymentID)
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCompleted {
			t.Fatalf("renewal order %s, want completed", got.Status)
		}
		if got := w.wantSub(sub.ID, domain.SubscriptionStatusActive); got.ExpirationDate.String() != "2031-05-10" {
			t.Fatalf("renewed to %s, want 2031-05-10", got.ExpirationDate)
		}
		w.run("end_subscription_graces", w.at("2031-04-15", 0, 0, 0))
		w.wantSub(sub.ID, domain.SubscriptionStatusActive)
	})
}

func TestPassRenewUnpaidLapses(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, rnCatalog)
		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		w.run("renew_subscriptions", w.at("2031-04-07", 0, 0, 0))
		o := w.onlyOrder(sale.SubscriptionID, domain.RenewalOrder)
		for _, day := range []string{"2031-04-10", "2031-04-14", "2031-04-15"} {
			now := w.at(day, 0, 0, 0)
			for _, p := range w.s.Passes() {
				w.run(p.Name(), now)
			}
		}
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCancelled {
			t.Fatalf("the unpaid renewal is %s after the grace, want cancelled", got.Status)
		}
		w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusStopped)
		w.onlyOrder(sale.SubscriptionID, domain.RenewalOrder) // not made again in the grace
	})
}

func TestPassRenewLeavesOthers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, rnCatalog)
		trial := w.active("trial")
		off := w.active("monthly")
		w.edit(off.ID, func(s *domain.Subscription) { s.Autorenew = false })
		stopped := w.active("monthly")
		w.edit(stopped.ID, func(s *domain.Subscription) { s.Status = domain.SubscriptionStatusStopped })
		due := w.active("monthly")
		keys := w.dueKeys(store.DueRenewals, domain.Date{Year: 2040, Month: 1, Day: 1})
		if len(keys) != 1 || keys[0].ID != due.ID || keys[0].Date.String() != "2031-04-07" {
			t.Fatalf("due renewals %v, want only subscription %d on 2031-04-07", keys, due.ID)
		}
		w.run("renew_subscriptions", w.at("2031-05-01", 0, 0, 0))
		for _, id := range []int64{trial.ID, off.ID, stopped.ID} {
			if os := w.ordersOf(id, domain.RenewalOrder); len(os) != 0 {
				t.Fatalf("subscription %d got %d renewal orders", id, len(os))
			}
		}
		w.onlyOrder(due.ID, domain.RenewalOrder)
		// Turned back on, it falls due again (its day passed: at once).
		w.edit(off.ID, func(s *domain.Subscription) { s.Autorenew = true })
		w.run("renew_subscriptions", w.at("2031-05-01", 0, 0, 1))
		w.onlyOrder(off.ID, domain.RenewalOrder)
	})
}

func TestPassProlong(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, rnCatalog)
		const name = "prolong_subscriptions"
		sub := w.active("csp")
		if sub.PaidTo.String() != "2031-04-10" || sub.ExpirationDate.String() != "2032-03-10" {
			t.Fatalf("paid to %s, expires %s", sub.PaidTo, sub.ExpirationDate)
		}
		w.wantNext(name, w.at("2031-03-10", 10, 0, 0), time.Date(2031, 4, 7, 0, 0, 0, 0, psTokyo))
		w.run(name, w.at("2031-04-06", 23, 59, 59))
		if os := w.ordersOf(sub.ID, domain.ProlongOrder); len(os) != 0 {
			t.Fatalf("before its day: %d prolong orders", len(os))
		}
		w.race(e, name, w.at("2031-04-07", 0, 0, 0))
		o := w.onlyOrder(sub.ID, domain.ProlongOrder)
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCompleted || got.CreatedBy != domain.CreatedBySystem {
			t.Fatalf("prolong order %s by %s, want completed by System", got.Status, got.CreatedBy)
		}
		if got := w.wantSub(sub.ID, domain.SubscriptionStatusActive); got.PaidTo.String() != "2031-05-10" {
			t.Fatalf("paid to %s, want 2031-05-10", got.PaidTo)
		}
		w.run(name, w.at("2031-04-07", 0, 0, 0))
		w.onlyOrder(sub.ID, domain.ProlongOrder)
		w.wantNext(name, w.at("2031-04-07", 0, 0, 0), time.Date(2031, 5, 7, 0, 0, 0, 0, psTokyo))
	})
}
