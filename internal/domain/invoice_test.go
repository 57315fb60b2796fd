package domain

import (
	"strings"
	"testing"
	"time"
)

func TestBillingPeriod(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		today           string
		day             int
		from, to, bills string
	}{
		{"2027-03-01", 1, "2027-02-01", "2027-02-28", "2027-03-01"},
		{"2027-03-20", 1, "2027-02-01", "2027-02-28", "2027-03-01"},
		{"2027-03-14", 15, "2027-01-15", "2027-02-14", "2027-02-15"},
		{"2027-03-15", 15, "2027-02-15", "2027-03-14", "2027-03-15"},
		{"2027-01-10", 28, "2026-11-28", "2026-12-27", "2026-12-28"},
	} {
		from, to, billed := BillingPeriod(d(c.today), c.day)
		if from != d(c.from) || to != d(c.to) || billed != d(c.bills) {
			t.Errorf("BillingPeriod(%s, %d) = %s..%s billed %s, want %s..%s billed %s", c.today, c.day,
				from, to, billed, c.from, c.to, c.bills)
		}
	}
}

// TestInvoiceCheck holds every refusal of the ERP's operations to its code,
// including those the API cannot reach today (an open invoice, a cancelled payment).
func TestInvoiceCheck(t *testing.T) {
	from := Date{2027, 2, 1}
	closed := func(model PaymentModel, total Amount) *Invoice {
		return &Invoice{ID: 1, Status: InvoiceClosed, PaymentModel: model, FromDate: from, Total: total,
			DocumentID: "IN000001", OwnDocumentID: "IN000001"}
	}
	pay := func(s PaymentStatus) *Payment { return &Payment{ID: 2, Status: s, Purpose: PaymentForInvoice} }
	approved := closed(PaymentModelPostpay, 10_000000)
	approved.DocumentID, approved.ApprovedAt = "NS1", time.Unix(1, 0)
	open := closed(PaymentModelPostpay, 10_000000)
	open.Status = InvoiceOpen
	ok := InvoiceOrder{DocumentID: "NS1", BillingDate: from}
	for _, c := range []struct {
		name string
		op   InvoiceOp
		inv  *Invoice
		p    *Payment
		o    InvoiceOrder
		want Message
	}{
		{"approve prepaid", InvoiceApprove, closed(PaymentModelPrepay, 1), nil, ok, MsgInvoiceApprovePostpaid},
		{"approve open", InvoiceApprove, open, pay(PaymentStatusWaitingForPayment), ok, MsgInvoiceApproveClosed},
		{"approve zero", InvoiceApprove, closed(PaymentModelPostpay, 0), nil, ok, MsgInvoiceApproveZero},
		{"approve cancelled", InvoiceApprove, closed(PaymentModelPostpay, 1), pay(PaymentStatusCancelled), ok, MsgInvoiceApproveCancelled},
		{"approve date", InvoiceApprove, closed(PaymentModelPostpay, 1), pay(PaymentStatusWaitingForPayment), InvoiceOrder{BillingDate: from.AddDays(1)}, MsgInvoiceBillingDate},
		{"approve twice", InvoiceApprove, approved, pay(PaymentStatusWaitingForPayment), ok, MsgInvoiceApproved},
		{"approve", InvoiceApprove, closed(PaymentModelPostpay, 1), pay(PaymentStatusExpired), ok, ""},
		{"complete prepaid", InvoiceComplete, closed(PaymentModelPrepay, 1), nil, ok, MsgInvoiceCompletePostpaid},
		{"complete open", InvoiceComplete, open, pay(PaymentStatusWaitingForPayment), ok, MsgInvoiceCompleteClosed},
		{"complete zero", InvoiceComplete, closed(PaymentModelPostpay, 0), nil, ok, MsgInvoiceCompleteZero},
		{"complete cancelled", InvoiceComplete, approved, pay(PaymentStatusCancelled), ok, MsgInvoiceCompleteCancelled},
		{"complete paid", InvoiceComplete, approved, pay(PaymentStatusCompleted), ok, MsgInvoicePaid},
		{"complete unapproved", InvoiceComplete, closed(PaymentModelPostpay, 1), pay(PaymentStatusWaitingForPayment), ok, MsgInvoiceNotApproved},
		{"complete document", InvoiceComplete, approved, pay(PaymentStatusWaitingForPayment), InvoiceOrder{DocumentID: "NS2", BillingDate: from}, MsgInvoiceDocumentID},
		{"complete", InvoiceComplete, approved, pay(PaymentStatusExpired), ok, ""},
		{"revoke cancelled", InvoiceRevoke, approved, pay(PaymentStatusCancelled), ok, MsgInvoiceRevokeCancelled},
		{"revoke paid", InvoiceRevoke, approved, pay(PaymentStatusPaidFromBalance), ok, MsgInvoiceRevokeCompleted},
		{"revoke", InvoiceRevoke, approved, pay(PaymentStatusWaitingForPayment), ok, ""},
	} {
		err := c.inv.Check(c.op, c.p, c.o)
		var got Message
		if e := Errors(err); len(e) == 1 {
			got = e[0].Message
		}
		if got != c.want || (err == nil) != (c.want == "") {
			t.Errorf("%s: Check = %v, want %s", c.name, err, c.want)
		}
	}
}

// TestInvoiceRevokeReopens: a revoke gives an expired payment back to its payer and
// takes everything the approval set.
func TestInvoiceRevokeReopens(t *testing.T) {
	ext := Amount(5)
	inv := &Invoice{ID: 1, DocumentID: "NS1", OwnDocumentID: "IN000007", ApprovedAt: time.Unix(1, 0),
		ExternalTotal: &ext, ExternalCurrency: "RUB", Link: "https://erp.example/1", HasFile: true}
	p := &Payment{ID: 2, Purpose: PaymentForInvoice, Status: PaymentStatusExpired, DueDate: Date{2027, 3, 15},
		ExternalTotal: &ext, ExternalCurrency: "RUB"}
	if err := inv.Revoke(p, InvoiceOrder{Comment: "late"}, time.Unix(2, 0)); err != nil {
		t.Fatal(err)
	}
	if inv.Approved() || inv.DocumentID != "IN000007" || inv.ExternalTotal != nil || inv.Link != "" || inv.HasFile {
		t.Fatalf("invoice = %+v", inv)
	}
	if p.Status != PaymentStatusWaitingForPayment || !p.DueDate.IsZero() || p.ExternalTotal != nil ||
		p.Comment != "Invoice approval related to this payment has been revoked manually. The reason: late" {
		t.Fatalf("payment = %+v", p)
	}
	if err := p.CheckInvoiceCompletion(); CodeOf(err) != ErrInvalid {
		t.Fatalf("completion of the payment again without a due date: %v, want INVOICE-0016", err)
	}
}

func TestInvoiceRequestTextLimitCountsCharacters(t *testing.T) {
	today := Date{2027, 2, 1}
	doc, billed := "NS1", "2027-01-01"
	for _, tc := range []struct {
		name    string
		comment string
		ok      bool
	}{
		{"cyrillic within the limit", strings.Repeat("ж", maxInvoiceText), true},
		{"one character over", strings.Repeat("a", maxInvoiceText+1), false},
	} {
		c := tc.comment
		_, err := InvoiceRequest{DocumentID: &doc, BillingDate: &billed, Comment: &c}.Validate(InvoiceRevoke, today)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
