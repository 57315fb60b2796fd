package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// koCoverage produces every documented answer of the corrections API but the
// database-down ones, which the returned function produces once the database is
// closed.
func koCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	w := odSetup(t, s)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	owner := rec.client(s, mustCreateManager(t, s.Admin, w.r.ID, "owner").APIToken)
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	create := fmt.Sprintf(`{"data":{"attributes":{"account_id":%d,"included_invoice":false,"total":"-1.25","comment":"c"}}}`, w.prepaid.ID)
	approve := `{"data":{"attributes":{"status":"approved"}}}`
	big := `{"data":{"attributes":{"comment":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`
	var kp string

	t.Run("corrections", func(t *testing.T) {
		ocError(t, admin, "POST", rp+"/corrections", `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "POST", rp+"/corrections", create, "", 401, "token_missing")
		ocError(t, owner, "POST", rp+"/corrections", create, "", 403, "forbidden")
		ocError(t, admin, "POST", "/api/v3/resellers/999999/corrections", create, "", 404, "reseller_not_found")
		ocError(t, admin, "POST", rp+"/corrections", big, "", 413, "body_too_large")
		ocError(t, admin, "POST", rp+"/corrections", create, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "POST", rp+"/corrections", strings.Replace(create, `"-1.25"`, `"-1.255"`, 1), "", 422,
			"correction_total_places")
		created := ocOne(t, ocDo(t, admin, "POST", rp+"/corrections", create, "", 201))
		kp = rp + "/corrections/" + created.ID

		ocDo(t, admin, "GET", rp+"/corrections?filter[status]=approval_required&filter[account_id]="+
			fmt.Sprint(w.prepaid.ID)+"&sort=-id&page[size]=1", "", "", 200)
		ocError(t, admin, "GET", rp+"/corrections?sort=total", "", "", 400, "unknown_sort")
		ocError(t, anon, "GET", rp+"/corrections", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/corrections", "", "", 404, "reseller_not_found")
		ocDo(t, admin, "GET", kp, "", "", 200)
		ocError(t, admin, "GET", kp+"?include=account", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", kp, "", "", 401, "token_missing")
		ocError(t, admin, "GET", rp+"/corrections/999999", "", "", 404, "correction_not_found")

		ocError(t, admin, "PATCH", kp, `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "PATCH", kp, approve, "", 401, "token_missing")
		ocError(t, owner, "PATCH", kp, approve, "", 403, "forbidden")
		ocError(t, admin, "PATCH", rp+"/corrections/999999", approve, "", 404, "correction_not_found")
		ocError(t, admin, "PATCH", kp, big, "", 413, "body_too_large")
		ocError(t, admin, "PATCH", kp, approve, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "PATCH", kp, `{"data":{"attributes":{"status":"pending"}}}`, "", 422, "correction_decision")
		ocDo(t, admin, "PATCH", kp, approve, "", 200)
		ocError(t, admin, "PATCH", kp, approve, "", 422, "correction_decided")
	})
	return func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"POST", rp + "/corrections", create},
			{"GET", rp + "/corrections", ""},
			{"GET", kp, ""},
			{"PATCH", kp, approve},
		} {
			ocError(t, admin, c.method, c.path, c.body, "", 500, "internal_error")
		}
	}
}
