package e2e

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestInvoicesTakeOffPostpaidRefunds buys a postpaid subscription with three seats
// on 10 March 2027 and lowers it to one a few days later: the refund of the two
// seats' remaining month waits for the billing day, 1 April, when the invoice of
// March lists the sale's charges and the refund, takes the refund off its total and
// refunds it; the balance never moves.
func TestInvoicesTakeOffPostpaidRefunds(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		acc := w.postpaid.ID
		sale, err := w.sales.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: acc,
			PlanID: w.plans["flex-basic"].ID, PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "postpay",
			Resources: w.seats(t, "flex-basic", 3)})
		if err != nil {
			t.Fatal(err)
		}
		sale = odWaitOrder(t, w.sales, w.r.ID, sale.ID, "completed")
		psAdvance(t, s, psAt("2027-03-20", 10))
		_, res := w.subscription(t, sale.SubscriptionID)
		down, err := w.sales.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: sale.SubscriptionID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: res[0].ID, Additional: 0}}}})
		if err != nil {
			t.Fatal(err)
		}
		down = odWaitOrder(t, w.sales, w.r.ID, down.ID, "completed")
		refund := chWantCharges(t, w.sales, w.r.ID, down, map[string]string{"Charge::Refund": "waiting_for_refund"})
		mustLedgerConsistent(t, s)

		psAdvance(t, s, psAt("2027-04-02", 10))
		chWantCharges(t, w.sales, w.r.ID, down, map[string]string{"Charge::Refund": "refunded"})
		chWantCharges(t, w.sales, w.r.ID, sale, map[string]string{"Charge::Recurring": "closed"})
		invoices, err := w.sales.ListInvoices(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"account_id": strconv.FormatInt(acc, 10), "from_date": "2027-03-01"}})
		if err != nil || len(invoices.Items) != 1 {
			t.Fatalf("March's invoices: %+v, %v", invoices, err)
		}
		inv := invoices.Items[0]
		var included []client.Resource
		if _, err := w.sales.GetOrder(ctx, w.r.ID, down.ID, &included, client.WithInclude("charges")); err != nil ||
			len(included) != 1 {
			t.Fatalf("the decrease's charges: %+v, %v", included, err)
		}
		refundID, _ := strconv.ParseInt(included[0].ID, 10, 64)
		if len(refund) != 1 || !slices.Contains(inv.ChargeIDs, refundID) {
			t.Fatalf("invoice gathers %v, not the refund %d", inv.ChargeIDs, refundID)
		}
		// The sale's 14.00 less the refund of two seats for 21 of 31 days:
		// 2 × 2.00 × 21/31 = 2.71; the invoice is 11.29.
		if sale.Total != "14.0" || down.Total != "-2.71" || inv.Total != "11.29" {
			t.Fatalf("sale %s, decrease %s, invoice %s; want 14.0, -2.71, 11.29", sale.Total, down.Total, inv.Total)
		}
		chWantMoney(t, w.sales, w.r.ID, acc, "0", "0")
		mustLedgerConsistent(t, s)
	})
}
