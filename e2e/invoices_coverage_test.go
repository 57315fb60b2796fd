package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
)

// inCoverage produces every documented answer of the invoice endpoints but the
// database-down ones, which the returned function produces once the database is
// closed. Two postpaid accounts of a reseller whose invoices an ERP manages are
// billed for February 2030 by the billing pass run at 1 March.
func inCoverage(t *testing.T, s *server, rec *ocRecorder) func(t *testing.T) {
	w := odSetup(t, s)
	admin, anon := rec.client(s, s.token), rec.client(s, "")
	marketing := rec.client(s, mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	second := acMustCreate(t, s.Admin, w.r.ID, acPostpaid("Quinn", "Second"))
	var subs []int64
	for _, acc := range []*client.Account{w.postpaid, second} {
		o, err := w.sales.CreateSalesOrder(t.Context(), w.r.ID, w.order(t, acc, "postpay"))
		if err != nil {
			t.Fatalf("postpaid order: %v", err)
		}
		subs = append(subs, o.SubscriptionID)
	}
	cfApply(t, s.Admin, w.r.ID, "invoices: {external_management: true}\n")
	inInsertCharges(t, s, w.r.ID,
		inCharge{w.postpaid.ID, subs[0], "postpay", "blocked", "11.00", "2030-02-01", "2030-02-28", ""},
		inCharge{second.ID, subs[1], "postpay", "blocked", "22.00", "2030-02-01", "2030-02-28", ""})
	inBillingPass(t, s, time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC))
	first := inInvoices(t, s.Admin, w.r.ID, map[string]string{"account_id": fmt.Sprint(w.postpaid.ID)})
	other := inInvoices(t, s.Admin, w.r.ID, map[string]string{"account_id": fmt.Sprint(second.ID)})
	if len(first) != 1 || len(other) != 1 {
		t.Fatalf("invoices %+v %+v", first, other)
	}
	rp := fmt.Sprintf("/api/v3/resellers/%d", w.r.ID)
	ip := fmt.Sprintf("%s/invoices/%d", rp, other[0].ID)
	ap := fmt.Sprintf("%s/accounts/%d", rp, w.postpaid.ID)
	approve := func(doc string) string { return `{"document_id":"` + doc + `","billing_date":"2030-02-01"}` }
	huge := `{"file":"` + strings.Repeat("x", 8<<20) + `"}`
	big := `{"comment":"` + strings.Repeat("x", ocBigBodySize) + `"}`

	t.Run("invoices", func(t *testing.T) {
		ocDo(t, admin, "GET", rp+"/invoices?include=payments&filter[payment_model]=postpay&sort=-from_date", "", "", 200)
		ocError(t, admin, "GET", rp+"/invoices?filter[zz]=1", "", "", 400, "unknown_filter")
		ocError(t, anon, "GET", rp+"/invoices", "", "", 401, "token_missing")
		ocError(t, admin, "GET", "/api/v3/resellers/999999/invoices", "", "", 404, "reseller_not_found")
		ocDo(t, admin, "GET", ip+"?include=payments", "", "", 200)
		ocError(t, admin, "GET", ip+"?include=zz", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", ip, "", "", 401, "token_missing")
		ocError(t, admin, "GET", rp+"/invoices/999999", "", "", 404, "INVOICE-0002")

		for _, path := range []string{ip + "/approve", ap + "/approve_invoices"} {
			ocError(t, admin, "POST", path, `{"billing_date":"2030-02-01"}`, "", 400, "INVOICE-0001")
			ocError(t, anon, "POST", path, approve("ERP-1"), "", 401, "token_missing")
			ocError(t, marketing, "POST", path, approve("ERP-1"), "", 403, "forbidden")
			ocError(t, admin, "POST", path, huge, "", 413, "body_too_large")
			ocError(t, admin, "POST", path, approve("ERP-1"), "text/plain", 415, "unsupported_media_type")
			ocError(t, admin, "POST", path, `{"document_id":"ERP-1","billing_date":"2030-02-01","due_date":"2000-01-01"}`,
				"application/json", 422, "INVOICE-0003")
		}
		ocError(t, admin, "POST", rp+"/invoices/999999/approve", approve("ERP-1"), "", 404, "INVOICE-0002")
		ocError(t, admin, "POST", rp+"/accounts/999999/approve_invoices", approve("ERP-1"), "", 404, "account_not_found")
		ocDo(t, admin, "POST", ap+"/approve_invoices", approve("ERP-1"), "application/json", 200)
		ocDo(t, admin, "POST", ip+"/approve", approve("ERP-2"), "", 200)

		for _, path := range []string{ip + "/revoke", ip + "/complete", ap + "/complete_invoices"} {
			ocError(t, admin, "POST", path, `{"document_id":"ERP-2"}`, "", 400, "INVOICE-0001")
			ocError(t, anon, "POST", path, approve("ERP-2"), "", 401, "token_missing")
			ocError(t, marketing, "POST", path, approve("ERP-2"), "", 403, "forbidden")
			ocError(t, admin, "POST", path, big, "", 413, "body_too_large")
			ocError(t, admin, "POST", path, approve("ERP-2"), "text/plain", 415, "unsupported_media_type")
		}
		ocError(t, admin, "POST", rp+"/invoices/999999/revoke", approve("ERP-2"), "", 404, "INVOICE-0002")
		ocError(t, admin, "POST", rp+"/invoices/999999/complete", approve("ERP-2"), "", 404, "INVOICE-0002")
		ocError(t, admin, "POST", rp+"/accounts/999999/complete_invoices", approve("ERP-1"), "", 404, "account_not_found")
		ocError(t, admin, "POST", ip+"/revoke", `{"document_id":"ERP-2","billing_date":"2030-02-01","comment":"`+
			strings.Repeat("r", 2001)+`"}`, "", 422, "INVOICE-0009")
		ocDo(t, admin, "POST", ip+"/revoke", approve("ERP-2"), "", 200)
		ocDo(t, admin, "POST", ip+"/approve", approve("ERP-3"), "", 200)
		ocDo(t, admin, "POST", ip+"/complete", approve("ERP-3"), "", 200)
		ocError(t, admin, "POST", ip+"/complete", approve("ERP-3"), "", 422, "INVOICE-0024")
		ocDo(t, admin, "POST", ap+"/complete_invoices", approve("ERP-1"), "", 200)
		ocError(t, admin, "POST", ap+"/complete_invoices", approve("ERP-1"), "", 422, "INVOICE-0024")
	})
	return func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"GET", rp + "/invoices", ""},
			{"GET", ip, ""},
			{"POST", ip + "/approve", approve("ERP-4")},
			{"POST", ip + "/complete", approve("ERP-4")},
			{"POST", ip + "/revoke", approve("ERP-4")},
			{"POST", ap + "/approve_invoices", approve("ERP-4")},
			{"POST", ap + "/complete_invoices", approve("ERP-4")},
		} {
			ocError(t, admin, c.method, c.path, c.body, "", 500, "internal_error")
		}
	}
}
