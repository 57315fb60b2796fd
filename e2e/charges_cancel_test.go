package e2e

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestChargesCancelPaidDelayedOrder pays two prepaid orders due to be provisioned
// ten days later, one from the balance and one in cash, and cancels both before that
// day: their charges are deleted and the funds they reserved are free again. The
// payment from the balance is cancelled (it brought no money); the cash stays on the
// balance, its payment completed.
func TestChargesCancelPaidDelayedOrder(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		acc := w.prepaid.ID
		chTopUp(t, w, acc, "20")
		later := "2027-03-20"
		delayed := func() *client.Order {
			t.Helper()
			in := client.SalesOrderInput{AccountID: acc, PlanID: w.plans["flex-basic"].ID,
				PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "prepay",
				Resources: w.seats(t, "flex-basic", 3), ProvisioningDate: &later}
			o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in)
			if err != nil || o.Total != "14.0" || o.PaymentID == nil {
				t.Fatalf("delayed sales order = %+v, %v", o, err)
			}
			return o
		}
		cancel := func(o *client.Order) {
			t.Helper()
			if err := w.sales.CancelOrder(ctx, w.r.ID, o.ID); err != nil {
				t.Fatalf("cancel order %d: %v", o.ID, err)
			}
			chWantCharges(t, w.sales, w.r.ID, o, map[string]string{"Charge::Recurring": "deleted"})
		}

		fromBalance := delayed()
		if _, err := w.sales.PayFromBalance(ctx, w.r.ID, *fromBalance.PaymentID); err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, w.sales, w.r.ID, fromBalance.ID, "waiting_for_provisioning")
		chWantCharges(t, w.sales, w.r.ID, fromBalance, map[string]string{"Charge::Recurring": "blocked"})
		chWantMoney(t, w.sales, w.r.ID, acc, "20", "6")
		mustLedgerConsistent(t, s)
		cancel(fromBalance)
		chWantMoney(t, w.sales, w.r.ID, acc, "20", "20")
		if p, err := w.sales.GetPayment(ctx, w.r.ID, *fromBalance.PaymentID); err != nil || p.Status != "cancelled" {
			t.Fatalf("payment from the balance of the cancelled order = %+v, %v", p, err)
		}
		mustLedgerConsistent(t, s)

		inCash := delayed()
		if _, err := w.sales.CompletePayment(ctx, w.r.ID, *inCash.PaymentID, w.cash); err != nil {
			t.Fatal(err)
		}
		chWantMoney(t, w.sales, w.r.ID, acc, "34", "20")
		cancel(inCash)
		chWantMoney(t, w.sales, w.r.ID, acc, "34", "34")
		if p, err := w.sales.GetPayment(ctx, w.r.ID, *inCash.PaymentID); err != nil || p.Status != "completed" {
			t.Fatalf("cash payment of the cancelled order = %+v, %v", p, err)
		}
		mustLedgerConsistent(t, s)
	})
}
