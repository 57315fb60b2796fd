package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestKilledMidDelivery runs the real binary as the worker node, kills it (SIGKILL)
// while its calls to the vendor hang in the vendor's delay, and starts another on the
// same database: once the dead node's leases end, every subscription is created on
// the vendor exactly once and shows the vendor's id.
func TestKilledMidDelivery(t *testing.T) {
	const orders = 6
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 100*time.Millisecond)
		token := w.s.token
		ownerToken := mustCreateManager(t, w.s.Admin, w.r.ID, "owner").APIToken
		order := client.SalesOrderInput{AccountID: w.account.ID, PlanID: w.plan.ID, PlanPeriodID: odPeriod(t, w.plan, "1m"),
			PaymentModel: "postpay", Resources: &client.ResourceList{Data: []client.ResourceQuantity{
				{PlanResourceID: atResource(t, w.plan, "mailbox"), Quantity: 3}}}}
		w.s.stop()

		env := []string{"CASCADE_VENDOR_ALLOW_PRIVATE=1", "CASCADE_VENDOR_RETRY=100ms,100ms,100ms", "CASCADE_VENDOR_TIMEOUT=5s"}
		w.vendor.Faults.Delay(2 * time.Second)
		first := startProcessEnv(t, e.URL, token, env, "--job-lease", "2s")
		c := first.client(ownerToken)
		var subs []int64
		for range orders {
			o, err := c.CreateSalesOrder(ctx, w.r.ID, order)
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, o.SubscriptionID)
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(w.callsOf(vendorkit.EventSubscriptionCreate)) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no create reached the vendor")
			}
			time.Sleep(10 * time.Millisecond)
		}
		first.kill()
		if n := w.vendor.Handled(vendorkit.EventSubscriptionCreate); n != 0 {
			t.Fatalf("the vendor created %d subscriptions before the kill, want none (its delay is longer)", n)
		}
		w.vendor.Faults.Delay(0)

		second := startProcessEnv(t, e.URL, token, env, "--job-lease", "2s")
		c = second.client(ownerToken)
		seen := map[string]bool{}
		for _, id := range subs {
			sub := soWaitLong(t, c, w.r.ID, id, "active", 30*time.Second)
			if sub.ExternalID == nil || seen[*sub.ExternalID] {
				t.Fatalf("subscription %d: external_id %v, want one of its own", id, sub.ExternalID)
			}
			seen[*sub.ExternalID] = true
			w.vendorSubscription(t, *sub.ExternalID)
		}
		if n := w.vendor.Handled(vendorkit.EventSubscriptionCreate); n != orders {
			t.Errorf("the vendor created %d subscriptions, want %d", n, orders)
		}
		all, err := w.vendor.Subscriptions(ctx)
		if err != nil || len(all) != orders {
			t.Errorf("the vendor holds %d subscriptions (%v), want %d", len(all), err, orders)
		}
	})
}
