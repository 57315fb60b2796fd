package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
)

// exPayStep is how far exAdvancePaying moves the clock before paying: less than
// an invoice's 14 days to pay, so no invoice it pays has expired first.
const exPayStep = 7 * 24 * time.Hour

// exAdvancePaying moves the test clock to the moment as a customer who pays its
// postpaid invoices does: a week at a time, paying in cash (the reseller's first
// payment method) every invoice payment of reseller rid that waits for payment.
func exAdvancePaying(t *testing.T, s *server, rid int64, to time.Time) {
	t.Helper()
	ctx := context.Background()
	for {
		now, err := s.Admin.GetTestClock(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !now.Now.Before(to) {
			break
		}
		next := now.Now.Add(exPayStep)
		if next.After(to) {
			next = to
		}
		tc, err := s.Admin.AdvanceTestClockTo(ctx, next)
		wantNow(t, tc, err, next)
		exPayInvoices(t, s, rid)
	}
}

// exPayInvoices pays every postpaid invoice payment of reseller rid that waits for
// payment, in cash, and returns how many it paid.
func exPayInvoices(t *testing.T, s *server, rid int64) int {
	t.Helper()
	ctx := context.Background()
	methods, err := s.Admin.ListPaymentMethods(ctx, rid, nil)
	if err != nil || len(methods.Items) == 0 {
		t.Fatalf("payment methods of reseller %d: %v, %v", rid, methods, err)
	}
	paid := 0
	for _, inv := range inInvoices(t, s.Admin, rid, map[string]string{"payment_model": "postpay", "status": "closed"}) {
		for _, id := range inv.PaymentIDs {
			p, err := s.Admin.GetPayment(ctx, rid, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != "waiting_for_payment" && p.Status != "expired" {
				continue
			}
			if _, err := s.Admin.CompletePayment(ctx, rid, id, methods.Items[0].ID); err != nil {
				t.Fatalf("pay invoice %s: %v", inv.DocumentID, err)
			}
			paid++
		}
	}
	return paid
}

// exWantPayment checks the status of payment id of reseller rid.
func exWantPayment(t *testing.T, s *server, rid, id int64, want string) *client.Payment {
	t.Helper()
	p, err := s.Admin.GetPayment(context.Background(), rid, id)
	if err != nil {
		t.Fatalf("get payment %d: %v", id, err)
	}
	if p.Status != want {
		t.Fatalf("payment %d is %s, want %s", id, p.Status, want)
	}
	return p
}
