package e2e

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestInvoicesBillingDay gives a postpaid and a prepaid account charges of February
// and of March and moves the test clock to 2 March: on the billing day, 1 March,
// the pass issues a closed postpaid invoice of February's blocked charges, closes
// them and makes its payment, due 14 days later; and a prepaid invoice of the
// charges closed in February, without a payment. March's charges wait. The pass run
// again for the same day makes nothing.
func TestInvoicesBillingDay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := inSetup(t, e)
		rid := w.r.ID
		feb := inInsertCharges(t, s, rid,
			inCharge{w.postpaid.ID, w.postSub, "postpay", "blocked", "12.50", "2027-02-01", "2027-02-28", ""},
			inCharge{w.postpaid.ID, w.postSub, "postpay", "blocked", "7.25", "2027-02-01", "2027-02-28", ""},
			inCharge{w.prepaid.ID, w.preSub, "prepay", "closed", "30.00", "2027-02-01", "2027-02-28", "2027-02-10"})
		march := inInsertCharges(t, s, rid,
			inCharge{w.postpaid.ID, w.postSub, "postpay", "blocked", "12.50", "2027-03-01", "2027-03-31", ""},
			inCharge{w.prepaid.ID, w.preSub, "prepay", "closed", "30.00", "2027-03-01", "2027-03-31", "2027-03-02"})

		// 1 February closes January: the postpaid sale of 31 January made its
		// charges then, blocked; the prepaid sale's wait for its payment.
		psAdvance(t, s, psAt("2027-02-02", 10))
		sale, err := s.Admin.ListCharges(ctx, rid, &client.ListOptions{Sort: "id",
			Filter: map[string]string{"subscription_id": strconv.FormatInt(w.postSub, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		var saleIDs []int64
		for _, ch := range sale.Items {
			if ch.OrderID == nil {
				continue // one of the charges given above
			}
			saleIDs = append(saleIDs, ch.ID)
			if ch.Status != "closed" || ch.CloseDate == nil || *ch.CloseDate != "2027-02-01" {
				t.Fatalf("the postpaid sale's charge after 1 February: %+v", ch)
			}
		}
		jan := inInvoices(t, s.Admin, rid, nil)
		if len(jan) != 1 || jan[0].PaymentModel != "postpay" || jan[0].FromDate != "2027-01-01" ||
			len(saleIDs) == 0 || !slices.Equal(jan[0].ChargeIDs, saleIDs) {
			t.Fatalf("invoices after 1 February: %+v; want January's of the sale's charges %v", jan, saleIDs)
		}
		// A correction for the postpaid subscription's invoice, approved in
		// February, joins February's invoice; one still waiting for approval does not.
		sub := w.postSub
		credit, err := s.Admin.CreateCorrection(ctx, rid, client.CorrectionInput{AccountID: w.postpaid.ID,
			IncludedInvoice: true, SubscriptionID: &sub, Total: "-2.75"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Admin.UpdateCorrectionStatus(ctx, rid, credit.ID, "approved"); err != nil {
			t.Fatal(err)
		}
		pending, err := s.Admin.CreateCorrection(ctx, rid, client.CorrectionInput{AccountID: w.postpaid.ID,
			IncludedInvoice: true, SubscriptionID: &sub, Total: "100"})
		if err != nil {
			t.Fatal(err)
		}
		psAdvance(t, s, psAt("2027-03-02", 10))
		invoices := inInvoices(t, s.Admin, rid, map[string]string{"from_date": "2027-02-01"})
		if len(invoices) != 2 {
			t.Fatalf("invoices after 1 March: %+v", invoices)
		}
		var post, pre client.Invoice
		for _, inv := range invoices {
			if inv.PaymentModel == "postpay" {
				post = inv
			} else {
				pre = inv
			}
		}
		// February's postpaid invoice: the two charges given, the renewal's of the
		// period that started on 28 February, and the correction.
		if want := inChargesSum(t, s, rid, post.ChargeIDs) - 2_750_000; post.Total != want.String() {
			t.Fatalf("postpaid invoice total %s, want its charges less the correction of 2.75: %s", post.Total, want)
		}
		if post.AccountID != w.postpaid.ID || post.Status != "closed" ||
			post.FromDate != "2027-02-01" || post.ToDate != "2027-02-28" || post.Approved || post.CurrencyCode != "EUR" {
			t.Fatalf("postpaid invoice = %+v", post)
		}
		if !inContains(post.ChargeIDs, feb[:2]) || !slices.Equal(post.SubscriptionIDs, []int64{w.postSub}) ||
			len(post.PaymentIDs) != 1 || !slices.Equal(post.CorrectionIDs, []int64{credit.ID}) {
			t.Fatalf("postpaid invoice gathers charges %v of %v, payments %v, corrections %v; want charges %v and "+
				"correction %d", post.ChargeIDs, post.SubscriptionIDs, post.PaymentIDs, post.CorrectionIDs, feb[:2], credit.ID)
		}
		if k, err := s.Admin.GetCorrection(ctx, rid, credit.ID); err != nil || k.InvoiceID == nil || *k.InvoiceID != post.ID {
			t.Fatalf("the approved correction after billing: %+v, %v; want it in invoice %d", k, err, post.ID)
		}
		if k, err := s.Admin.GetCorrection(ctx, rid, pending.ID); err != nil || k.InvoiceID != nil {
			t.Fatalf("the pending correction after billing: %+v, %v; want it in no invoice", k, err)
		}
		if pre.AccountID != w.prepaid.ID || pre.Status != "closed" || pre.Total != "30.0" ||
			!slices.Equal(pre.ChargeIDs, feb[2:]) || len(pre.PaymentIDs) != 0 {
			t.Fatalf("prepaid invoice = %+v", pre)
		}
		numbers := []string{post.DocumentID, pre.DocumentID}
		slices.Sort(numbers)
		if !slices.Equal(numbers, []string{"IN000002", "IN000003"}) {
			t.Fatalf("invoice numbers %v, want IN000002 and IN000003", numbers)
		}

		pay, err := s.Admin.GetPayment(ctx, rid, post.PaymentIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		if pay.Status != "waiting_for_payment" || pay.Total != post.Total || pay.DueDate == nil ||
			*pay.DueDate != "2027-03-15" || pay.AccountID != w.postpaid.ID {
			t.Fatalf("payment of the postpaid invoice = %+v", pay)
		}
		got, err := s.Admin.GetInvoice(ctx, rid, post.ID, client.WithInclude("payments"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Included) != 1 || got.Included[0].Type != "payments" || got.Included[0].ID != strconv.FormatInt(pay.ID, 10) {
			t.Fatalf("included %+v, want the payment %d", got.Included, pay.ID)
		}
		got, err = s.Admin.GetInvoice(ctx, rid, post.ID, client.WithInclude("charges,payments"))
		if err != nil {
			t.Fatal(err)
		}
		var includedCharges []int64
		for _, r := range got.Included {
			if r.Type == "charges" {
				id, _ := strconv.ParseInt(r.ID, 10, 64)
				includedCharges = append(includedCharges, id)
			}
		}
		if len(got.Included) != len(post.ChargeIDs)+1 || !slices.Equal(includedCharges, post.ChargeIDs) {
			t.Fatalf("included %+v, want the payment and charges %v", got.Included, post.ChargeIDs)
		}
		inWantIncluded(t, s.Admin, rid, post, "subscriptions", post.SubscriptionIDs)
		inWantIncluded(t, s.Admin, rid, post, "corrections", post.CorrectionIDs)
		// taxes is a documented include Cascade has nothing for: accepted, none included.
		if got, err := s.Admin.GetInvoice(ctx, rid, post.ID, client.WithInclude("taxes")); err != nil || len(got.Included) != 0 {
			t.Fatalf("include=taxes: %v, %+v; want no error and nothing included", err, got)
		}
		if len(post.CorrectionIDs) != 1 || post.CorrectionIDs[0] != credit.ID {
			t.Fatalf("postpaid invoice's corrections %v, want %d", post.CorrectionIDs, credit.ID)
		}
		// March's charges wait for April's billing day; February's left the pass's index.
		if waiting := inWaiting(t, s, w.postpaid.ID, w.prepaid.ID); !inContains(waiting, march) ||
			inContains(waiting, feb[:1]) {
			t.Fatalf("charges waiting %v, want %v", waiting, march)
		}

		// The scheduler again for the same day (another node, a retry): nothing new.
		inBillingPass(t, s, psAt("2027-03-02", 10))
		inBillingPass(t, s, psAt("2027-03-01", 0))
		if again := inInvoices(t, s.Admin, rid, nil); len(again) != 3 {
			t.Fatalf("invoices after a second run: %+v", again)
		}

		// Filters: the documented ones.
		if l := inInvoices(t, s.Admin, rid, map[string]string{"payment_model": "prepay"}); len(l) != 1 || l[0].ID != pre.ID {
			t.Fatalf("prepay invoices %+v", l)
		}
		if l := inInvoices(t, s.Admin, rid, map[string]string{"account_id": strconv.FormatInt(w.postpaid.ID, 10), "from_date": "2027-02-01",
			"status": "closed"}); len(l) != 1 || l[0].ID != post.ID {
			t.Fatalf("postpaid account's invoices %+v", l)
		}
		if l := inInvoices(t, s.Admin, rid, map[string]string{"to_date": "2027-01-31"}); len(l) != 1 || l[0].ID != jan[0].ID {
			t.Fatalf("January's invoices %+v", l)
		}
		// Scope: a sibling reseller's manager does not see them.
		_, err = w.siblingOwner.GetInvoice(ctx, w.r.ID, post.ID)
		odErr(t, err, 404, "reseller_not_found", "")
		_, err = s.Admin.GetInvoice(ctx, w.sibling.ID, post.ID)
		odErr(t, err, 404, "INVOICE-0002", "")

		// April: March's charges, and the prepaid one closed on 2 March.
		psAdvance(t, s, psAt("2027-04-01", 10))
		if l := inInvoices(t, s.Admin, rid, map[string]string{"from_date": "2027-03-01"}); len(l) != 2 {
			t.Fatalf("March's invoices %+v", l)
		}
		if waiting := inWaiting(t, s, w.postpaid.ID, w.prepaid.ID); inContains(waiting, march[:1]) ||
			inContains(waiting, march[1:]) {
			t.Fatalf("charges still waiting %v, March's %v among them", waiting, march)
		}
	})
}

// TestInvoicesExternalManagement takes a postpaid invoice through the ERP flow:
// refused while the reseller's invoices are not managed externally; then issued
// with a payment no manager may complete; every INVOICE code the API can reach;
// approved, revoked, approved again with a file, and completed by concurrent
// requests of which exactly one wins.
func TestInvoicesExternalManagement(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := inSetup(t, e)
		rid := w.r.ID
		erp := w.sales
		given := inInsertCharges(t, s, rid,
			inCharge{w.postpaid.ID, w.postSub, "postpay", "blocked", "40.00", "2027-02-01", "2027-02-28", ""},
			inCharge{w.prepaid.ID, w.preSub, "prepay", "closed", "10.00", "2027-02-01", "2027-02-28", "2027-02-03"})

		approval := client.InvoiceRequest{DocumentID: "NS2000015", BillingDate: "2027-02-01"}
		_, err := erp.ApproveAccountInvoice(ctx, rid, w.postpaid.ID, approval)
		odErr(t, err, 400, "INVOICE-0020", "")

		ch := cfApply(t, s.Admin, rid, "invoices:\n  external_management: true\n")
		if len(ch.Changes) != 1 || ch.Changes[0].Kind != "invoice_settings" {
			t.Fatalf("changes %+v", ch.Changes)
		}
		if again := cfApply(t, s.Admin, rid, "invoices: {external_management: true}\n"); len(again.Changes) != 0 {
			t.Fatalf("second apply changes %+v", again.Changes)
		}
		psAdvance(t, s, psAt("2027-03-01", 9))
		var post, pre client.Invoice
		for _, inv := range inInvoices(t, erp, rid, map[string]string{"from_date": "2027-02-01"}) {
			if inv.PaymentModel == "postpay" {
				post = inv
			} else {
				pre = inv
			}
		}
		if post.ID == 0 || pre.ID == 0 || !inContains(post.ChargeIDs, given[:1]) ||
			post.Total != inChargesSum(t, s, rid, post.ChargeIDs).String() {
			t.Fatalf("invoices %+v %+v; want the postpaid one with charge %d and its charges' total", post, pre, given[0])
		}
		pay, err := erp.GetPayment(ctx, rid, post.PaymentIDs[0])
		if err != nil || pay.DueDate != nil || pay.Status != "waiting_for_payment" {
			t.Fatalf("payment of an unapproved invoice = %+v, %v; want no due date", pay, err)
		}
		_, err = erp.CompletePayment(ctx, rid, pay.ID, w.cash)
		odErr(t, err, 422, "INVOICE-0016", "")

		byID := func(op string, in client.InvoiceRequest, id int64) (*client.Invoice, error) {
			switch op {
			case "approve":
				return erp.ApproveInvoice(ctx, rid, id, in)
			case "complete":
				return erp.CompleteInvoice(ctx, rid, id, in)
			}
			return erp.RevokeInvoice(ctx, rid, id, in)
		}
		for _, c := range []struct {
			name, op string
			id       int64
			in       client.InvoiceRequest
			status   int
			code     string
		}{
			{"no document_id", "approve", post.ID, client.InvoiceRequest{BillingDate: "2027-02-01"}, 400, "INVOICE-0001"},
			{"no billing_date", "complete", post.ID, client.InvoiceRequest{DocumentID: "X"}, 400, "INVOICE-0001"},
			{"billing date", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-01-01"}, 400, "INVOICE-0005"},
			{"bad billing date", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "1 Feb"}, 400, "INVOICE-0005"},
			{"past due date", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01", DueDate: "2027-02-28"}, 422, "INVOICE-0003"},
			{"total alone", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01", ExternalTotal: "5"}, 422, "INVOICE-0004"},
			{"bad currency", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01", ExternalTotal: "5", ExternalCurrency: "XXQ"}, 422, "INVOICE-0004"},
			{"file not a data URI", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01", File: "JVBERi0x"}, 422, "INVOICE-0007"},
			{"file and link", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01", File: "data:application/pdf;base64,JVBE", Link: "https://erp.example/1"}, 422, "INVOICE-0007"},
			{"file too large", "approve", post.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01", File: "data:application/pdf;base64," + strings.Repeat("A", 5<<20)}, 422, "INVOICE-0008"},
			{"prepaid approve", "approve", pre.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01"}, 400, "INVOICE-0013"},
			{"prepaid complete", "complete", pre.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01"}, 400, "INVOICE-0010"},
			{"complete unapproved", "complete", post.ID, client.InvoiceRequest{DocumentID: post.DocumentID, BillingDate: "2027-02-01"}, 400, "INVOICE-0022"},
			{"revoke unapproved", "revoke", post.ID, client.InvoiceRequest{DocumentID: post.DocumentID, BillingDate: "2027-02-01"}, 400, "INVOICE-0022"},
			{"missing invoice", "approve", post.ID + 1000, client.InvoiceRequest{DocumentID: "X", BillingDate: "2027-02-01"}, 404, "INVOICE-0002"},
		} {
			_, err := byID(c.op, c.in, c.id)
			if err == nil {
				t.Fatalf("%s: no error", c.name)
			}
			odErr(t, err, c.status, c.code, "")
		}
		_, err = erp.ApproveAccountInvoice(ctx, rid, w.postpaid.ID, client.InvoiceRequest{DocumentID: "X", BillingDate: "2026-12-01"})
		odErr(t, err, 404, "INVOICE-0002", "")
		_, err = w.marketing.ApproveInvoice(ctx, rid, post.ID, approval)
		odErr(t, err, 403, "forbidden", "")

		// Approve by account: the ERP's number, amount and link; the payment's due date.
		approval.ExternalTotal, approval.ExternalCurrency, approval.Link = "3600.00", "RUB", "https://erp.example/NS2000015"
		inv, err := erp.ApproveAccountInvoice(ctx, rid, w.postpaid.ID, approval)
		if err != nil {
			t.Fatal(err)
		}
		if !inv.Approved || inv.DocumentID != "NS2000015" || inv.ExternalTotal == nil || *inv.ExternalTotal != "3600.0" ||
			inv.Link == nil || inv.ApprovedAt == nil || inv.Total != post.Total {
			t.Fatalf("approved invoice = %+v", inv)
		}
		pay, err = erp.GetPayment(ctx, rid, pay.ID)
		if err != nil || pay.DueDate == nil || *pay.DueDate != "2027-03-15" || pay.ExternalCurrency == nil ||
			*pay.ExternalCurrency != "RUB" || pay.Total != post.Total {
			t.Fatalf("payment of the approved invoice = %+v, %v", pay, err)
		}
		_, err = byID("approve", approval, post.ID)
		odErr(t, err, 400, "INVOICE-0021", "")
		_, err = byID("revoke", client.InvoiceRequest{DocumentID: "NS2000099", BillingDate: "2027-02-01"}, post.ID)
		odErr(t, err, 400, "INVOICE-0006", "")

		// Revoke: our number again, and the payment as the pass made it.
		inv, err = byID("revoke", client.InvoiceRequest{DocumentID: "NS2000015", BillingDate: "2027-02-01",
			Comment: "wrong amount"}, post.ID)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Approved || inv.DocumentID != post.DocumentID || inv.ExternalTotal != nil || inv.Link != nil {
			t.Fatalf("revoked invoice = %+v", inv)
		}
		pay, err = erp.GetPayment(ctx, rid, pay.ID)
		if err != nil || pay.DueDate != nil || pay.ExternalTotal != nil || !strings.HasSuffix(pay.Comment, "The reason: wrong amount") {
			t.Fatalf("payment after the revoke = %+v, %v", pay, err)
		}

		// Approve by id with a file and a due date, then complete: of ten at once, one wins.
		approval = client.InvoiceRequest{DocumentID: "NS2000016", BillingDate: "2027-02-01", DueDate: "2027-04-01",
			File: "data:application/pdf;base64,JVBERi0xLjQK"}
		if inv, err = byID("approve", approval, post.ID); err != nil || !inv.FileAttached || inv.DocumentID != "NS2000016" {
			t.Fatalf("approve with a file = %+v, %v", inv, err)
		}
		_, err = erp.CompleteAccountInvoice(ctx, rid, w.postpaid.ID, client.InvoiceRequest{DocumentID: "NS2000015", BillingDate: "2027-02-01"})
		odErr(t, err, 400, "INVOICE-0006", "")
		done := inConcurrently(10, func() error {
			_, err := erp.CompleteInvoice(ctx, rid, post.ID, client.InvoiceRequest{DocumentID: "NS2000016", BillingDate: "2027-02-01"})
			return err
		})
		wins := 0
		for _, err := range done {
			if err == nil {
				wins++
				continue
			}
			odErr(t, err, 422, "INVOICE-0024", "")
		}
		if wins != 1 {
			t.Fatalf("%d completions won, want 1", wins)
		}
		pay, err = erp.GetPayment(ctx, rid, pay.ID)
		if err != nil || pay.Status != "completed" || pay.DueDate == nil || *pay.DueDate != "2027-04-01" {
			t.Fatalf("payment after completion = %+v, %v", pay, err)
		}
		_, err = byID("revoke", client.InvoiceRequest{DocumentID: "NS2000016", BillingDate: "2027-02-01"}, post.ID)
		odErr(t, err, 400, "INVOICE-0023", "")
		_, err = erp.CompleteAccountInvoice(ctx, rid, w.postpaid.ID, client.InvoiceRequest{DocumentID: "NS2000016", BillingDate: "2027-02-01"})
		odErr(t, err, 422, "INVOICE-0024", "")
		// A completion by the ERP does not touch the balance (postpaid money never does).
		acc, err := s.Admin.GetAccount(ctx, rid, w.postpaid.ID)
		if err != nil || acc.Balance != "0.0" {
			t.Fatalf("postpaid account = %+v, %v; want balance 0.0", acc, err)
		}
	})
}

// inConcurrently runs f n times at once and returns what each returned.
func inConcurrently(n int, f func() error) []error {
	out := make([]error, n)
	start := make(chan struct{})
	done := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			out[i] = f()
			done <- struct{}{}
		}()
	}
	close(start)
	for range n {
		<-done
	}
	return out
}

// TestInvoicesExternalManagementOfTheInvoicesReseller checks that an invoice of a
// reseller below follows its own reseller's setting: with the operator's invoices
// managed externally and the reseller's turned off, the operator's ERP cannot
// approve the reseller's invoice (INVOICE-0020); turned on, it can.
func TestInvoicesExternalManagementOfTheInvoicesReseller(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := inSetup(t, e)
		inInsertCharges(t, s, w.r.ID,
			inCharge{w.postpaid.ID, w.postSub, "postpay", "blocked", "40.00", "2027-02-01", "2027-02-28", ""})
		cfApply(t, s.Admin, domain.OperatorID, "invoices: {external_management: true}\n")
		cfApply(t, s.Admin, w.r.ID, "invoices: {external_management: false}\n")
		psAdvance(t, s, psAt("2027-03-01", 9))
		invoices := inInvoices(t, s.Admin, w.r.ID, map[string]string{"from_date": "2027-02-01", "payment_model": "postpay"})
		if len(invoices) != 1 {
			t.Fatalf("February's postpaid invoices %+v", invoices)
		}
		approval := client.InvoiceRequest{DocumentID: "NS1", BillingDate: "2027-02-01"}
		_, err := s.Admin.ApproveInvoice(ctx, domain.OperatorID, invoices[0].ID, approval)
		odErr(t, err, 400, "INVOICE-0020", "")
		cfApply(t, s.Admin, w.r.ID, "invoices: {external_management: true}\n")
		if inv, err := s.Admin.ApproveInvoice(ctx, domain.OperatorID, invoices[0].ID, approval); err != nil || !inv.Approved {
			t.Fatalf("approve once the reseller's invoices are managed externally: %+v, %v", inv, err)
		}
	})
}
