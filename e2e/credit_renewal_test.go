package e2e

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// crTopUp tops up account id of w's reseller by total, paid in cash.
func crTopUp(t *testing.T, w *odWorld, id int64, total string) {
	t.Helper()
	ctx := context.Background()
	p, err := w.sales.CreatePayment(ctx, w.r.ID, client.TopUpInput{AccountID: id, Total: json.Number(total), Comment: "top-up"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sales.CompletePayment(ctx, w.r.ID, p.ID, w.cash); err != nil {
		t.Fatal(err)
	}
}

// crRenewing starts a prepaid auto-renewing monthly subscription on the test clock
// for w's prepaid account, paid in cash, provisioned, and returns its sales order.
func crRenewing(t *testing.T, s *server, w *odWorld) *client.Order {
	t.Helper()
	ctx := context.Background()
	o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
	if err != nil || o.PaymentID == nil {
		t.Fatalf("order = %+v, %v", o, err)
	}
	if _, err := w.sales.CompletePayment(ctx, w.r.ID, *o.PaymentID, w.cash); err != nil {
		t.Fatal(err)
	}
	odWaitOrder(t, s.Admin, w.r.ID, o.ID, "completed")
	if sub := psWantSub(t, s, w.r.ID, o.SubscriptionID, "active"); *sub.ExpirationDate != "2027-02-28" {
		t.Fatalf("expires %s, want 2027-02-28", *sub.ExpirationDate)
	}
	return o
}

// crWantPayment checks the status of a payment.
func crWantPayment(t *testing.T, s *server, rid, id int64, want string) {
	t.Helper()
	p, err := s.Admin.GetPayment(context.Background(), rid, id)
	if err != nil || p.Status != want {
		t.Fatalf("payment %d = %+v, %v; want %s", id, p, err, want)
	}
}

// TestCreditRenewalFromBalance: on the expiration day the automatic renewal of a
// prepaid subscription is paid from the balance when the available balance covers
// it, and the subscription renews; the balance pays for it once the renewal is
// provisioned.
func TestCreditRenewalFromBalance(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		w := odSetup(t, s)
		rid := w.r.ID
		o := crRenewing(t, s, w)
		crTopUp(t, w, w.prepaid.ID, "100.00")
		psAdvance(t, s, psAt("2027-02-28", 0))
		r := rnOnlyOrder(t, s, rid, o.SubscriptionID, "RenewalOrder")
		if r.PaymentID == nil || r.CreatedBy != "System" {
			t.Fatalf("renewal %+v, want one made by System with a payment", r)
		}
		crWantPayment(t, s, rid, *r.PaymentID, "paid_from_balance")
		odWaitOrder(t, s.Admin, rid, r.ID, "completed")
		if sub := psWantSub(t, s, rid, o.SubscriptionID, "active"); *sub.ExpirationDate != "2027-03-31" {
			t.Fatalf("renewed to %s, want 2027-03-31", *sub.ExpirationDate)
		}
		total := koAmount(t, r.Total)
		left := (koAmount(t, "100.00") - total).String()
		chWantMoney(t, s.Admin, rid, w.prepaid.ID, left, left)
		mustLedgerConsistent(t, s)
	})
}

// TestCreditRenewalShortBalanceGraced: with too little available balance the
// automatic renewal waits for its payment on the expiration day and the
// subscription is graced; paid from the balance after a top-up within the grace,
// it renews and is active again.
func TestCreditRenewalShortBalanceGraced(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		w := odSetup(t, s)
		rid := w.r.ID
		o := crRenewing(t, s, w)
		crTopUp(t, w, w.prepaid.ID, "1.00")
		psAdvance(t, s, psAt("2027-02-28", 0))
		r := rnOnlyOrder(t, s, rid, o.SubscriptionID, "RenewalOrder")
		if r.Status != "waiting_for_payment" || r.PaymentID == nil {
			t.Fatalf("renewal %+v, want waiting for payment", r)
		}
		crWantPayment(t, s, rid, *r.PaymentID, "waiting_for_payment")
		psWantSub(t, s, rid, o.SubscriptionID, "graced")
		chWantMoney(t, s.Admin, rid, w.prepaid.ID, "1.00", "1.00")

		psAdvance(t, s, psAt("2027-03-02", 10))
		crTopUp(t, w, w.prepaid.ID, r.Total)
		if _, err := w.sales.PayFromBalance(ctx, rid, *r.PaymentID); err != nil {
			t.Fatalf("pay the renewal from the balance: %v", err)
		}
		odWaitOrder(t, s.Admin, rid, r.ID, "completed")
		psWantSub(t, s, rid, o.SubscriptionID, "active")
		chWantMoney(t, s.Admin, rid, w.prepaid.ID, "1.00", "1.00")
		mustLedgerConsistent(t, s)
	})
}
