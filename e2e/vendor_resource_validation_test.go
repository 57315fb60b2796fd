package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorResourceValidation: with resource validation on, a change order the
// vendor refuses is a 422 in the documented text with the vendor's own text as
// meta, and writes nothing; one it allows is placed and reaches the vendor; a
// vendor that does not answer is a 503, and still nothing is written.
func TestVendorResourceValidation(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vqStart(t, e)
		o := w.sell(t)
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		if got := len(w.callsOf(vendorkit.EventResourceValidation)); got != 0 {
			t.Fatalf("a sales order made %d resource validations, want none", got)
		}
		res := w.mailboxResource(t, sub.ID)
		w.vendor.Faults.LimitQuantity(5)
		before := w.orderCount(t)
		change := func(additional int64) (*client.Order, error) {
			return w.owner.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: sub.ID,
				Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: res.ID, Additional: additional}}}})
		}

		_, err := change(9) // 1 included + 9 = 10 mailboxes, over the vendor's 5
		ae := apiError(t, err, 422)
		want := fmt.Sprintf("Order could not be created: resource change %d is not available. You can change up to 5", res.ID)
		if got := ae.Errors[0]; got.Detail != want || got.Meta == nil ||
			got.Meta.VendorMessage != "only 5 units of mailbox are available" {
			t.Fatalf("refusal = %+v (meta %+v), want detail %q with the vendor's text", got, got.Meta, want)
		}
		calls := w.callsOf(vendorkit.EventResourceValidation)
		if len(calls) != 1 || !calls[0].signed {
			t.Fatalf("resource validation calls: %+v, want one signed", calls)
		}
		if got := w.orderCount(t); got != before {
			t.Fatalf("orders after the refusal: %d, want %d", got, before)
		}
		if got := w.mailboxResource(t, sub.ID); got.Additional != res.Additional {
			t.Fatalf("mailboxes after the refusal: %+v, want %+v", got, res)
		}

		// In Russian the same refusal reads in Russian.
		_, err = w.owner.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: sub.ID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: res.ID, Additional: 9}}}},
			client.WithHeader("X-Api-Locale", "ru"))
		if got := apiError(t, err, 422).Errors[0].Detail; !strings.HasPrefix(got, "Заказ не может быть создан") {
			t.Errorf("Russian refusal = %q", got)
		}

		placed, err := change(3) // 4 mailboxes: allowed
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, w.owner, w.r.ID, placed.ID, "completed")
		soWait(t, w.owner, w.r.ID, sub.ID, "active")
		if got := w.vendorSubscription(t, *sub.ExternalID).Resources["mailbox"]; got != 4 {
			t.Errorf("the vendor's mailboxes after the change = %d, want 4", got)
		}
		if got := len(w.callsOf(vendorkit.EventResourceValidation)); got != 3 {
			t.Errorf("resource validations = %d, want 3", got)
		}

		// The vendor's service goes away: its API path now leads to a closed port.
		closed := w.vdUnreachable(t, vqCatalog)
		before = w.orderCount(t)
		_, err = change(2)
		ae = apiError(t, err, 503)
		if got := ae.Errors[0]; got.Code != "vendor_unavailable" || strings.Contains(got.Detail, closed) {
			t.Errorf("vendor down: %+v, want vendor_unavailable without the address", got)
		}
		if got := w.orderCount(t); got != before {
			t.Errorf("orders after the vendor failed to answer: %d, want %d", got, before)
		}
	})
}
