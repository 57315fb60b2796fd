package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// odCoverage produces every documented answer of the orders, subscriptions and
// payments endpoints but the database-down ones, which the returned function
// produces once the database is closed.
func odCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	w := odSetup(t, s)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	marketing := rec.client(s, mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	mailbox := atResource(t, w.basic, "mailbox")
	order := func(account int64) string {
		return fmt.Sprintf(`{"data":{"attributes":{"account_id":%d,"plan_id":%d,"plan_period_id":%d,"payment_model":"prepay",`+
			`"resources":{"data":[{"plan_resource_id":%d,"quantity":2}]}}}}`, account, w.basic.ID, odPeriod(t, w.basic, "1m"), mailbox)
	}
	big := `{"data":{"attributes":{"promo_code":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`
	var op, sp, pp, chp string

	t.Run("orders", func(t *testing.T) {
		created := ocOne(t, ocDo(t, admin, "POST", rp+"/sales_order", order(w.prepaid.ID), "", 201,
			client.WithIdempotencyKey(unique("so-"))))
		attrs := ocAttr(t, created)
		op = rp + "/orders/" + created.ID
		sp = fmt.Sprintf("%s/subscriptions/%v", rp, attrs["subscription_id"])
		pp = fmt.Sprintf("%s/payments/%v", rp, attrs["payment_id"])
		ocError(t, admin, "POST", rp+"/sales_order", `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "POST", rp+"/sales_order", order(w.prepaid.ID), "", 401, "token_missing")
		ocError(t, marketing, "POST", rp+"/sales_order", order(w.prepaid.ID), "", 403, "forbidden")
		ocError(t, admin, "POST", "/api/v3/resellers/999999/sales_order", order(w.prepaid.ID), "", 404, "reseller_not_found")
		ocError(t, admin, "POST", rp+"/sales_order", big, "", 413, "body_too_large")
		ocError(t, admin, "POST", rp+"/sales_order", order(w.prepaid.ID), "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "POST", rp+"/sales_order", order(w.siblingAcc.ID), "", 422, "account_not_found")
		odCoverageInProgress(t, admin, rp+"/sales_order", order(w.prepaid.ID))

		ocDo(t, admin, "GET", rp+"/orders?include=account,payment,subscription&sort=-created_at", "", "", 200)
		ocError(t, admin, "GET", rp+"/orders?sort=zz", "", "", 400, "unknown_sort")
		ocError(t, anon, "GET", rp+"/orders", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/orders", "", "", 404, "reseller_not_found")
		ocDo(t, admin, "GET", op+"?include=account,payment,subscription,charges", "", "", 200)
		ocError(t, admin, "GET", op+"?include=invoices", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", op, "", "", 401, "token_missing")
		ocError(t, admin, "GET", rp+"/orders/999999", "", "", 404, "order_not_found")

		ocDo(t, admin, "GET", rp+"/subscriptions?meta=true&include=account,plan,subscription_period,subscription_resources", "", "", 200)
		ocError(t, admin, "GET", rp+"/subscriptions?filter[trial]=maybe", "", "", 400, "invalid_boolean")
		ocError(t, anon, "GET", rp+"/subscriptions", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/subscriptions", "", "", 404, "reseller_not_found")
		ocDo(t, admin, "GET", sp+"?include=plan", "", "", 200)
		ocError(t, admin, "GET", sp+"?meta=maybe", "", "", 400, "must_be_boolean")
		ocError(t, anon, "GET", sp, "", "", 401, "token_missing")
		ocError(t, admin, "GET", rp+"/subscriptions/999999", "", "", 404, "subscription_not_found")

		ocDo(t, admin, "GET", rp+"/payments?sort=-total", "", "", 200)
		ocError(t, admin, "GET", rp+"/payments?sort=zz", "", "", 400, "unknown_sort")
		ocError(t, anon, "GET", rp+"/payments", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/payments", "", "", 404, "reseller_not_found")
		ocDo(t, admin, "GET", pp, "", "", 200)
		ocError(t, admin, "GET", pp+"?include=invoices", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", pp, "", "", 401, "token_missing")
		ocError(t, admin, "GET", rp+"/payments/999999", "", "", 404, "payment_not_found")

		chp = chCoverage(t, admin, anon, rp)

		complete := fmt.Sprintf(`{"data":{"attributes":{"payment_method_id":%d}}}`, w.cash)
		ocError(t, admin, "PATCH", pp, `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "PATCH", pp, complete, "", 401, "token_missing")
		ocError(t, marketing, "PATCH", pp, complete, "", 403, "forbidden")
		ocError(t, admin, "PATCH", rp+"/payments/999999", complete, "", 404, "payment_not_found")
		ocError(t, admin, "PATCH", pp, big, "", 413, "body_too_large")
		ocError(t, admin, "PATCH", pp, complete, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "PATCH", pp, `{"data":{"attributes":{"status":"paid_from_balance"}}}`, "", 422, "payment_from_balance")

		// Cancel a second order; the first is completed by its payment.
		second := ocOne(t, ocDo(t, admin, "POST", rp+"/sales_order", order(w.prepaid.ID), "", 201))
		cp := rp + "/orders/" + second.ID + "/cancel_operation"
		ocError(t, anon, "POST", cp, "", "-", 401, "token_missing")
		ocError(t, marketing, "POST", cp, "", "-", 403, "forbidden")
		ocError(t, admin, "POST", rp+"/orders/999999/cancel_operation", "", "-", 404, "order_not_found")
		ocError(t, admin, "POST", cp, big, "", 413, "body_too_large")
		ocError(t, admin, "POST", cp, "{}", "text/plain", 415, "unsupported_media_type")
		ocDo(t, admin, "POST", cp, "", "-", 200, client.WithIdempotencyKey(unique("cancel-")))
		ocDo(t, admin, "PATCH", pp, complete, "", 200, client.WithIdempotencyKey(unique("pay-")))
	})
	return func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"POST", rp + "/sales_order", order(w.prepaid.ID)},
			{"GET", rp + "/orders", ""},
			{"GET", op, ""},
			{"POST", op + "/cancel_operation", ""},
			{"GET", rp + "/subscriptions", ""},
			{"GET", sp, ""},
			{"GET", rp + "/payments", ""},
			{"GET", pp, ""},
			{"PATCH", pp, `{"data":{"attributes":{"payment_method_id":1}}}`},
			{"GET", rp + "/charges", ""},
			{"GET", chp, ""},
		} {
			ocError(t, admin, c.method, c.path, c.body, "", 500, "internal_error")
		}
	}
}

// odCoverageInProgress sends one sales order eight times at once with one key until
// a retry is told the first is still running (409), as far as timing allows.
func odCoverageInProgress(t *testing.T, c *client.Client, path, body string) {
	ctx := context.Background()
	for round := 0; round < 10; round++ {
		key := client.WithIdempotencyKey(unique("so-race-"))
		statuses := make([]int, 8)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.Do(ctx, "POST", path, []byte(body), client.MediaType, key)
				if err != nil {
					t.Errorf("POST %s: %v", path, err)
					return
				}
				statuses[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		for _, st := range statuses {
			if st != 201 && st != 409 {
				t.Fatalf("POST %s with one key 8 times at once: statuses %v, want only 201 and 409", path, statuses)
			}
		}
		for _, st := range statuses {
			if st == 409 {
				return
			}
		}
	}
}
