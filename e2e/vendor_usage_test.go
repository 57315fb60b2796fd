package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// vuCatalog is vdCatalog with the usage and consumption toggles on.
var vuCatalog = strings.Replace(vdCatalog, `{mode: automatic, api_path: "{api_path}"}`,
	`{mode: automatic, api_path: "{api_path}", allow_usage_url: true, allow_consumption_url: true}`, 1)

// vuUsage returns the usage the API shows of subscription id's resource named
// name (nil while unread).
func vuUsage(t *testing.T, w *vdWorld, id int64, name string) *int64 {
	t.Helper()
	var included []client.Resource
	if _, err := w.owner.GetSubscription(context.Background(), w.r.ID, id, &included,
		client.WithInclude("subscription_resources")); err != nil {
		t.Fatal(err)
	}
	for _, res := range included {
		var a struct {
			Name  string `json:"name"`
			Usage *int64 `json:"usage"`
		}
		if res.Type != "subscription_resources" {
			continue
		}
		if err := json.Unmarshal(res.Attributes, &a); err != nil {
			t.Fatal(err)
		}
		if a.Name == name {
			return a.Usage
		}
	}
	t.Fatalf("subscription %d has no resource %q among %d included", id, name, len(included))
	return nil
}

// TestVendorUsageAndConsumption: a subscription of a product with the usage and
// consumption toggles is read an interval after it was provisioned. A vendor that
// fails that read leaves the subscription as it was, and the next interval reads
// both, consumption since provisioning included; the usage shows on the API, the
// consumption is kept once, however often the pass runs.
func TestVendorUsageAndConsumption(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStartCatalog(t, e, vuCatalog, func(c *app.Config) { c.TestClock = true }, 50*time.Millisecond)
		o := w.sell(t)
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		ext := *sub.ExternalID
		if err := w.vendor.SetUsage(ctx, ext, "mailbox", 2); err != nil {
			t.Fatal(err)
		}
		if err := w.vendor.AddConsumption(ctx, ext, "mailbox", w.s.Clock.Now().Add(10*time.Minute), "1.25"); err != nil {
			t.Fatal(err)
		}
		// A key that names no resource of the plan is not kept.
		if err := w.vendor.AddConsumption(ctx, ext, "traffic", w.s.Clock.Now().Add(10*time.Minute), "7"); err != nil {
			t.Fatal(err)
		}
		if u := vuUsage(t, w, sub.ID, "Mailbox"); u != nil {
			t.Fatalf("usage before any read = %d, want null", *u)
		}

		w.vendor.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventUsageStatistics,
			vendorkit.EventConsumption}, Status: 503, Times: 2})
		if _, err := w.s.Admin.AdvanceTestClock(ctx, "PT90M"); err != nil {
			t.Fatal(err)
		}
		if n, m := len(w.callsOf(vendorkit.EventUsageStatistics)), len(w.callsOf(vendorkit.EventConsumption)); n != 1 || m != 1 {
			t.Fatalf("after the first interval: %d usage and %d consumption calls, want 1 each", n, m)
		}
		if u := vuUsage(t, w, sub.ID, "Mailbox"); u != nil {
			t.Fatalf("usage after a failed read = %d, want null", *u)
		}
		kept, err := w.s.DB.Reader().FindConsumption(ctx, sub.ID)
		if err != nil || len(kept) != 0 {
			t.Fatalf("consumption after a failed read: %+v, %v", kept, err)
		}
		if got := soWait(t, w.owner, w.r.ID, sub.ID, "active"); got.ProvisioningError != nil {
			t.Fatalf("a failed read set provisioning_error %+v", got.ProvisioningError)
		}

		if _, err := w.s.Admin.AdvanceTestClock(ctx, "PT1H"); err != nil {
			t.Fatal(err)
		}
		if u := vuUsage(t, w, sub.ID, "Mailbox"); u == nil || *u != 2 {
			t.Fatalf("usage after the next interval = %v, want 2", u)
		}
		for _, c := range append(w.callsOf(vendorkit.EventUsageStatistics), w.callsOf(vendorkit.EventConsumption)...) {
			if !c.signed {
				t.Errorf("an unsigned read call: %+v", c)
			}
		}
		// The pass again at the same instant: nothing is due, nothing is read.
		if err := w.s.Scheduler.RunAll(ctx, w.s.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		if n := len(w.callsOf(vendorkit.EventConsumption)); n != 2 {
			t.Fatalf("%d consumption calls after the pass ran again at once, want 2", n)
		}
		kept, err = w.s.DB.Reader().FindConsumption(ctx, sub.ID)
		if err != nil || len(kept) != 1 || kept[0].ResourceKey != "mailbox" || kept[0].Quantity != "1.25" ||
			kept[0].PlanResourceID != atResource(t, w.plan, "mailbox") {
			t.Fatalf("consumption kept: %+v, %v; want one period of 1.25 mailbox", kept, err)
		}
		if !kept[0].From.Before(kept[0].To) || kept[0].To.After(w.s.Clock.Now()) {
			t.Fatalf("consumption period %s to %s", kept[0].From, kept[0].To)
		}

		// Two runs of the pass at once, as two processes that both skip the pass's
		// lease would make them, an interval later: one read of each kind.
		var pass jobs.Pass
		for _, p := range w.s.Scheduler.Passes() {
			if p.Name() == "read_vendor_usage" {
				pass = p
			}
		}
		if pass == nil {
			t.Fatal("no read_vendor_usage pass")
		}
		later := w.s.Clock.Now().Add(2 * time.Hour)
		if err := w.vendor.AddConsumption(ctx, ext, "mailbox", later.Add(-time.Hour), "0.5"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := pass.Run(ctx, later); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if n, m := len(w.callsOf(vendorkit.EventUsageStatistics)), len(w.callsOf(vendorkit.EventConsumption)); n != 3 || m != 3 {
			t.Fatalf("after two runs at once: %d usage and %d consumption calls in all, want 3 each", n, m)
		}
		kept, err = w.s.DB.Reader().FindConsumption(ctx, sub.ID)
		if err != nil || len(kept) != 2 || kept[1].Quantity != "0.5" || !kept[1].From.Equal(kept[0].To) || !kept[1].To.Equal(later.Truncate(time.Microsecond)) {
			t.Fatalf("consumption after two runs at once: %+v, %v; want a second period from the first's end", kept, err)
		}
	})
}
