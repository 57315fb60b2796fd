package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestDemoProvisionsThroughItsVendorService: the demo's subscriptions are created on
// the example vendor service it runs on loopback (they carry the vendor's id), and a
// second start on the same database, on a new port, still reaches it.
func TestDemoProvisionsThroughItsVendorService(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		cfg := testConfig(e.URL)
		cfg.Demo = true
		m := NewMain(cfg)
		if err := m.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(m.DemoVendorURL, "http://127.0.0.1:") {
			t.Fatalf("DemoVendorURL = %q, want a loopback URL", m.DemoVendorURL)
		}
		admin := client.New(m.URL(), cfg.AdminToken)
		sub, err := admin.GetSubscription(ctx, 1, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Status != "active" || sub.ExternalID == nil || !strings.HasPrefix(*sub.ExternalID, "vs-") || sub.ProvisioningError != nil {
			t.Fatalf("demo subscription 1: status %s, external_id %v, error %+v; want active with the vendor's id",
				sub.Status, sub.ExternalID, sub.ProvisioningError)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}

		again := NewMain(cfg)
		if err := again.Run(ctx); err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if again.DemoVendorURL == "" {
			t.Fatal("the second start runs no vendor service")
		}
		admin = client.New(again.URL(), cfg.AdminToken)
		// Demo subscription 4 was stopped; its activation goes to this start's service.
		if err := admin.ActivateSubscription(ctx, 1, 4, client.OperationNote{Reason: "back", Comment: "demo restart"}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			sub, err := admin.GetSubscription(ctx, 1, 4, nil)
			if err != nil {
				t.Fatal(err)
			}
			if sub.Status == "active" && sub.ProvisioningError == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("subscription 4 after an activation: status %s, error %+v; want active", sub.Status, sub.ProvisioningError)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
