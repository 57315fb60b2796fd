package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The external (ERP) management of postpaid invoices (docs/billing.md, "Invoices"):
// an ERP approves a closed postpaid invoice with its own number, due date, amount
// and receipt, completes it when the customer has paid, or revokes its approval.

// InvoiceOp is what an ERP asks of an invoice.
type InvoiceOp string

// The ERP's operations on an invoice.
const (
	InvoiceApprove  InvoiceOp = "approve"
	InvoiceComplete InvoiceOp = "complete"
	InvoiceRevoke   InvoiceOp = "revoke"
)

// MaxInvoiceFile is the largest receipt file (its data URI) an approval may attach.
const MaxInvoiceFile = 5 << 20

// invoiceRevokedComment starts the comment a payment gets when the approval of its
// invoice is revoked with a reason, which follows it.
const invoiceRevokedComment = "Invoice approval related to this payment has been revoked manually. The reason: "

// maxInvoiceText bounds the document number, link and comment an ERP sends, in
// characters.
const maxInvoiceText = 2000

// tooLongInvoiceText reports whether s has more than maxInvoiceText characters.
func tooLongInvoiceText(s string) bool { return utf8.RuneCountInString(s) > maxInvoiceText }

// InvoiceRequest is the flat body of an ERP's approve, complete or revoke; nil
// fields were not sent. Only an approval reads the optional ones.
type InvoiceRequest struct {
	DocumentID       *string
	BillingDate      *string
	DueDate          *string
	ExternalTotal    *string
	ExternalCurrency *string
	File             *string
	Link             *string
	Comment          *string
}

// InvoiceOrder is an InvoiceRequest checked: what an operation does.
type InvoiceOrder struct {
	DocumentID       string
	BillingDate      Date
	DueDate          Date // zero: the default (InvoiceDueDays after today)
	ExternalTotal    *Amount
	ExternalCurrency string
	File             string
	Link             string
	Comment          string
}

// invoiceError is an error of the INVOICE family: code is its errors[].code.
func invoiceError(code ErrorCode, msg Message, pointer string, args ...any) *Error {
	return &Error{Code: code, Message: msg, Args: args, Pointer: pointer, Reason: msg.Reason()}
}

// Validate checks r for op at local day today: the document number and billing
// date every operation needs (INVOICE-0001, INVOICE-0005), then the approval's
// optional fields.
func (r InvoiceRequest) Validate(op InvoiceOp, today Date) (InvoiceOrder, error) {
	var o InvoiceOrder
	for _, f := range []struct {
		v       *string
		pointer string
	}{{r.DocumentID, "/document_id"}, {r.BillingDate, "/billing_date"}} {
		if f.v == nil || strings.TrimSpace(*f.v) == "" {
			return o, invoiceError(ErrBadRequest, MsgInvoiceRequired, f.pointer)
		}
	}
	o.DocumentID = strings.TrimSpace(*r.DocumentID)
	if tooLongInvoiceText(o.DocumentID) {
		return o, invoiceError(ErrInvalid, MsgInvoiceValue, "/document_id")
	}
	d, err := ParseDate(*r.BillingDate)
	if err != nil {
		return o, invoiceError(ErrBadRequest, MsgInvoiceBillingDate, "/billing_date")
	}
	o.BillingDate = d
	if r.Comment != nil {
		if o.Comment = strings.TrimSpace(*r.Comment); tooLongInvoiceText(o.Comment) {
			return o, invoiceError(ErrInvalid, MsgInvoiceValue, "/comment")
		}
	}
	if op != InvoiceApprove {
		return o, nil
	}
	return o, o.approval(r, today)
}

// approval checks and sets the optional fields of an approval.
func (o *InvoiceOrder) approval(r InvoiceRequest, today Date) error {
	if r.DueDate != nil {
		d, err := ParseDate(*r.DueDate)
		if err != nil || d.Before(today) {
			return invoiceError(ErrInvalid, MsgInvoiceDueDate, "/due_date", today.String())
		}
		o.DueDate = d
	}
	if (r.ExternalTotal == nil) != (r.ExternalCurrency == nil) {
		return invoiceError(ErrInvalid, MsgInvoiceExternal, "/external_total")
	}
	if r.ExternalTotal != nil {
		v, err := ParseAmount(*r.ExternalTotal)
		if err != nil || v < 0 {
			return invoiceError(ErrInvalid, MsgInvoiceExternal, "/external_total")
		}
		cur := strings.ToUpper(strings.TrimSpace(*r.ExternalCurrency))
		if !ValidCurrency(cur) {
			return invoiceError(ErrInvalid, MsgInvoiceExternal, "/external_currency")
		}
		o.ExternalTotal, o.ExternalCurrency = &v, cur
	}
	if r.File != nil && r.Link != nil {
		return invoiceError(ErrInvalid, MsgInvoiceReceipt, "/link")
	}
	if r.File != nil {
		if len(*r.File) > MaxInvoiceFile {
			return invoiceError(ErrInvalid, MsgInvoiceFileSize, "/file", MaxInvoiceFile>>20)
		}
		if !isDataURI(*r.File) {
			return invoiceError(ErrInvalid, MsgInvoiceReceipt, "/file")
		}
		o.File = *r.File
	}
	if r.Link != nil {
		if o.Link = strings.TrimSpace(*r.Link); !isWebURL(o.Link) || tooLongInvoiceText(o.Link) {
			return invoiceError(ErrInvalid, MsgInvoiceReceipt, "/link")
		}
	}
	return nil
}

