package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// soCoverage produces every documented answer of the subscription operations and
// the child_reseller_subscriptions reads but the database-down ones, which the
// returned function produces once the database is closed.
func soCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	w := soSetup(t, s)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	marketing := rec.client(s, mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	big := `{"data":{"attributes":{"reason":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`
	note := `{"data":{"attributes":{"reason":"customer request","comment":"pause"}}}`
	auto := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
	manual := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "manual")
	declined := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "manual")
	below := w.buy(t, w.childSales, w.child.ID, w.childAcc.ID, "auto")
	sp := func(id int64) string { return fmt.Sprintf("%s/subscriptions/%d", rp, id) }

	t.Run("subscription operations", func(t *testing.T) {
		for _, op := range []string{"stop_operation", "activate_operation"} {
			path := sp(auto.ID) + "/" + op
			ocError(t, admin, "POST", path, `{"data":`, "", 400, "malformed_json")
			ocError(t, anon, "POST", path, note, "", 401, "token_missing")
			ocError(t, marketing, "POST", path, note, "", 403, "forbidden")
			ocError(t, admin, "POST", rp+"/subscriptions/999999/"+op, note, "", 404, "subscription_not_found")
			ocError(t, admin, "POST", path, big, "", 413, "body_too_large")
			ocError(t, admin, "POST", path, note, "text/plain", 415, "unsupported_media_type")
			ocError(t, admin, "POST", path, `{"data":{"attributes":{"reason":"r"}}}`, "", 422, "required")
		}
		ocDo(t, admin, "POST", sp(auto.ID)+"/stop_operation", note, "", 200, client.WithIdempotencyKey(unique("stop-")))
		soWait(t, w.sales, w.r.ID, auto.ID, "stopped")
		ocDo(t, admin, "POST", sp(auto.ID)+"/activate_operation", note, "", 200)
		soWait(t, w.sales, w.r.ID, auto.ID, "active")

		for _, op := range []string{"delete_operation", "approve_operation", "decline_operation"} {
			path := sp(auto.ID) + "/" + op
			ocError(t, anon, "POST", path, "", "-", 401, "token_missing")
			ocError(t, admin, "POST", rp+"/subscriptions/999999/"+op, "", "-", 404, "subscription_not_found")
			ocError(t, admin, "POST", path, big, "", 413, "body_too_large")
			ocError(t, admin, "POST", path, "{}", "text/plain", 415, "unsupported_media_type")
		}
		ocError(t, marketing, "POST", sp(auto.ID)+"/delete_operation", "", "-", 403, "forbidden")
		ocError(t, admin, "POST", sp(auto.ID)+"/approve_operation", "", "-", 403, "forbidden")
		ocError(t, admin, "POST", sp(auto.ID)+"/decline_operation", "", "-", 403, "forbidden")
		ocDo(t, admin, "POST", sp(manual.ID)+"/stop_operation", note, "", 200)
		ocDo(t, admin, "POST", sp(manual.ID)+"/approve_operation", "", "-", 200, client.WithIdempotencyKey(unique("approve-")))
		ocDo(t, admin, "POST", sp(declined.ID)+"/stop_operation", note, "", 200)
		ocDo(t, admin, "POST", sp(declined.ID)+"/decline_operation", "", "-", 200)
		ocDo(t, admin, "POST", sp(declined.ID)+"/delete_operation", "", "-", 200)

		path := sp(auto.ID)
		off := `{"data":{"attributes":{"autorenew":false}}}`
		ocDo(t, admin, "PATCH", path, off, "", 200, client.WithIdempotencyKey(unique("autorenew-")))
		ocError(t, admin, "PATCH", path, `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "PATCH", path, off, "", 401, "token_missing")
		ocError(t, marketing, "PATCH", path, off, "", 403, "forbidden")
		ocError(t, admin, "PATCH", rp+"/subscriptions/999999", off, "", 404, "subscription_not_found")
		ocError(t, admin, "PATCH", path, big, "", 413, "body_too_large")
		ocError(t, admin, "PATCH", path, off, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "PATCH", path, off, "", 422, "autorenew_unchanged")

		cl := rp + "/child_reseller_subscriptions"
		ocDo(t, admin, "GET", cl+"?meta=true&sort=-created_at&filter[status]=active,stopped", "", "", 200)
		ocError(t, admin, "GET", cl+"?include=account", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", cl, "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/child_reseller_subscriptions", "", "", 404, "reseller_not_found")
		one := fmt.Sprintf("%s/%d", cl, below.ID)
		ocDo(t, admin, "GET", one+"?meta=false", "", "", 200)
		ocError(t, admin, "GET", one+"?meta=maybe", "", "", 400, "must_be_boolean")
		ocError(t, anon, "GET", one, "", "", 401, "token_missing")
		ocError(t, admin, "GET", fmt.Sprintf("%s/%d", cl, auto.ID), "", "", 404, "subscription_not_found")

		ocDo(t, admin, "GET", fmt.Sprintf("%s/accounts/%d?include=subscriptions", rp, w.postpaid.ID), "", "", 200)
		ocDo(t, admin, "GET", rp+"/accounts?include=subscriptions", "", "", 200)
	})
	return func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"POST", sp(auto.ID) + "/stop_operation", note},
			{"POST", sp(auto.ID) + "/activate_operation", note},
			{"POST", sp(auto.ID) + "/delete_operation", ""},
			{"POST", sp(auto.ID) + "/approve_operation", ""},
			{"POST", sp(auto.ID) + "/decline_operation", ""},
			{"PATCH", sp(auto.ID), `{"data":{"attributes":{"autorenew":true}}}`},
			{"GET", rp + "/child_reseller_subscriptions", ""},
			{"GET", fmt.Sprintf("%s/child_reseller_subscriptions/%d", rp, below.ID), ""},
		} {
			ocError(t, admin, c.method, c.path, c.body, "", 500, "internal_error")
		}
	}
}
