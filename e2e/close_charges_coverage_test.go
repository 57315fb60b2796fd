package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// ccCoverage produces every documented answer of close_charges, by both paths, but
// the database-down one, which the returned function produces once the database is
// closed.
func ccCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	w := odSetup(t, s)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	marketing := rec.client(s, mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	sibling := rec.client(s, mustCreateManager(t, s.Admin, w.sibling.ID, "owner").APIToken)
	paths := map[string]string{"reseller": "", "vendor": ""}
	for kind := range paths {
		o, err := w.sales.CreateSalesOrder(context.Background(), w.r.ID, client.SalesOrderInput{AccountID: w.postpaid.ID,
			PlanID: w.basic.ID, PlanPeriodID: odPeriod(t, w.basic, "1m"), PaymentModel: "postpay",
			Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, w.basic, "mailbox"), Quantity: 2}}}})
		if err != nil {
			t.Fatal(err)
		}
		paths[kind] = fmt.Sprintf("/api/v3/%s/subscriptions/%d/close_charges", kind, o.SubscriptionID)
	}
	t.Run("close charges", func(t *testing.T) {
		for kind, path := range paths {
			ocError(t, anon, "PATCH", path, "", "", 401, "token_missing")
			ocError(t, marketing, "PATCH", path, "", "", 403, "forbidden")
			ocError(t, sibling, "PATCH", path, "", "", 404, "subscription_not_found")
			ocError(t, admin, "PATCH", fmt.Sprintf("/api/v3/%s/subscriptions/999999/close_charges", kind), "", "", 404,
				"subscription_not_found")
			ocError(t, admin, "PATCH", path, "{}", "text/plain", 415, "unsupported_media_type")
			ocError(t, admin, "PATCH", path, `{"data":{"x":"`+strings.Repeat("x", ocBigBodySize)+`"}}`, "", 413, "body_too_large")
			ocDo(t, admin, "PATCH", path, "", "", 200)
			ocError(t, admin, "PATCH", path, "", "", 422, "charges_not_closed")
		}
	})
	return func(t *testing.T) {
		for _, path := range paths {
			ocError(t, admin, "PATCH", path, "", "", 500, "internal_error")
		}
	}
}
