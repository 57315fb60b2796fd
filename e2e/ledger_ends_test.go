package e2e

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestChargesIncludePlanAndPaidFromBalance buys a prepaid subscription, reads its
// charges with include=plan (the plan comes included and linked from each
// charge's plan relationship, by get and by list) and pays the order from the
// balance: the payment shows the amount taken as amount_paid_from_balance, its
// total and initial_total the order's.
func TestChargesIncludePlanAndPaidFromBalance(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		acc, plan := w.prepaid.ID, w.plans["flex-basic"].ID
		sale, err := w.sales.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: acc, PlanID: plan,
			PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "prepay", Resources: w.seats(t, "flex-basic", 3)})
		if err != nil || sale.PaymentID == nil {
			t.Fatalf("sales order = %+v, %v", sale, err)
		}
		charges := chWantCharges(t, w.sales, w.r.ID, sale, map[string]string{"Charge::Recurring": "new"})

		page, err := w.sales.ListCharges(ctx, w.r.ID, &client.ListOptions{Include: []string{"plan"},
			Filter: map[string]string{"subscription_id": ctID(charges[0].SubscriptionID)}})
		if err != nil || len(page.Items) != len(charges) || len(page.Included) != 1 {
			t.Fatalf("charges page with plans = %+v, %v", page, err)
		}
		for _, c := range page.Items {
			if c.PlanID != plan {
				t.Fatalf("listed charge %+v, want plan %d linked", c, plan)
			}
		}
		var included []client.Resource
		ch, err := w.sales.GetCharge(ctx, w.r.ID, page.Items[0].ID, &included, client.WithInclude("plan"))
		if err != nil || ch.PlanID != plan || len(included) != 1 || included[0].Type != "plans" ||
			included[0].ID != ctID(plan) {
			t.Fatalf("charge with its plan = %+v, included %+v, %v; want plan %d", ch, included, err, plan)
		}
		if ch, err = w.sales.GetCharge(ctx, w.r.ID, page.Items[0].ID, nil); err != nil || ch.PlanID != 0 {
			t.Fatalf("charge without include = %+v, %v; want no plan relationship", ch, err)
		}

		chTopUp(t, w, acc, "20")
		p, err := w.sales.PayFromBalance(ctx, w.r.ID, *sale.PaymentID)
		if err != nil || p.Status != "paid_from_balance" || p.AmountPaidFromBalance == nil ||
			*p.AmountPaidFromBalance != "14.0" || p.Total != "14.0" || p.InitialTotal != "14.0" {
			t.Fatalf("payment from the balance = %+v, %v; want 14.0 taken from it", p, err)
		}
		if got, err := w.sales.GetPayment(ctx, w.r.ID, p.ID); err != nil || got.AmountPaidFromBalance == nil ||
			*got.AmountPaidFromBalance != "14.0" {
			t.Fatalf("payment read again = %+v, %v", got, err)
		}
		odWaitOrder(t, w.sales, w.r.ID, sale.ID, "completed")
		chWantMoney(t, w.sales, w.r.ID, acc, "6", "6")
		mustLedgerConsistent(t, s)
	})
}
