package e2e

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// crWantAccount checks an account's status.
func crWantAccount(t *testing.T, c *client.Client, rid, id int64, want string) {
	t.Helper()
	a, err := c.GetAccount(context.Background(), rid, id)
	if err != nil || a.Status != want {
		t.Fatalf("account %d = %+v, %v; want %s", id, a, err, want)
	}
}

// crApprove creates and approves a balance correction of total for w's prepaid account.
func crApprove(t *testing.T, w *odWorld, total string) {
	t.Helper()
	ctx := context.Background()
	k, err := w.sales.CreateCorrection(ctx, w.r.ID, w.koBalanceInput(total))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sales.UpdateCorrectionStatus(ctx, w.r.ID, k.ID, "approved"); err != nil {
		t.Fatal(err)
	}
}

// TestCreditHold: an account whose available balance falls below minus its credit
// limit goes on credit hold in the transaction that moved the money, gets no new
// sales orders (422 account_credit_hold at account_id), and is active again once a
// top-up brings it back within the limit.
func TestCreditHold(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		rid, id := w.r.ID, w.prepaid.ID
		crTopUp(t, w, id, "10.00")
		crApprove(t, w, "-10.00") // exactly at the limit of 0: still active
		crWantAccount(t, s.Admin, rid, id, "active")
		crApprove(t, w, "-0.01")
		crWantAccount(t, s.Admin, rid, id, "credit_hold")
		chWantMoney(t, s.Admin, rid, id, "-0.01", "-0.01")

		_, err := w.sales.CreateSalesOrder(ctx, rid, w.order(t, w.prepaid, "prepay"))
		if d := poErrDetail(t, err, 422, "account_credit_hold"); d == "" {
			t.Fatal("no detail for an order on credit hold")
		}
		if e, ok := err.(*client.Error); !ok || len(e.Errors) != 1 || e.Errors[0].Source == nil ||
			e.Errors[0].Source.Pointer != "/data/attributes/account_id" {
			t.Fatalf("refusal = %v, want one error at /data/attributes/account_id", err)
		}
		// Postpaid accounts do not depend on the balance: their orders go on.
		if _, err := w.sales.CreateSalesOrder(ctx, rid, w.order(t, w.postpaid, "postpay")); err != nil {
			t.Fatalf("postpaid order: %v", err)
		}

		crTopUp(t, w, id, "0.01")
		crWantAccount(t, s.Admin, rid, id, "active")
		if _, err := w.sales.CreateSalesOrder(ctx, rid, w.order(t, w.prepaid, "prepay")); err != nil {
			t.Fatalf("order after the top-up: %v", err)
		}
		// A correction bringing it back within the limit lifts the hold too.
		crApprove(t, w, "-5.00")
		crWantAccount(t, s.Admin, rid, id, "credit_hold")
		crApprove(t, w, "5.00")
		crWantAccount(t, s.Admin, rid, id, "active")
		mustLedgerConsistent(t, s)
	})
}
