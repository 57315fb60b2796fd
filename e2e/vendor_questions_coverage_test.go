package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// vqCoverage produces the answers of the synchronous vendor questions on a server of
// its own that calls the example vendor service: the 503 of each order kind whose
// resource validation gets no answer, of order attributes the vendor does not
// list, and every answer of the integration check, whose internal error comes
// last, with the server's database closed. The server has a fresh database of engine's
// kind.
func vqCoverage(t *testing.T, engine string, rec *ocRecorder) {
	var w *vdWorld
	for _, e := range storetest.Engines(t) {
		if e.Name == engine {
			w = vdStartCatalog(t, e, vqCatalog, nil, 20*time.Millisecond)
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
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	checkPath := func(rp string, id int64) string { return fmt.Sprintf("%s/products/%d/integration_check", rp, id) }
	mail := checkPath(rp, cfState(t, w.s, w.r.ID).Products["mail"].ID)

	t.Run("integration check", func(t *testing.T) {
		ocDo(t, admin, "POST", mail, "", "", 201)
		ocError(t, anon, "POST", mail, "", "", 401, "token_missing")
		ocError(t, sales, "POST", mail, "", "", 403, "forbidden")
		ocError(t, admin, "POST", checkPath(rp, 999999), "", "", 404, "product_not_found")
		ocError(t, admin, "POST", mail, `{"data":{"attributes":{"x":"`+strings.Repeat("x", ocBigBodySize)+`"}}}`, "", 413, "body_too_large")
		ocError(t, admin, "POST", mail, "{}", "text/plain", 415, "unsupported_media_type")
		other := mustCreateReseller(t, w.s.Admin, domain.OperatorID, "Other Seller")
		cfApply(t, w.s.Admin, other.ID, vsCatalog("https://vault.vendor.example/api"))
		paper := cfState(t, w.s, other.ID).Products["paper"].ID
		ocError(t, admin, "POST", checkPath(fmt.Sprintf("/api/v3/resellers/%d", other.ID), paper), "", "", 422, "product_without_vendor_api")
	})

	t.Run("resource validation unanswered", func(t *testing.T) {
		basic, commit := w.sellPlan(t, "mail-basic", "1m", 3), w.sellPlan(t, "mail-commit", "1y", 3)
		res := w.mailboxResource(t, basic.ID)
		pro, plan := atPlan(t, w.s.Admin, w.r.ID, "mail-pro"), atPlan(t, w.s.Admin, w.r.ID, "mail-commit")
		w.vdUnreachable(t, vqCatalog)
		bodies := map[string]string{
			"change_order": fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d,"resources":{"data":[{"resource_id":%d,"additional":4}]}}}}`,
				basic.ID, res.ID),
			"switch_order": fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d,"plan_id":%d,"plan_period_id":%d,"switch_type":"immediate_switch",`+
				`"resources":{"data":[{"plan_resource_id":%d,"quantity":3}]}}}}`, basic.ID, pro.ID, odPeriod(t, pro, "1m"), atResource(t, pro, "mailbox")),
			"renewal_order": fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d,"plan_period_id":%d,`+
				`"resources":{"data":[{"plan_resource_id":%d,"quantity":5}]}}}}`, basic.ID, odPeriod(t, w.plan, "1y"), atResource(t, w.plan, "mailbox")),
			"prolong_order": fmt.Sprintf(`{"data":{"attributes":{"subscription_id":%d,"resources":{"data":[{"plan_resource_id":%d,"quantity":5}]}}}}`,
				commit.ID, atResource(t, plan, "mailbox")),
		}
		for kind, body := range bodies {
			ocError(t, admin, "POST", rp+"/"+kind, body, "", 503, "vendor_unavailable")
		}
		ocError(t, admin, "GET", fmt.Sprintf("%s/plans/%d/order_attributes?account_id=%d", rp, w.plan.ID, w.account.ID),
			"", "", 503, "vendor_unavailable")
	})

	t.Run("database down", func(t *testing.T) {
		db := w.s.DB
		w.s.DB = nil
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		ocError(t, admin, "POST", mail, "", "", 500, "internal_error")
	})
}
