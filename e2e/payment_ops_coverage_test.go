package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// poCoverage produces every documented answer of creating, cancelling and completing
// payments by document number but the database-down ones, which the returned function
// produces once the database is closed.
func poCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	w := odSetup(t, s)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	marketing := rec.client(s, mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	topUp := func(account int64, total string) string {
		return fmt.Sprintf(`{"data":{"attributes":{"account_id":%d,"total":%s,"comment":"top-up"}}}`, account, total)
	}
	complete := fmt.Sprintf(`{"data":{"attributes":{"payment_method_id":"%d","amount":5,"currency_code":"EUR"}}}`, w.cash)
	big := `{"data":{"attributes":{"comment":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`
	var pp, dp string

	t.Run("payment operations", func(t *testing.T) {
		ocError(t, admin, "POST", rp+"/payments", `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "POST", rp+"/payments", topUp(w.prepaid.ID, "5"), "", 401, "token_missing")
		ocError(t, marketing, "POST", rp+"/payments", topUp(w.prepaid.ID, "5"), "", 403, "forbidden")
		ocError(t, admin, "POST", "/api/v3/resellers/999999/payments", topUp(w.prepaid.ID, "5"), "", 404, "reseller_not_found")
		ocError(t, admin, "POST", rp+"/payments", big, "", 413, "body_too_large")
		ocError(t, admin, "POST", rp+"/payments", topUp(w.prepaid.ID, "5"), "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "POST", rp+"/payments", topUp(w.prepaid.ID, "5.001"), "", 422, "amount_minor_units")
		odCoverageInProgress(t, admin, rp+"/payments", topUp(w.prepaid.ID, "5"))
		created := ocOne(t, ocDo(t, admin, "POST", rp+"/payments", topUp(w.prepaid.ID, `"5.00"`), "", 201,
			client.WithIdempotencyKey(unique("top-"))))
		pp = rp + "/payments/" + created.ID
		dp = fmt.Sprintf("%s/payments/%s", rp, strings.TrimLeft(ocAttr(t, created)["document_id"].(string), "0"))
		ocDo(t, admin, "GET", pp+"?include=account,orders,payment_method,reseller", "", "", 200)

		ocError(t, admin, "POST", dp, `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "POST", dp, complete, "", 401, "token_missing")
		ocError(t, marketing, "POST", dp, complete, "", 403, "forbidden")
		ocError(t, admin, "POST", rp+"/payments/999999", complete, "", 404, "payment_not_found")
		ocError(t, admin, "POST", dp, big, "", 413, "body_too_large")
		ocError(t, admin, "POST", dp, complete, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "POST", dp, strings.Replace(complete, `"currency_code":"EUR"`, `"currency_code":"GBP"`, 1), "", 422,
			"payment_currency_differs")
		ocDo(t, admin, "POST", dp, complete, "", 200, client.WithIdempotencyKey(unique("doc-")))

		other := ocOne(t, ocDo(t, admin, "POST", rp+"/payments", topUp(w.prepaid.ID, "7"), "", 201))
		cp := rp + "/payments/" + other.ID
		ocError(t, anon, "DELETE", cp, "", "-", 401, "token_missing")
		ocError(t, marketing, "DELETE", cp, "", "-", 403, "forbidden")
		ocError(t, admin, "DELETE", rp+"/payments/999999", "", "-", 404, "payment_not_found")
		ocError(t, admin, "DELETE", cp, big, "", 413, "body_too_large")
		ocError(t, admin, "DELETE", cp, "{}", "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "DELETE", cp, "", "-", 422, "invalid_idempotency_key", client.WithIdempotencyKey(strings.Repeat("k", 256)))
		ocError(t, admin, "DELETE", pp, "", "-", 422, "payment_cancel_status")
		ocDo(t, admin, "DELETE", cp, "", "-", 200, client.WithIdempotencyKey(unique("cancel-")))
	})
	return func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"POST", rp + "/payments", topUp(w.prepaid.ID, "5")},
			{"DELETE", pp, ""},
			{"POST", dp, complete},
		} {
			ocError(t, admin, c.method, c.path, c.body, "", 500, "internal_error")
		}
	}
}
