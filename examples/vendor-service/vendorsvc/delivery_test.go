package vendorsvc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestSignatureMismatchRefused: a call signed with another secret is refused with
// 401 before the service runs it.
func TestSignatureMismatchRefused(t *testing.T) {
	h := startService(t, ":memory:")
	tg := h.target
	tg.Secret = "cvs_not_the_product_secret"
	_, err := h.client.SubscriptionCreate(context.Background(), tg, event(), subRequest("1", 5))
	if f := failure(t, err); f.Status != http.StatusUnauthorized || f.Outcome != vendor.Permanent || !strings.Contains(f.Message, "signature does not match") {
		t.Fatalf("wrong secret: %+v", f)
	}
	subs, _ := h.srv.Subscriptions(context.Background())
	if n := h.srv.Handled(vendorkit.EventSubscriptionCreate); n != 0 || len(subs) != 0 {
		t.Fatalf("the refused call ran %d times and left %d subscriptions", n, len(subs))
	}
}

// TestDuplicateEventAppliedOnce: an event delivered twice takes effect once and
// gets the same answer, also after the service restarts on its database.
func TestDuplicateEventAppliedOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vendor.db")
	h := startService(t, path)
	ctx := context.Background()
	created, err := h.client.SubscriptionCreate(ctx, h.target, "evt-create", subRequest("1", 5))
	if err != nil {
		t.Fatal(err)
	}
	req := subRequest("1", 5)
	req.ExternalID = created.ExternalID
	for range 2 {
		a, err := h.client.SubscriptionRenew(ctx, h.target, "evt-renew", req)
		if err != nil || a.Attributes["renewals"] != "1" {
			t.Fatalf("renew: %+v, %v", a, err)
		}
	}
	if n := h.srv.Handled(vendorkit.EventSubscriptionRenew); n != 1 {
		t.Fatalf("renew ran %d times for one event, want 1", n)
	}

	// A new process on the same database still knows the events.
	restarted := startService(t, path)
	again, err := restarted.client.SubscriptionCreate(ctx, restarted.target, "evt-create", subRequest("1", 5))
	if err != nil || again.ExternalID != created.ExternalID || restarted.srv.Handled(vendorkit.EventSubscriptionCreate) != 0 {
		t.Fatalf("create replayed after a restart: %+v, %v, ran %d times", again, err, restarted.srv.Handled(vendorkit.EventSubscriptionCreate))
	}
	if sub := restarted.subscription(t, created.ExternalID); sub.Renewals != 1 {
		t.Fatalf("renewals = %d after a restart, want 1", sub.Renewals)
	}
}

// TestFaults: the service fails and slows down as told, and a failure after the
// effect is mended by a retry under the same event id, with one effect.
func TestFaults(t *testing.T) {
	h := startService(t, ":memory:")
	ctx := context.Background()

	h.srv.Faults.FailNext(2)
	for i := range 2 {
		if f := failure(t, h.client.Check(ctx, h.target, event())); f.Outcome != vendor.Retryable || f.Status != 500 || f.Message != "temporarily unavailable" {
			t.Fatalf("failure %d: %+v", i+1, f)
		}
	}
	if err := h.client.Check(ctx, h.target, event()); err != nil {
		t.Fatalf("third call: %v", err)
	}

	// A permanent refusal of one call only.
	h.srv.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate}, Status: 403,
		Message: "account suspended at the vendor"})
	if err := h.client.Check(ctx, h.target, event()); err != nil {
		t.Fatalf("check beside a create fault: %v", err)
	}
	for range 2 {
		_, err := h.client.SubscriptionCreate(ctx, h.target, event(), subRequest("1", 5))
		if f := failure(t, err); f.Outcome != vendor.Permanent || f.Status != 403 || f.Message != "account suspended at the vendor" {
			t.Fatalf("create under a permanent fault: %+v", f)
		}
	}
	h.srv.Faults.Clear()

	// The work done, the answer lost: the retry replays it without a second effect.
	h.srv.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate}, Times: 1, AfterEffect: true})
	_, err := h.client.SubscriptionCreate(ctx, h.target, "evt-lost", subRequest("2", 5))
	if f := failure(t, err); f.Outcome != vendor.Retryable {
		t.Fatalf("lost answer: %+v", f)
	}
	a, err := h.client.SubscriptionCreate(ctx, h.target, "evt-lost", subRequest("2", 5))
	subs, _ := h.srv.Subscriptions(ctx)
	if err != nil || len(subs) != 1 || subs[0].ExternalID != a.ExternalID || h.srv.Handled(vendorkit.EventSubscriptionCreate) != 1 {
		t.Fatalf("retry after a lost answer: %+v, %v; %d subscriptions, create ran %d times", a, err, len(subs), h.srv.Handled(vendorkit.EventSubscriptionCreate))
	}

	// A slow service: the client gives up at its timeout, which is retryable.
	h.srv.Faults.Delay(300 * time.Millisecond)
	impatient := newClient(100 * time.Millisecond)
	if f := failure(t, impatient.Check(ctx, h.target, event())); f.Outcome != vendor.Retryable || f.Message != "no answer within the timeout" {
		t.Fatalf("slow service: %+v", f)
	}
	start := time.Now()
	if err := h.client.Check(ctx, h.target, event()); err != nil || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("patient check: %v after %s", err, time.Since(start))
	}
}

// TestControlEndpoints: a service in another process is steered over HTTP.
func TestControlEndpoints(t *testing.T) {
	h := startService(t, ":memory:")
	ctx := context.Background()
	post := func(path, body string) {
		t.Helper()
		resp, err := http.Post(h.url+"/_control/"+path, "application/json", bytes.NewBufferString(body))
		if err != nil || resp.StatusCode != http.StatusNoContent {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("POST %s: %v %s", path, err, b)
		}
		resp.Body.Close()
	}
	post("faults", `{"events":["check"],"status":503,"message":"maintenance","times":1}`)
	if f := failure(t, h.client.Check(ctx, h.target, event())); f.Status != 503 || f.Message != "maintenance" {
		t.Fatalf("fault over HTTP: %+v", f)
	}
	post("limit", `{"max_quantity":3}`)
	created, err := h.client.SubscriptionCreate(ctx, h.target, event(), subRequest("1", 2))
	if err != nil {
		t.Fatal(err)
	}
	req := subRequest("1", 4)
	req.ExternalID = created.ExternalID
	if f := failure(t, h.client.ResourceValidation(ctx, h.target, event(), req)); *f.AvailableQuantity != 3 {
		t.Fatalf("limit over HTTP: %+v", f)
	}
	post("usage", `{"external_id":"`+created.ExternalID+`","key":"users","usage":2}`)
	post("delay", `{"delay":"1ms"}`)
	post("reset", ``)
	if err := h.client.ResourceValidation(ctx, h.target, event(), req); err != nil {
		t.Fatalf("after reset: %v", err)
	}
	resp, err := http.Get(h.url + "/_control/subscriptions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var subs []struct {
		ExternalID string           `json:"external_id"`
		Usage      map[string]int64 `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&subs); err != nil || len(subs) != 1 || subs[0].Usage["users"] != 2 {
		t.Fatalf("subscriptions over HTTP: %+v, %v", subs, err)
	}
}
