package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestSlowVendorDoesNotBlockTheAPI: while every call to the vendor hangs for
// seconds, with the job workers busy delivering, the API answers reads and writes
// within a bound far below the vendor's delay; the deliveries complete afterwards.
func TestSlowVendorDoesNotBlockTheAPI(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		const hang = 3 * time.Second
		const bound = time.Second
		w := vdStart(t, e, 50*time.Millisecond)
		w.vendor.Faults.Delay(hang)
		var subs []int64
		for range 6 {
			subs = append(subs, w.sell(t).SubscriptionID)
		}
		// Let the workers take the jobs and sit in the vendor's delay.
		time.Sleep(300 * time.Millisecond)
		started := time.Now()
		for i := range 5 {
			t0 := time.Now()
			if _, err := w.owner.GetSubscription(ctx, w.r.ID, subs[i], nil); err != nil {
				t.Fatal(err)
			}
			if _, err := w.owner.ListSubscriptions(ctx, w.r.ID, nil); err != nil {
				t.Fatal(err)
			}
			acMustCreate(t, w.owner, w.r.ID, acPostpaid("Quick", "Answer"))
			o, err := w.owner.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: w.account.ID,
				PlanID: w.plan.ID, PlanPeriodID: odPeriod(t, w.plan, "1m"), PaymentModel: "postpay",
				Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, w.plan, "mailbox"), Quantity: 2}}}})
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, o.SubscriptionID)
			if d := time.Since(t0); d > bound {
				t.Fatalf("round %d of API requests took %s while the vendor hangs, want under %s", i, d, bound)
			}
		}
		if time.Since(started) >= hang {
			t.Fatalf("the API requests took %s, as long as the vendor's delay: they waited for it", time.Since(started))
		}
		if sub, _ := w.owner.GetSubscription(ctx, w.r.ID, subs[0], nil); sub == nil || sub.Status != "installing" {
			t.Fatalf("the first subscription during the hang: %+v, want installing", sub)
		}
		w.vendor.Faults.Delay(0)
		for _, id := range subs {
			soWaitLong(t, w.owner, w.r.ID, id, "active", 30*time.Second)
		}
	})
}
