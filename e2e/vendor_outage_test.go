package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorDownThenBack: while the vendor's service drops every connection, the
// creates of three subscriptions wait and retry; once it is back, each is created
// exactly once. Down again, their stops wait the same way and arrive after their
// creates: the vendor ends with three stopped subscriptions, each stopped once.
func TestVendorDownThenBack(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		retry := make([]time.Duration, 40)
		for i := range retry {
			retry[i] = 50 * time.Millisecond
		}
		w := vdStart(t, e, retry...)
		const n = 3
		w.down.Store(true)
		var subs []int64
		for range n {
			subs = append(subs, w.sell(t).SubscriptionID)
		}
		w.waitDropped(t, 2*n)
		for _, id := range subs {
			if sub := soWait(t, w.owner, w.r.ID, id, "installing"); sub.ProvisioningError != nil {
				t.Fatalf("subscription %d while the vendor is down: provisioning_error %+v", id, sub.ProvisioningError)
			}
		}
		w.down.Store(false)
		external := map[int64]string{}
		for _, id := range subs {
			sub := soWait(t, w.owner, w.r.ID, id, "active")
			if sub.ExternalID == nil {
				t.Fatalf("subscription %d active without external_id", id)
			}
			external[id] = *sub.ExternalID
		}
		if got := w.vendor.Handled(vendorkit.EventSubscriptionCreate); got != n {
			t.Fatalf("the vendor created %d subscriptions, want %d", got, n)
		}

		w.down.Store(true)
		before := w.dropped.Load()
		for _, id := range subs {
			if err := w.owner.StopSubscription(ctx, w.r.ID, id, soNote); err != nil {
				t.Fatal(err)
			}
		}
		w.waitDropped(t, before+2*n)
		w.down.Store(false)
		for _, id := range subs {
			soWait(t, w.owner, w.r.ID, id, "stopped")
			if got := w.vendorSubscription(t, external[id]).Status; got != "stopped" {
				t.Errorf("the vendor's subscription %s is %q, want stopped", external[id], got)
			}
		}
		if got := w.vendor.Handled(vendorkit.EventSubscriptionStop); got != n {
			t.Errorf("the vendor stopped %d times, want %d", got, n)
		}
		// Each subscription's create reached the vendor before its stop, under one
		// event id per operation.
		creates, stops := w.callsOf(vendorkit.EventSubscriptionCreate), w.callsOf(vendorkit.EventSubscriptionStop)
		if len(creates) != n || len(stops) != n {
			t.Fatalf("calls answered: %d creates and %d stops, want %d of each", len(creates), len(stops), n)
		}
	})
}

// waitDropped waits until the service has dropped at least n calls.
func (w *vdWorld) waitDropped(t *testing.T, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for w.dropped.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("the service dropped %d calls, want at least %d", w.dropped.Load(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
