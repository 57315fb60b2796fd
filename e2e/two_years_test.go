package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestTwoYears follows one prepaid subscription for two years through the test
// clock: bought on 31 January 2027, renewed automatically each month (each renewal
// paid in time, so each period ends on a month's last day counted from 31 January,
// 29 February 2028 included), switched in the middle of a period under each
// proration rule, its seats raised by a change order, stopped and activated again,
// graced once when a renewal was paid late, and finally left to expire with
// auto-renew off: stopped on its expiration date, deleted after the stop period.
// Every order's document number and total, and every payment's number, are checked
// against what is computed by hand below.
func TestTwoYears(t *testing.T) {
	twEachEngine(t, func(t *testing.T, w *twWorld) {
		ctx := context.Background()

		// 31 January 2027: desk-a with 3 seats (1 included, 2 charged). Setup 2.00,
		// a month 31.00, 2 seats × 3.10 = 6.20: 39.20. It runs to 28 February.
		sale, err := w.sales.CreateSalesOrder(ctx, w.rid, client.SalesOrderInput{AccountID: w.acc.ID,
			PlanID: w.plans["desk-a"].ID, PlanPeriodID: w.period("desk-a"), PaymentModel: "prepay",
			Resources: w.seats("desk-a", 3)})
		if err != nil {
			t.Fatal(err)
		}
		w.sub = sale.SubscriptionID
		w.wantOrder(sale, "SalesOrder", "SO", "39.20")
		w.pay(sale, "completed")
		sub := w.want("active", "desk-a", "2027-02-28")
		if *sub.StartDate != "2027-01-31" || !sub.RenewalSettings.Autorenew {
			t.Fatalf("starts %s, auto-renew %v", *sub.StartDate, sub.RenewalSettings.Autorenew)
		}

		// A month of desk-a with 2 charged seats: 31.00 + 6.20 = 37.20. The periods
		// end on the last day of each month: 31 March, not 28 March.
		w.renewal("desk-a", "2027-02-28", "2027-03-31", "37.20")
		w.renewal("desk-a", "2027-03-31", "2027-04-30", "37.20")

		// 10 April, immediate_prorated (desk-a's term): the period runs from 31 March
		// (the anchor's series, not 30 March) to 30 April, 30 days, 20 of them left.
		//   desk-b setup                   5.00
		//   desk-b month  62.00 × 20/30 = 41.333… → 41.33
		//   desk-b seats 2 × 6.20 × 20/30 = 8.266… →  8.27
		//   unused desk-a −31.00 × 20/30          → −20.67
		//   unused seats −2 × 3.10 × 20/30        →  −4.13
		//   total                                     29.80
		w.at("2027-04-10", 12)
		w.switchTo("desk-b", "29.80")
		w.want("active", "desk-b", "2027-04-30")
		// desk-b's month: 62.00 + 2 × 6.20 = 74.40.
		w.renewal("desk-b", "2027-04-30", "2027-05-31", "74.40")

		// 10 May, immediate_full (desk-b's term): the period 30 April to 31 May has
		// 31 days, 21 left. desk-c's whole month is charged, the unused part of
		// desk-b credited:
		//   desk-c month   93.00 × 1              93.00
		//   desk-c seats 2 × 9.30 × 1             18.60
		//   unused desk-b −62.00 × 21/31        −42.00
		//   unused seats −2 × 6.20 × 21/31       −8.40
		//   total                                 61.20
		w.at("2027-05-10", 12)
		w.switchTo("desk-c", "61.20")
		// desk-c's month: 93.00 + 2 × 9.30 = 111.60.
		w.renewal("desk-c", "2027-05-31", "2027-06-30", "111.60")

		// 10 June, next_period (desk-c's term): only desk-a's setup fee now, 2.00; its
		// price applies from the renewal, and nothing is credited.
		w.at("2027-06-10", 12)
		w.switchTo("desk-a", "2.00")
		w.renewal("desk-a", "2027-06-30", "2027-07-31", "37.20")

		// 10 July, a change order from 3 to 5 seats (immediate_prorated): the period
		// 30 June to 31 July has 31 days, 21 left: 2 × 3.10 × 21/31 = 4.20.
		w.at("2027-07-10", 12)
		w.changeSeats(4, "4.20")
		// From now on a month costs 31.00 + 4 × 3.10 = 43.40.
		w.renewal("desk-a", "2027-07-31", "2027-08-31", "43.40")

		// 5 August a manager stops it; 6 August activates it again. The period is
		// unchanged and the next renewal comes as usual.
		w.at("2027-08-05", 12)
		note := client.OperationNote{Reason: "customer request", Comment: "closed for a day"}
		if err := w.sales.StopSubscription(ctx, w.rid, w.sub, note); err != nil {
			t.Fatal(err)
		}
		w.want("stopped", "desk-a", "2027-08-31")
		w.at("2027-08-06", 12)
		if err := w.sales.ActivateSubscription(ctx, w.rid, w.sub, note); err != nil {
			t.Fatal(err)
		}
		w.want("active", "desk-a", "2027-08-31")

		// Month ends to March 2028, 29 February in a leap year.
		ends := []string{"2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31",
			"2028-02-29", "2028-03-31"}
		for i := 0; i+1 < len(ends); i++ {
			w.renewal("desk-a", ends[i], ends[i+1], "43.40")
		}

		// The renewal of the period ending on 31 March 2028 is not paid in time: the
		// subscription is graced on the expiration date for five days, the order
		// payable until the grace's last day (4 April). Paid on 2 April, it renews at
		// once, counted from the old expiration date: to 30 April.
		late := w.automaticRenewal("2028-03-31", "43.40")
		if late.ExpirationDate != "2028-04-04" {
			t.Fatalf("late renewal payable until %s, want 2028-04-04", late.ExpirationDate)
		}
		w.at("2028-03-31", 0)
		w.want("graced", "desk-a", "2028-03-31")
		w.at("2028-04-02", 10)
		w.pay(late, "completed")
		w.want("active", "desk-a", "2028-04-30")
		w.at("2028-04-05", 0) // the grace's end: nothing to stop
		w.want("active", "desk-a", "2028-04-30")

		ends = []string{"2028-04-30", "2028-05-31", "2028-06-30", "2028-07-31", "2028-08-31", "2028-09-30",
			"2028-10-31", "2028-11-30", "2028-12-31", "2029-01-31"}
		for i := 0; i+1 < len(ends); i++ {
			w.renewal("desk-a", ends[i], ends[i+1], "43.40")
		}

		// Auto-renew off before the last renewal falls due: no renewal, and on the
		// expiration date it is stopped without grace; ten days later (the stop
		// period) it is deleted.
		w.at("2029-01-20", 12)
		if _, err := w.sales.SetSubscriptionAutorenew(ctx, w.rid, w.sub, false); err != nil {
			t.Fatal(err)
		}
		w.at("2029-01-30", 23)
		w.want("active", "desk-a", "2029-01-31")
		w.at("2029-01-31", 0)
		w.want("stopped", "desk-a", "2029-01-31")
		w.at("2029-02-09", 23)
		w.want("stopped", "desk-a", "2029-01-31")
		w.at("2029-02-10", 0)
		w.want("deleted", "desk-a", "2029-01-31")

		// Two years: 23 renewals, 3 switches, 1 change, each made once and completed.
		w.wantOrderCount("RenewalOrder", 23)
		w.wantOrderCount("SwitchOrder", 3)
		w.wantOrderCount("ChangeOrder", 1)
		if w.payments != 28 {
			t.Fatalf("%d payments, want 28", w.payments)
		}

		// Each month's closed charges are listed in a prepaid invoice of that month,
		// one per billing period: 24 months from January 2027, but for March 2028,
		// whose renewal was paid late, in April (April's invoice lists it). The
		// ledger holds (checked after every payment too).
		invoices, err := w.sales.ListInvoices(ctx, w.rid, &client.ListOptions{PageSize: 100, Sort: "from_date",
			Filter: map[string]string{"account_id": strconv.FormatInt(w.acc.ID, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, inv := range invoices.Items {
			if inv.PaymentModel != "prepay" || inv.Status != "closed" || len(inv.PaymentIDs) != 0 || seen[inv.FromDate] {
				t.Fatalf("invoice %+v", inv)
			}
			seen[inv.FromDate] = true
		}
		if len(seen) != 23 || seen["2028-03-01"] || !seen["2027-01-01"] || !seen["2028-12-01"] {
			t.Fatalf("monthly invoices over two years from %v", seen)
		}
		mustLedgerConsistent(t, w.s)
	})
}

// switchTo switches the subscription to plan key at once with 3 seats, checks the
// switch order costs total, and pays it.
func (w *twWorld) switchTo(key, total string) {
	w.t.Helper()
	o, err := w.sales.CreateSwitchOrder(context.Background(), w.rid, client.SwitchOrderInput{SubscriptionID: w.sub,
		PlanID: w.plans[key].ID, PlanPeriodID: w.period(key), SwitchType: "immediate_switch",
		Resources: w.seats(key, 3)})
	if err != nil {
		w.t.Fatalf("switch to %s: %v", key, err)
	}
	w.wantOrder(o, "SwitchOrder", "SW", total)
	w.pay(o, "completed")
}

// changeSeats sets the seats beyond the included one to additional, checking the
// change order costs total, and pays it.
func (w *twWorld) changeSeats(additional int64, total string) {
	w.t.Helper()
	_, resources := (&okWorld{s: w.s, r: &client.Reseller{ID: w.rid}, sales: w.sales}).subscription(w.t, w.sub)
	if len(resources) != 1 {
		w.t.Fatalf("resources %+v, want one", resources)
	}
	o, err := w.sales.CreateChangeOrder(context.Background(), w.rid, client.ChangeOrderInput{SubscriptionID: w.sub,
		Resources: &client.ResourceChangeList{Data: []client.ResourceChange{
			{ResourceID: resources[0].ID, Additional: additional}}}})
	if err != nil {
		w.t.Fatalf("change order: %v", err)
	}
	w.wantOrder(o, "ChangeOrder", "CH", total)
	w.pay(o, "completed")
}

// wantOrderCount checks the subscription has n orders of kind, each completed.
func (w *twWorld) wantOrderCount(kind string, n int) {
	w.t.Helper()
	os := rnOrders(w.t, w.s, w.rid, w.sub, kind)
	if len(os) != n {
		w.t.Fatalf("%d %s orders, want %d", len(os), kind, n)
	}
	for _, o := range os {
		if o.Status != "completed" {
			w.t.Fatalf("%s %s is %s", kind, o.DocumentID, o.Status)
		}
	}
}
