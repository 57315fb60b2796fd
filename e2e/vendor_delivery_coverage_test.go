package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// vdCoverage produces every documented answer of provisioning_retry on a server of
// its own that calls the example vendor service, whose database it closes last for
// the internal error. The server has a fresh database of engine's kind.
func vdCoverage(t *testing.T, engine string, rec *ocRecorder) {
	var w *vdWorld
	for _, e := range storetest.Engines(t) {
		if e.Name == engine {
			w = vdStart(t, e, 20*time.Millisecond)
		}
	}
	// Answers are recorded against this server's address, then handed to rec.
	mine := ocNewRecorder(t, w.s)
	defer func() {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		for k := range mine.seen {
			rec.seen[k] = true
		}
	}()
	admin, anon := mine.client(w.s, w.s.token), mine.client(w.s, "")
	sales := mine.client(w.s, mustCreateManager(t, w.s.Admin, w.r.ID, "sales").APIToken)
	w.vendor.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate},
		Status: http.StatusUnprocessableEntity, Message: "refused", Times: 1})
	o := w.sell(t)
	soWait(t, w.owner, w.r.ID, o.SubscriptionID, "installation_failed")
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	path := fmt.Sprintf("%s/subscriptions/%d/provisioning_retry", rp, o.SubscriptionID)

	t.Run("provisioning retry", func(t *testing.T) {
		ocError(t, anon, "POST", path, "", "-", 401, "token_missing")
		ocError(t, sales, "POST", path, "", "-", 403, "forbidden")
		ocError(t, admin, "POST", rp+"/subscriptions/999999/provisioning_retry", "", "-", 404, "subscription_not_found")
		ocError(t, admin, "POST", path, `{"data":{"attributes":{"x":"`+strings.Repeat("x", ocBigBodySize)+`"}}}`, "", 413, "body_too_large")
		ocError(t, admin, "POST", path, "{}", "text/plain", 415, "unsupported_media_type")
		// The job fails just after the refusal is applied; until then the retry conflicts.
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, err := admin.Do(context.Background(), "POST", path, nil, "")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode == http.StatusOK {
				break
			}
			if resp.StatusCode != http.StatusConflict || time.Now().After(deadline) {
				t.Fatalf("provisioning_retry: %d %s", resp.StatusCode, resp.Body)
			}
			time.Sleep(10 * time.Millisecond)
		}
		soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		ocError(t, admin, "POST", path, "", "-", 409, "provisioning_not_failed")

		db := w.s.DB
		w.s.DB = nil
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		ocError(t, admin, "POST", path, "", "-", 500, "internal_error")
	})
}
