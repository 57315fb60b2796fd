package e2e

import (
	"context"
	"sort"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// ccCharges lists the charges of subscription id, by id.
func ccCharges(t *testing.T, w *okWorld, id int64) []client.Charge {
	t.Helper()
	page, err := w.sales.ListCharges(context.Background(), w.r.ID, &client.ListOptions{PageSize: 100,
		Filter: map[string]string{"subscription_id": strconv.FormatInt(id, 10)}, Sort: "id"})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// ccSum sums the amounts of the charges in status of list.
func ccSum(t *testing.T, list []client.Charge, status string) domain.Amount {
	t.Helper()
	var sum domain.Amount
	for _, ch := range list {
		if ch.Status != status {
			continue
		}
		a, err := domain.ParseAmount(ch.Amount)
		if err != nil {
			t.Fatal(err)
		}
		sum += a
	}
	return sum
}

// ccWantReplaced checks that the charges of subscription id are the ones before,
// deleted, and replacements in status, one for the plan and one per resource, for
// the period from..to, summing exactly to what they replaced.
func ccWantReplaced(t *testing.T, w *okWorld, id int64, before []client.Charge, status, from, to string) []client.Charge {
	t.Helper()
	after := ccCharges(t, w, id)
	var replaced domain.Amount
	deleted := map[int64]bool{}
	for _, ch := range before {
		a, _ := domain.ParseAmount(ch.Amount)
		replaced += a
		deleted[ch.ID] = true
	}
	var fresh []client.Charge
	resources := map[int64]bool{}
	for _, ch := range after {
		if deleted[ch.ID] {
			if ch.Status != "deleted" {
				t.Errorf("replaced charge %d is %s, want deleted", ch.ID, ch.Status)
			}
			continue
		}
		fresh = append(fresh, ch)
		if ch.Status != status || ch.OperateFrom != from || ch.OperateTo != to || ch.Type != "Charge::Recurring" {
			t.Errorf("replacement %+v: want %s from %s to %s", ch, status, from, to)
		}
		var r int64
		if ch.PlanResourceID != nil {
			r = *ch.PlanResourceID
		}
		if resources[r] {
			t.Errorf("two replacements for plan resource %d", r)
		}
		resources[r] = true
	}
	if got := ccSum(t, fresh, status); got != replaced || len(fresh) != 2 {
		t.Fatalf("%d replacements summing to %s, want 2 summing to %s: %+v", len(fresh), got, replaced, fresh)
	}
	return fresh
}

// TestCloseCharges: closing a subscription's charges replaces its opened and blocked
// charges by one closed charge for the plan and one per resource for their exact
// sum, paid from the balance at once (prepaid), or blocked for the next invoice
// (postpaid); sets hold_to; of two closings at once one does the work and the other
// finds nothing (422); another branch's subscription is not found.
func TestCloseCharges(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		acc := w.prepaid.ID

		// Prepaid: paid from the balance, provisioned only in three days, so the
		// charges stay blocked (reserved) until then.
		chTopUp(t, w, acc, "20")
		in := client.SalesOrderInput{AccountID: acc, PlanID: w.plans["flex-basic"].ID,
			PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "prepay", Resources: w.seats(t, "flex-basic", 3),
			ProvisioningDate: client.String("2027-03-13")}
		sale, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in)
		if err != nil || sale.Total != "14.0" {
			t.Fatalf("sales order = %+v, %v", sale, err)
		}
		if _, err := w.sales.PayFromBalance(ctx, w.r.ID, *sale.PaymentID); err != nil {
			t.Fatal(err)
		}
		chWantCharges(t, w.sales, w.r.ID, sale, map[string]string{"Charge::Recurring": "blocked"})
		before := ccCharges(t, w, sale.SubscriptionID)
		chWantMoney(t, w.sales, w.r.ID, acc, "20", "6")
		if sub, _ := w.subscription(t, sale.SubscriptionID); sub.HoldTo != nil {
			t.Fatalf("hold_to before closing = %s", *sub.HoldTo)
		}

		// Another branch's manager does not see the subscription.
		odErr(t, w.siblingOwner.CloseCharges(ctx, sale.SubscriptionID), 404, "subscription_not_found", "")
		odErr(t, w.marketing.CloseCharges(ctx, sale.SubscriptionID), 403, "forbidden", "")
		if err := w.sales.CloseVendorCharges(ctx, sale.SubscriptionID); err != nil {
			t.Fatalf("close charges: %v", err)
		}
		for _, ch := range ccWantReplaced(t, w, sale.SubscriptionID, before, "closed", "2027-03-10", "2027-04-10") {
			if ch.CloseDate == nil || *ch.CloseDate != "2027-03-10" {
				t.Errorf("replacement closed on %v", ch.CloseDate)
			}
		}
		chWantMoney(t, w.sales, w.r.ID, acc, "6", "6")
		if sub, _ := w.subscription(t, sale.SubscriptionID); sub.HoldTo == nil || *sub.HoldTo != "2027-04-10" {
			t.Fatalf("hold_to after closing = %v, want 2027-04-10", sub.HoldTo)
		}
		mustLedgerConsistent(t, s)
		odErr(t, w.sales.CloseCharges(ctx, sale.SubscriptionID), 422, "charges_not_closed", "")

		// Provisioned later: nothing more is charged, the balance stays.
		if _, err := s.Admin.AdvanceTestClock(ctx, "P4D"); err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, w.sales, w.r.ID, sale.ID, "completed")
		if n := len(ccCharges(t, w, sale.SubscriptionID)); n != 4 {
			t.Fatalf("%d charges after provisioning, want the 2 deleted and 2 replacements", n)
		}
		chWantMoney(t, w.sales, w.r.ID, acc, "6", "6")
		mustLedgerConsistent(t, s)

		// Postpaid: blocked from creation; two closings at once, by both paths.
		in.AccountID, in.PaymentModel, in.ProvisioningDate = w.postpaid.ID, "postpay", nil
		post, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		post = odWaitOrder(t, w.sales, w.r.ID, post.ID, "completed")
		before = ccCharges(t, w, post.SubscriptionID)
		errs := inConcurrently(2, func() error { return w.sales.CloseCharges(ctx, post.SubscriptionID) })
		var failed []error
		for _, err := range errs {
			if err != nil {
				failed = append(failed, err)
			}
		}
		if len(failed) != 1 {
			t.Fatalf("two closings at once: %v, want one refused", errs)
		}
		odErr(t, failed[0], 422, "charges_not_closed", "")
		fresh := ccWantReplaced(t, w, post.SubscriptionID, before, "blocked", "2027-03-14", "2027-04-14")
		if sub, _ := w.subscription(t, post.SubscriptionID); sub.HoldTo == nil || *sub.HoldTo != "2027-04-14" {
			t.Fatalf("postpaid hold_to = %v, want 2027-04-14", sub.HoldTo)
		}
		chWantMoney(t, w.sales, w.r.ID, w.postpaid.ID, "0", "0")
		mustLedgerConsistent(t, s)

		// The billing day closes the replacements into March's invoice, for their sum.
		if _, err := s.Admin.AdvanceTestClock(ctx, "P18D"); err != nil {
			t.Fatal(err)
		}
		invoices := inInvoices(t, w.sales, w.r.ID, map[string]string{"account_id": strconv.FormatInt(w.postpaid.ID, 10)})
		if len(invoices) != 1 || !twSameMoney(invoices[0].Total, ccSum(t, fresh, "blocked").String()) {
			t.Fatalf("postpaid invoices = %+v, want one of %s", invoices, ccSum(t, fresh, "blocked"))
		}
		after := ccCharges(t, w, post.SubscriptionID)
		sort.Slice(after, func(i, j int) bool { return after[i].ID < after[j].ID })
		if len(after) != 4 || after[2].Status != "closed" || after[3].Status != "closed" {
			t.Fatalf("postpaid charges after the billing day = %+v", after)
		}
		mustLedgerConsistent(t, s)
	})
}
