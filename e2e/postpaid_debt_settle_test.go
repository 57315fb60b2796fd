package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// pdWaitDebt waits for a subscription's status and current debt, which a job moves
// after the change causing it commits.
func pdWaitDebt(t *testing.T, w *okWorld, id int64, status string, debt domain.Amount) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		sub, err := w.sales.GetSubscription(context.Background(), w.r.ID, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := sub.PaymentModelParameters.CurrentDebt.String()
		if sub.Status == status && twSameMoney(got, debt.String()) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription %d is %s owing %s, want %s owing %s", id, sub.Status, got, status, debt)
		}
	}
}

// pdRunJob runs the handler of a job of kind with payload once more, as a second
// delivery of the job would.
func pdRunJob(t *testing.T, s *server, kind string, payload any) {
	t.Helper()
	raw, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	job := domain.Job{ID: "again", Kind: kind, Payload: raw}
	if _, err := s.Service.JobHandlers()[kind](context.Background(), job); err != nil {
		t.Fatal(err)
	}
}

// TestPostpaidDebtSettledWithoutPayment: a postpaid subscription whose March charges
// (14.00) a credit correction (-20.00) outweighs owes -6.00; March's invoice totals
// -6.00 and gets no payment, and once the billing day has made it, its settling job
// takes its share off the debt: 0, as if its payment had been completed, the credit
// going on to the account's next invoice. The job run again moves nothing, and the
// ledger holds at each step.
func TestPostpaidDebtSettledWithoutPayment(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		w := okSetup(t, s)
		id := pdBuy(t, w, nil).SubscriptionID
		pdCorrect(t, w, id, koAmount(t, "-20.00"))
		pdWant(t, w, id, "active", koAmount(t, "-6.00"))
		mustLedgerConsistent(t, s)

		psAdvance(t, s, psAt("2027-04-02", 10))
		invoices := inInvoices(t, w.sales, w.r.ID, map[string]string{"account_id": strconv.FormatInt(w.postpaid.ID, 10),
			"payment_model": "postpay"})
		if len(invoices) != 1 || len(invoices[0].PaymentIDs) != 0 || !twSameMoney(invoices[0].Total, "-6.00") {
			t.Fatalf("invoices %+v, want one of -6.00 without a payment", invoices)
		}
		pdWaitDebt(t, w, id, "active", 0)
		mustLedgerConsistent(t, s)

		pdRunJob(t, s, service.JobSettleInvoiceDebt, map[string]int64{"invoice_id": invoices[0].ID})
		pdWant(t, w, id, "active", 0)
		mustLedgerConsistent(t, s)
	})
}
