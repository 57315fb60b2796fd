package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// okCoverage produces every documented answer of the change, switch, renewal and
// prolong order endpoints but the database-down one and the timing-bound 409, which
// the returned function produces once the database is closed.
func okCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	w := okSetup(t, s)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	marketing := rec.client(s, mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	big := `{"data":{"attributes":{"promo_code":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`
	bodies := map[string]func(sub int64) string{}
	t.Run("order kinds", func(t *testing.T) {
		flex := func() int64 { return w.buy(t, w.prepaid, "flex-basic", "1m", 2) }
		var seat int64
		bodies["change_order"] = func(sub int64) string {
			return fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d,"resources":{"data":[{"resource_id":%d,"additional":3}]}}}}`, sub, seat)
		}
		bodies["switch_order"] = func(sub int64) string {
			return fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d,"plan_id":%d,"plan_period_id":%d,"switch_type":"immediate_switch",`+
				`"resources":{"data":[{"plan_resource_id":%d,"quantity":2}]}}}}`,
				sub, w.plans["flex-pro"].ID, w.period(t, "flex-pro", "1m"), w.seat(t, "flex-pro"))
		}
		bodies["renewal_order"] = func(sub int64) string {
			return fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d,"plan_period_id":%d,`+
				`"resources":{"data":[{"plan_resource_id":%d,"quantity":2}]}}}}`, sub, w.period(t, "flex-basic", "1y"), w.seat(t, "flex-basic"))
		}
		bodies["prolong_order"] = func(sub int64) string {
			return fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d}}}`, sub)
		}
		for _, kind := range []string{"change_order", "switch_order", "renewal_order", "prolong_order"} {
			sub := flex()
			if kind == "prolong_order" {
				sub = w.buy(t, w.prepaid, "commit", "1y", 2)
			}
			_, res := w.subscription(t, sub)
			seat = res[0].ID
			path, body := rp+"/"+kind, bodies[kind](sub)
			ocError(t, admin, "POST", path, `{"data":`, "", 400, "malformed_json")
			ocError(t, anon, "POST", path, body, "", 401, "token_missing")
			ocError(t, marketing, "POST", path, body, "", 403, "forbidden")
			ocError(t, admin, "POST", "/api/v3/resellers/999999/"+kind, body, "", 404, "reseller_not_found")
			ocError(t, admin, "POST", path, big, "", 413, "body_too_large")
			ocError(t, admin, "POST", path, body, "text/plain", 415, "unsupported_media_type")
			ocError(t, admin, "POST", path, bodies[kind](999999), "", 422, "subscription_not_found")
			created := ocOne(t, ocDo(t, admin, "POST", path, body, "", 201, client.WithIdempotencyKey(unique("ok-"))))
			if !strings.HasPrefix(created.Type, strings.TrimSuffix(kind, "_order")) {
				t.Errorf("POST %s: data.type %s", kind, created.Type)
			}
		}
	})
	return func(t *testing.T) {
		for _, kind := range []string{"change_order", "switch_order", "renewal_order", "prolong_order"} {
			ocError(t, admin, "POST", rp+"/"+kind, bodies[kind](1), "", 500, "internal_error")
		}
	}
}
