package service

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// chMove moves the balance of account id by amount, as a charge or a payment does,
// setting or lifting its credit hold in the same transaction.
func (w *psWorld) chMove(id int64, amount domain.Amount) {
	w.t.Helper()
	ctx := context.Background()
	err := w.db.InTx(ctx, func(tx *store.Conn) error {
		acc, err := tx.FindAccountForUpdate(ctx, id)
		if err != nil {
			return err
		}
		return moveMoney(ctx, tx, acc, amount, 0, w.clock.Now())
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// chRunJobs runs the due jobs: the credit hold's, then the provisioning it wrote.
func (w *psWorld) chRunJobs() {
	w.t.Helper()
	for i := 0; i < 3; i++ {
		if _, err := w.runner.RunDue(context.Background()); err != nil {
			w.t.Fatal(err)
		}
	}
}

// TestCreditHoldJobIsSafeLateAndTwice: a hold lifted before its job runs stops
// nothing; a hold stops the prepaid pay-as-you-go subscription once, however often
// its job runs, and leaves the CSP one alone; the release activates it again.
func TestCreditHoldJobIsSafeLateAndTwice(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		csp := w.order(w.prepaid, "prepay", "csp", "")
		w.pay(csp.PaymentID)
		sub := w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive)
		w.wantSub(csp.SubscriptionID, domain.SubscriptionStatusActive)
		w.chRunJobs()

		// On hold and off again before the job runs: nothing is stopped.
		w.chMove(w.prepaid, -domain.AmountScale)
		w.chMove(w.prepaid, domain.AmountScale)
		w.chRunJobs()
		w.wantSub(sub.ID, domain.SubscriptionStatusActive)
		if n := w.provisionJobs(sub.ID)[domain.ProvisionOpStop]; n != 0 {
			t.Fatalf("%d stops after a hold lifted before its job ran", n)
		}

		w.chMove(w.prepaid, -domain.AmountScale)
		w.chRunJobs()
		w.wantSub(sub.ID, domain.SubscriptionStatusStopped)
		w.wantSub(csp.SubscriptionID, domain.SubscriptionStatusActive)
		payload, _ := json.Marshal(creditHoldPayload{AccountID: w.prepaid})
		if _, err := w.s.runCreditHoldSubscriptions(ctx, domain.Job{Payload: payload}); err != nil {
			t.Fatal(err)
		}
		w.chRunJobs()
		if n := w.provisionJobs(sub.ID)[domain.ProvisionOpStop]; n != 1 {
			t.Fatalf("%d stops, want 1", n)
		}

		w.chMove(w.prepaid, domain.AmountScale)
		w.chRunJobs()
		w.wantSub(sub.ID, domain.SubscriptionStatusActive)
		if _, err := w.s.runCreditHoldSubscriptions(ctx, domain.Job{Payload: payload}); err != nil {
			t.Fatal(err)
		}
		w.chRunJobs()
		if n := w.provisionJobs(sub.ID)[domain.ProvisionOpActivate]; n != 1 {
			t.Fatalf("%d activations, want 1", n)
		}
	})
}

// chManualCatalog is rnCatalog with a pay-as-you-go plan whose stops wait for a
// manager's approval.
var chManualCatalog = strings.Replace(strings.Replace(rnCatalog, "payment_methods:",
	"  - {key: manual, name: Manual, stop_type: manual}\npayment_methods:", 1), "plans:\n", `plans:
  - {key: approved, product: p, name: Approved, currency: EUR, status: active, service_term: manual,
     billing_type: pay_as_you_go, periods: [{key: m, duration: 1, unit: months, recurring_fee: "10.00"}]}
`, 1)

// TestCreditHoldManualStopAndRunningStop: under a manual stop type the hold's stop
// waits for approval, and the release returns the subscription to its status; a
// release that finds the hold's stop still running retries, and the subscription is
// activated once it is stopped.
func TestCreditHoldManualStopAndRunningStop(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, chManualCatalog)
		manual := w.order(w.prepaid, "prepay", "approved", "")
		w.pay(manual.PaymentID)
		w.wantSub(manual.SubscriptionID, domain.SubscriptionStatusActive)
		w.chRunJobs()

		w.chMove(w.prepaid, -domain.AmountScale)
		w.chRunJobs()
		if s := w.wantSub(manual.SubscriptionID, domain.SubscriptionStatusWaitingForManualApprove); s.Autorenew {
			t.Fatal("auto-renew on while the hold's stop waits for approval")
		}
		w.chMove(w.prepaid, domain.AmountScale)
		w.chRunJobs()
		if s := w.wantSub(manual.SubscriptionID, domain.SubscriptionStatusActive); !s.Autorenew {
			t.Fatal("auto-renew not restored by the release")
		}
		if n := w.provisionJobs(manual.SubscriptionID)[domain.ProvisionOpStop]; n != 0 {
			t.Fatalf("%d stops sent for a stop never approved", n)
		}

		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		w.chRunJobs()
		payload, _ := json.Marshal(creditHoldPayload{AccountID: w.prepaid})
		w.chMove(w.prepaid, -domain.AmountScale)
		if _, err := w.s.runCreditHoldSubscriptions(ctx, domain.Job{Payload: payload}); err != nil {
			t.Fatal(err)
		}
		w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusStopping)
		w.chMove(w.prepaid, domain.AmountScale)
		if _, err := w.s.runCreditHoldSubscriptions(ctx, domain.Job{Payload: payload}); !errors.Is(err, errStopStillRunning) {
			t.Fatalf("release while stopping: %v, want a retry", err)
		}
		// The hold's jobs may run before the stop is done: they retry later.
		w.chRunJobs()
		w.clock.Advance(creditHoldRetry)
		w.chRunJobs()
		w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive)
	})
}

// TestCreditHoldFailureKeepsTheOthers: a subscription the hold cannot take (here one
// that is gone) does not keep the hold from the account's others, and the job
// reports the failure so that it runs again.
func TestCreditHoldFailureKeepsTheOthers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		sale := w.order(w.prepaid, "prepay", "monthly", "")
		w.pay(sale.PaymentID)
		w.chRunJobs()
		w.chMove(w.prepaid, -domain.AmountScale)
		refs, err := w.db.Reader().FindCreditHoldSubscriptions(ctx, w.prepaid)
		if err != nil || len(refs) != 1 {
			t.Fatalf("candidates %v, %v; want the one subscription", refs, err)
		}
		gone := refs[0]
		gone.ID = 1 << 40
		moved, err := w.s.applyCreditHoldToAll(ctx, []store.SubscriptionRef{gone, refs[0]})
		if err == nil || moved != 1 {
			t.Fatalf("moved %d, err %v; want the real one stopped and the missing one's failure", moved, err)
		}
		w.chRunJobs()
		w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusStopped)
	})
}
