package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// chsBuy makes an active prepaid subscription of mail-basic for w's prepaid account,
// paid from its balance, and returns its id.
func chsBuy(t *testing.T, w *odWorld) int64 {
	t.Helper()
	ctx := context.Background()
	o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sales.PayFromBalance(ctx, w.r.ID, *o.PaymentID); err != nil {
		t.Fatal(err)
	}
	return soWait(t, w.sales, w.r.ID, o.SubscriptionID, "active").ID
}

// chsOverdraw approves a correction that leaves w's prepaid account's available
// balance at -0.01, just over its limit of 0.
func chsOverdraw(t *testing.T, w *odWorld) {
	t.Helper()
	_, available := chMoney(t, w.sales, w.r.ID, w.prepaid.ID)
	a, err := domain.ParseAmount(available)
	if err != nil {
		t.Fatal(err)
	}
	crApprove(t, w, (-a - domain.AmountScale/100).String())
	crWantAccount(t, w.sales, w.r.ID, w.prepaid.ID, "credit_hold")
}

// chsStays checks that subscription id keeps status want for a while, as the
// credit hold's job has run by then.
func chsStays(t *testing.T, w *odWorld, id int64, want string) {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	soWait(t, w.sales, w.r.ID, id, want)
}

// TestCreditHoldStopsPayAsYouGo: an account going on credit hold stops its active
// prepaid pay-as-you-go subscriptions through the vendor (stopping, stopped); a
// top-up that lifts the hold activates them again, and a raised credit limit does
// too. A subscription a manager stopped stays stopped when the hold is lifted, and
// an activation by hand is refused while the hold lasts.
func TestCreditHoldStopsPayAsYouGo(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		rid, id := w.r.ID, w.prepaid.ID
		crTopUp(t, w, id, "100.00")
		held := chsBuy(t, w)
		manual := chsBuy(t, w)
		if err := w.sales.StopSubscription(ctx, rid, manual, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.sales, rid, manual, "stopped")

		chsOverdraw(t, w)
		sub := soWait(t, w.sales, rid, held, "stopped")
		if sub.Ability["activate"] {
			t.Fatalf("ability of a subscription stopped by the credit hold = %v", sub.Ability)
		}
		odErr(t, w.sales.ActivateSubscription(ctx, rid, held, soNote), 403, "forbidden", "")

		crTopUp(t, w, id, "0.01")
		crWantAccount(t, w.sales, rid, id, "active")
		soWait(t, w.sales, rid, held, "active")
		chsStays(t, w, manual, "stopped")

		// A raised credit limit lifts the hold as a top-up does.
		chsOverdraw(t, w)
		soWait(t, w.sales, rid, held, "stopped")
		if _, err := w.sales.UpdateAccount(ctx, rid, id, client.AccountInput{AccountTypeID: client.Int(acPersonal), CreditLimit: client.String("5.00"),
			CreditLimitUseSystem: client.Bool(false)}); err != nil {
			t.Fatal(err)
		}
		crWantAccount(t, w.sales, rid, id, "active")
		soWait(t, w.sales, rid, held, "active")
		chsStays(t, w, manual, "stopped")

		// Lowered again below what the account owes, it puts the account on hold.
		if _, err := w.sales.UpdateAccount(ctx, rid, id, client.AccountInput{AccountTypeID: client.Int(acPersonal),
			CreditLimit: client.String("0.00")}); err != nil {
			t.Fatal(err)
		}
		crWantAccount(t, w.sales, rid, id, "credit_hold")
		soWait(t, w.sales, rid, held, "stopped")
		mustLedgerConsistent(t, s)
	})
}
