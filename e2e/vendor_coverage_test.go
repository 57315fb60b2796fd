package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// vsCoverage produces every documented answer of the product secret rotation, and
// returns the part that runs once the database is down.
func vsCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	r := mustCreateReseller(t, s.Admin, 1, "Coverage Vendor")
	cfApply(t, s.Admin, r.ID, vsCatalog("https://vault.vendor.example/api"))
	st := cfState(t, s, r.ID)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	sales := rec.client(s, mustCreateManager(t, s.Admin, r.ID, "sales").APIToken)
	path := func(id int64) string { return fmt.Sprintf("/api/v3/resellers/%d/products/%d/secret", r.ID, id) }
	vault, paper := path(st.Products["vault"].ID), path(st.Products["paper"].ID)
	big := `{"data":{"attributes":{"name":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`

	t.Run("product secrets", func(t *testing.T) {
		a := ocAttr(t, ocOne(t, ocDo(t, admin, "POST", vault, "", "", 200)))
		if secret, _ := a["secret"].(string); !secretPattern.MatchString(secret) {
			t.Errorf("rotated secret %v", a)
		}
		ocError(t, anon, "POST", vault, "", "", 401, "token_missing")
		ocError(t, sales, "POST", vault, "", "", 403, "forbidden")
		ocError(t, admin, "POST", path(999999), "", "", 404, "product_not_found")
		ocError(t, admin, "POST", paper, "", "", 409, "product_not_automatic")
		ocError(t, admin, "POST", vault, big, "", 413, "body_too_large")
		ocError(t, admin, "POST", vault, "", "text/plain", 415, "unsupported_media_type")
	})
	return func(t *testing.T) {
		ocError(t, admin, "POST", vault, "", "", 500, "internal_error")
	}
}
