package e2e

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestProrationChargesAndRefunds raises and lowers the seats of three prepaid
// subscriptions in the middle of their month, one under each proration rule, paying
// from the balance, and follows the charges and the balance. Each is bought on 31
// January 2027 for the month to 28 February (28 days); on 14 February half of it
// remains. Two seats more, then two fewer:
//
//	immediate_prorated (desk-a, seat 3.10): +2 × 3.10 × 1/2 = 3.10, refunded 3.10
//	immediate_full     (desk-b, seat 6.20): +2 × 6.20 × 1   = 12.40, refunded 6.20
//	next_period        (desk-c, seat 9.30): nothing now, nothing refunded
//
// The balance: 500.00 topped up; the sales 33.00 + 67.00 + 93.00; the increases
// 3.10 + 12.40; the refunds 3.10 + 6.20: 300.80 at the end.
func TestProrationChargesAndRefunds(t *testing.T) {
	twEachEngine(t, func(t *testing.T, w *twWorld) {
		ctx := context.Background()
		ok := &okWorld{s: w.s, r: &client.Reseller{ID: w.rid}, sales: w.sales, cash: w.cash}
		chTopUp(t, ok, w.acc.ID, "500")
		payFromBalance := func(o *client.Order) *client.Order {
			t.Helper()
			if o.PaymentID == nil {
				return odWaitOrder(t, w.sales, w.rid, o.ID, "completed")
			}
			if _, err := w.sales.PayFromBalance(ctx, w.rid, *o.PaymentID); err != nil {
				t.Fatalf("pay %s from the balance: %v", o.DocumentID, err)
			}
			return odWaitOrder(t, w.sales, w.rid, o.ID, "completed")
		}
		subs := map[string]int64{}
		for _, key := range []string{"desk-a", "desk-b", "desk-c"} {
			sale, err := w.sales.CreateSalesOrder(ctx, w.rid, client.SalesOrderInput{AccountID: w.acc.ID,
				PlanID: w.plans[key].ID, PlanPeriodID: w.period(key), PaymentModel: "prepay", Resources: w.seats(key, 1)})
			if err != nil {
				t.Fatal(err)
			}
			payFromBalance(sale)
			subs[key] = sale.SubscriptionID
		}
		chWantMoney(t, w.sales, w.rid, w.acc.ID, "307", "307")
		w.at("2027-02-14", 12)

		closed := map[string]string{"Charge::Setup": "closed", "Charge::Recurring": "closed", "Charge::Refund": "refunded"}
		for _, c := range []struct {
			key, up, down string
		}{{"desk-a", "3.1", "-3.1"}, {"desk-b", "12.4", "-6.2"}, {"desk-c", "0", "0"}} {
			_, resources := ok.subscription(t, subs[c.key])
			change := func(additional int64, total string) {
				t.Helper()
				o, err := w.sales.CreateChangeOrder(ctx, w.rid, client.ChangeOrderInput{SubscriptionID: subs[c.key],
					Resources: &client.ResourceChangeList{Data: []client.ResourceChange{
						{ResourceID: resources[0].ID, Additional: additional}}}})
				if err != nil {
					t.Fatalf("%s: change to %d additional seats: %v", c.key, additional, err)
				}
				if !twSameMoney(o.Total, total) {
					t.Fatalf("%s: change to %d additional seats costs %s, want %s", c.key, additional, o.Total, total)
				}
				o = payFromBalance(o)
				if total != "0" {
					chWantCharges(t, w.sales, w.rid, o, closed)
				}
				mustLedgerConsistent(t, w.s)
			}
			change(2, c.up)
			change(0, c.down)
		}
		chWantMoney(t, w.sales, w.rid, w.acc.ID, "300.8", "300.8")
	})
}
