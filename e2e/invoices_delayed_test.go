package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestInvoicesWaitForProvisioning orders a postpaid subscription on 31 January to
// be provisioned on 15 February. The billing pass of 1 February leaves its blocked
// charges alone: the order may still be cancelled, and then they are deleted, in no
// invoice. Had the pass closed them into January's invoice, the account would owe a
// subscription that never existed.
func TestInvoicesWaitForProvisioning(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := inSetup(t, e)
		rid := w.r.ID
		in := w.order(t, w.postpaid, "postpay")
		later := "2027-02-15"
		in.ProvisioningDate = &later
		o, err := w.sales.CreateSalesOrder(ctx, rid, in)
		if err != nil {
			t.Fatalf("delayed postpaid order: %v", err)
		}
		if o.Status != "waiting_for_provisioning" {
			t.Fatalf("delayed postpaid order is %s", o.Status)
		}
		charges := func() []client.Charge {
			t.Helper()
			page, err := s.Admin.ListCharges(ctx, rid, &client.ListOptions{Sort: "id",
				Filter: map[string]string{"subscription_id": strconv.FormatInt(o.SubscriptionID, 10)}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) == 0 {
				t.Fatal("the delayed order has no charges")
			}
			return page.Items
		}

		psAdvance(t, s, psAt("2027-02-02", 10))
		for _, ch := range charges() {
			if ch.Status != "blocked" {
				t.Fatalf("charge of the order waiting for its provisioning date after 1 February: %+v", ch)
			}
		}
		for _, inv := range inInvoices(t, s.Admin, rid, nil) {
			if inContains(inv.SubscriptionIDs, []int64{o.SubscriptionID}) {
				t.Fatalf("invoice %+v bills the subscription of an order still waiting for provisioning", inv)
			}
		}

		if err := w.sales.CancelOrder(ctx, rid, o.ID); err != nil {
			t.Fatalf("cancel the delayed order: %v", err)
		}
		for _, ch := range charges() {
			if ch.Status != "deleted" {
				t.Fatalf("charge of the cancelled order: %+v", ch)
			}
		}
	})
}
