package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// vqCoverage produces the answers of the synchronous vendor questions on a server of
// its own that calls the example vendor service: the 503 of each order kind whose
// resource validation gets no answer, and of order attributes the vendor does not
// list. The server has a fresh database of engine's
// kind.
func vqCoverage(t *testing.T, engine string, rec *ocRecorder) {
	var w *vdWorld
	for _, e := range storetest.Engines(t) {
		if e.Name == engine {
			w = vdStartCatalog(t, e, vqCatalog, 20*time.Millisecond)
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
	admin := mine.client(w.s, w.s.token)
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)

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
}
