package service

import (
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// pmCatalog sells a yearly CSP plan paid month by month whose prolong orders are
// made three days before the paid-to date and may be paid for ten days, and the same
// plan on a term whose stops wait for a manager's approval.
const pmCatalog = `service_terms:
  - {key: patient, name: Patient, autorenew_point: 3, manual_renew_point: 10, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 10}
  - {key: approve, name: Approve, autorenew_point: 3, manual_renew_point: 10, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 10, stop_type: manual}
payment_methods:
  - {key: cash, name: Cash}
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]
plans:
  - {key: csp, product: p, name: CSP, currency: EUR, status: active, service_term: patient,
     billing_type: csp_monthly, periods: [{key: y, duration: 1, unit: years, recurring_fee: "10.00"}]}
  - {key: csp-approve, product: p, name: CSP Approve, currency: EUR, status: active, service_term: approve,
     billing_type: csp_monthly, periods: [{key: y, duration: 1, unit: years, recurring_fee: "10.00"}]}
`

// TestPassUnpaidMonthStops: a prepaid subscription paid month by month whose prolong
// order is still unpaid on the paid-to date is stopped that day, and the prolong
// order is cancelled with its payment; one paid in time goes on.
func TestPassUnpaidMonthStops(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetupWith(t, e, pmCatalog)
		unpaid := w.order(w.prepaid, "prepay", "csp", "")
		w.pay(unpaid.PaymentID)
		paid := w.order(w.prepaid, "prepay", "csp", "")
		w.pay(paid.PaymentID)
		if got := w.wantSub(unpaid.SubscriptionID, domain.SubscriptionStatusActive); got.PaidTo.String() != "2031-04-10" {
			t.Fatalf("paid to %s, want 2031-04-10", got.PaidTo)
		}
		w.allPasses("2031-04-07")
		prolong := w.onlyOrder(unpaid.SubscriptionID, domain.ProlongOrder)
		if prolong.Status != domain.OrderStatusWaitingForPayment || prolong.ExpirationDate.String() != "2031-04-17" {
			t.Fatalf("prolong order %s until %s", prolong.Status, prolong.ExpirationDate)
		}
		w.pay(w.onlyOrder(paid.SubscriptionID, domain.ProlongOrder).PaymentID)
		w.allPasses("2031-04-09")
		w.wantSub(unpaid.SubscriptionID, domain.SubscriptionStatusActive)

		w.allPasses("2031-04-10")
		w.wantSub(unpaid.SubscriptionID, domain.SubscriptionStatusStopped)
		w.wantCancelled(prolong)
		if got := w.wantSub(paid.SubscriptionID, domain.SubscriptionStatusActive); got.PaidTo.String() != "2031-05-10" {
			t.Fatalf("the paid one is paid to %s, want 2031-05-10", got.PaidTo)
		}
		w.allPasses("2031-04-10") // once
		if jobs := w.provisionJobs(unpaid.SubscriptionID); jobs[domain.ProvisionOpStop] != 1 {
			t.Fatalf("stop jobs %v, want one", jobs)
		}
		w.allPasses("2031-04-11")
		w.wantSub(unpaid.SubscriptionID, domain.SubscriptionStatusStopped)
		if got := w.schedule(unpaid.SubscriptionID).DeleteOn.String(); got != "2031-04-20" {
			t.Fatalf("deletion due %s, want 2031-04-20", got)
		}
	})
}

// TestPassUnpaidMonthWaitsForApproval: under a manual stop type the unpaid month's
// stop waits for a manager; declined, it is not asked again for that month.
func TestPassUnpaidMonthWaitsForApproval(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := t.Context()
		w := psSetupWith(t, e, pmCatalog)
		sale := w.order(w.prepaid, "prepay", "csp-approve", "")
		w.pay(sale.PaymentID)
		w.allPasses("2031-04-07")
		prolong := w.onlyOrder(sale.SubscriptionID, domain.ProlongOrder)
		w.allPasses("2031-04-10")
		w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusWaitingForManualApprove)
		w.wantCancelled(prolong)
		if err := w.s.DeclineSubscriptionOperation(ctx, w.admin, domain.OperatorID, sale.SubscriptionID); err != nil {
			t.Fatal(err)
		}
		w.allPasses("2031-04-11")
		w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive)
	})
}
