package vendor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
)

// flaky is a vendor service whose creates fail with 500 until told otherwise,
// counting those that took effect.
type flaky struct {
	vendorkit.Unimplemented
	down    atomic.Bool
	effects atomic.Int64
}

func (f *flaky) SubscriptionCreate(_ context.Context, _ vendorkit.Call, r *vendorkit.SubscriptionRequest) (*vendorkit.CreateAnswer, error) {
	if f.down.Load() {
		return nil, vendorkit.Refuse(http.StatusInternalServerError, "storage unavailable")
	}
	f.effects.Add(1)
	return &vendorkit.CreateAnswer{ExternalID: "ext-" + r.Subscription.ID}, nil
}

// TestClientAgainstVendorkit: Cascade's client and a vendorkit service agree on
// paths, signing and answers. A create that fails with 500 is retryable; its retry
// under the same event id succeeds; a further retry (an answer lost on the way)
// replays the answer without a second effect.
func TestClientAgainstVendorkit(t *testing.T) {
	svc := &flaky{}
	svc.down.Store(true)
	kit := vendorkit.NewHandler(svc, vendorkit.Config{Secrets: []string{testSecret}})
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", kit))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := privateClient(5 * time.Second)
	tg := Target{APIPath: srv.URL + "/api", Secret: testSecret, APGUID: "g", ResellerID: 1}
	ctx := context.Background()

	_, err := c.SubscriptionCreate(ctx, tg, "evt-9", sampleSub)
	if f, ok := err.(*Failure); !ok || f.Outcome != Retryable || f.Status != 500 || f.Message != "storage unavailable" {
		t.Fatalf("vendor down: %v, want a retryable 500 with its text", err)
	}
	svc.down.Store(false)
	for range 2 {
		a, err := c.SubscriptionCreate(ctx, tg, "evt-9", sampleSub)
		if err != nil || a.ExternalID != "ext-3007255" {
			t.Fatalf("retry: %+v, %v", a, err)
		}
	}
	if n := svc.effects.Load(); n != 1 {
		t.Fatalf("%d creates took effect for one event, want 1", n)
	}
	// A wrong secret is refused by the kit, and that refusal is permanent.
	tg.Secret = "cvs_wrong"
	if err := c.Check(ctx, tg, "evt-10"); Classify(err) != Permanent {
		t.Fatalf("wrong secret: %v, want a permanent failure", err)
	}
}
