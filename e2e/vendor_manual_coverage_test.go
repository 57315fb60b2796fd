package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// mdCoverage produces every documented answer of provisioning_completion on a
// server of its own with a product in manual mode (its messages logged), whose
// database it closes last for the internal error. The server has a fresh database
// of engine's kind.
func mdCoverage(t *testing.T, engine string, rec *ocRecorder) {
	var w *mdWorld
	for _, e := range storetest.Engines(t) {
		if e.Name == engine {
			w = mdStart(t, e, nil, 20*time.Millisecond)
		}
	}
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
	o := w.sell(t)
	w.waiting(t, o.SubscriptionID, "installing", "")
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	path := fmt.Sprintf("%s/subscriptions/%d/provisioning_completion", rp, o.SubscriptionID)

	t.Run("provisioning completion", func(t *testing.T) {
		done := `{"outcome":"done","message":"made"}`
		ocError(t, anon, "POST", path, done, "application/json", 401, "token_missing")
		ocError(t, sales, "POST", path, done, "application/json", 403, "forbidden")
		ocError(t, admin, "POST", rp+"/subscriptions/999999/provisioning_completion", done, "application/json", 404, "subscription_not_found")
		ocError(t, admin, "POST", path, `{"outcome":`, "application/json", 400, "malformed_json")
		ocError(t, admin, "POST", path, `{"message":"`+strings.Repeat("x", ocBigBodySize)+`"}`, "application/json", 413, "body_too_large")
		ocError(t, admin, "POST", path, done, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "POST", path, `{"outcome":"failed"}`, "application/json", 422, "required")
		ocDo(t, admin, "POST", path, done, "application/json", 200)
		ocError(t, admin, "POST", path, done, "", 422, "provisioning_not_waiting")

		db := w.s.DB
		w.s.DB = nil
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		ocError(t, admin, "POST", path, done, "application/json", 500, "internal_error")
	})
}