// isDataURI reports whether s is a base64 data URI: data:<media type>;base64,<data>.
func isDataURI(s string) bool {
	head, data, ok := strings.Cut(s, ",")
	return ok && data != "" && strings.HasPrefix(head, "data:") && strings.HasSuffix(head, ";base64")
}

// isWebURL reports whether s is an absolute http or https URL.
func isWebURL(s string) bool {
	return (strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")) && !strings.ContainsAny(s, " \t\n")
}

// Check refuses op on inv, whose payment is p (nil when it has none), with the
// documented INVOICE code, or returns nil when op may go on with o.
func (inv *Invoice) Check(op InvoiceOp, p *Payment, o InvoiceOrder) error {
	bad := func(code ErrorCode, msg Message) error {
		return fmt.Errorf("invoice %d cannot take %s: %w", inv.ID, op, invoiceError(code, msg, ""))
	}
	cancelled := p != nil && p.Status == PaymentStatusCancelled
	completed := p != nil && (p.Status == PaymentStatusCompleted || p.Status == PaymentStatusPaidFromBalance)
	switch op {
	case InvoiceApprove:
		switch {
		case inv.PaymentModel != PaymentModelPostpay:
			return bad(ErrBadRequest, MsgInvoiceApprovePostpaid)
		case inv.Status != InvoiceClosed:
			return bad(ErrBadRequest, MsgInvoiceApproveClosed)
		case p == nil || inv.Total == 0:
			return bad(ErrBadRequest, MsgInvoiceApproveZero)
		case cancelled:
			return bad(ErrBadRequest, MsgInvoiceApproveCancelled)
		case o.BillingDate != inv.FromDate:
			return bad(ErrBadRequest, MsgInvoiceBillingDate)
		case inv.Approved() || completed:
			return bad(ErrBadRequest, MsgInvoiceApproved)
		}
	case InvoiceComplete:
		switch {
		case inv.PaymentModel != PaymentModelPostpay:
			return bad(ErrBadRequest, MsgInvoiceCompletePostpaid)
		case inv.Status != InvoiceClosed:
			return bad(ErrBadRequest, MsgInvoiceCompleteClosed)
		case p == nil || inv.Total == 0:
			return bad(ErrBadRequest, MsgInvoiceCompleteZero)
		case cancelled:
			return bad(ErrBadRequest, MsgInvoiceCompleteCancelled)
		case o.BillingDate != inv.FromDate:
			return bad(ErrBadRequest, MsgInvoiceBillingDate)
		case completed:
			return bad(ErrInvalid, MsgInvoicePaid)
		case !inv.Approved():
			return bad(ErrBadRequest, MsgInvoiceNotApproved)
		case o.DocumentID != inv.DocumentID:
			return bad(ErrBadRequest, MsgInvoiceDocumentID)
		}
	case InvoiceRevoke:
		switch {
		case o.BillingDate != inv.FromDate:
			return bad(ErrBadRequest, MsgInvoiceBillingDate)
		case cancelled:
			return bad(ErrBadRequest, MsgInvoiceRevokeCancelled)
		case completed:
			return bad(ErrBadRequest, MsgInvoiceRevokeCompleted)
		case !inv.Approved():
			return bad(ErrBadRequest, MsgInvoiceNotApproved)
		case o.DocumentID != inv.DocumentID:
			return bad(ErrBadRequest, MsgInvoiceDocumentID)
		}
	}
	return nil
}

// Approve records an ERP's approval o of inv at now (local day today) on the invoice
// and its payment p: the ERP's number, amount and link, and the payment's due date.
func (inv *Invoice) Approve(p *Payment, o InvoiceOrder, now time.Time, today Date) {
	inv.DocumentID, inv.ApprovedAt, inv.Link = o.DocumentID, now, o.Link
	inv.ExternalTotal, inv.ExternalCurrency = o.ExternalTotal, o.ExternalCurrency
	inv.HasFile = o.File != ""
	p.DueDate = o.DueDate
	if p.DueDate.IsZero() {
		p.DueDate = today.AddDays(InvoiceDueDays)
	}
	p.ExternalTotal, p.ExternalCurrency = o.ExternalTotal, o.ExternalCurrency
	inv.UpdatedAt, p.UpdatedAt = now, now
}

// Revoke undoes the approval of inv and its payment p at now: our own number again,
// no external amount, receipt or due date; an expired payment waits for payment
// again, with the reason in its comment.
func (inv *Invoice) Revoke(p *Payment, o InvoiceOrder, now time.Time) error {
	inv.DocumentID, inv.ApprovedAt, inv.Link, inv.HasFile = inv.OwnDocumentID, time.Time{}, "", false
	inv.ExternalTotal, inv.ExternalCurrency = nil, ""
	p.DueDate, p.ExternalTotal, p.ExternalCurrency = Date{}, nil, ""
	if p.Status == PaymentStatusExpired {
		if err := p.Apply(PaymentEventReopen, now); err != nil {
			return err
		}
	}
	if o.Comment != "" {
		p.Comment = invoiceRevokedComment + o.Comment
	}
	inv.UpdatedAt, p.UpdatedAt = now, now
	return nil
}

// CheckInvoiceCompletion refuses a manager's completion of p when p pays an
// externally managed invoice the ERP has not approved (no due date yet): such a
// payment can be neither paid nor approved until then (INVOICE-0016).
func (p *Payment) CheckInvoiceCompletion() error {
	if p.Purpose == PaymentForInvoice && p.DueDate.IsZero() && p.Status == PaymentStatusWaitingForPayment {
		return fmt.Errorf("payment %d: %w", p.ID, invoiceError(ErrInvalid, MsgInvoiceUnapprovedPayment, ""))
	}
	return nil
}
