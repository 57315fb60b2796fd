package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorRefusesTamperedAndReplayedCalls takes a create exactly as Cascade sent
// it and sends it again to services built on vendorkit: unchanged and at once, it is
// answered from deduplication without a second subscription; with its body changed
// under the captured signature it is refused; and to a service whose clock is six
// minutes later, past the five-minute window, it is refused too.
func TestVendorRefusesTamperedAndReplayedCalls(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 50*time.Millisecond)
		o := w.sell(t)
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		creates := w.callsOf(vendorkit.EventSubscriptionCreate)
		if len(creates) != 1 || !creates[0].signed {
			t.Fatalf("create calls %+v, want one signed", creates)
		}
		create := creates[0]
		send := func(h http.Handler, body []byte) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, create.uri, bytes.NewReader(body))
			req.Header = create.header.Clone()
			rr := httptest.NewRecorder()
			h.ServeHTTP(rr, req)
			return rr
		}

		again := send(w.vendor, create.body)
		var answer vendorkit.CreateAnswer
		if again.Code/100 != 2 || json.Unmarshal(again.Body.Bytes(), &answer) != nil || answer.ExternalID != *sub.ExternalID {
			t.Fatalf("the same call again: %d %s, want the first answer (external_id %s)", again.Code, again.Body, *sub.ExternalID)
		}

		tampered := bytes.Replace(create.body, []byte(`"quantity":3`), []byte(`"quantity":30`), 1)
		if bytes.Equal(tampered, create.body) {
			t.Fatalf("no quantity to change in %s", create.body)
		}
		if rr := send(w.vendor, tampered); rr.Code != http.StatusUnauthorized {
			t.Errorf("a changed body: %d %s, want 401", rr.Code, rr.Body)
		}
		if n := w.vendor.Handled(vendorkit.EventSubscriptionCreate); n != 1 {
			t.Errorf("the vendor created %d times, want 1", n)
		}

		later, err := vendorsvc.Open(ctx, vendorsvc.Options{Secrets: []string{w.secret},
			Now: func() time.Time { return time.Now().Add(6 * time.Minute) }})
		if err != nil {
			t.Fatal(err)
		}
		defer later.Close()
		if rr := send(later, create.body); rr.Code != http.StatusUnauthorized {
			t.Errorf("the call six minutes later: %d %s, want 401", rr.Code, rr.Body)
		}
		if n := later.Handled(vendorkit.EventSubscriptionCreate); n != 0 {
			t.Errorf("the late call created %d subscriptions, want none", n)
		}
	})
}
