package domain

import "time"

// InvoiceStatus is where an invoice stands: open while its period runs, closed once
// issued on the billing day.
type InvoiceStatus string

// The invoice statuses.
const (
	InvoiceOpen   InvoiceStatus = "open"
	InvoiceClosed InvoiceStatus = "closed"
)

// InvoiceStatuses lists every invoice status.
var InvoiceStatuses = []InvoiceStatus{InvoiceOpen, InvoiceClosed}

// PaymentModels lists both payment models.
var PaymentModels = []PaymentModel{PaymentModelPrepay, PaymentModelPostpay}

// InvoiceDocumentPrefix is the series of a reseller's documents invoices are
// numbered in ("IN000001").
const InvoiceDocumentPrefix = "IN"

// InvoiceDueDays is how long an account has to pay a postpaid invoice: its payment
// is due that many days after the billing day (or, under external management, after
// the ERP's approval when the ERP names no due date).
const InvoiceDueDays = 14

// Invoice is what an account is billed for one billing period under one payment
// model (migration 0030_invoices). A postpaid invoice gathers the period's postpaid
// charges (and the corrections put in it) and has a payment that settles it; a
// prepaid one lists the prepaid charges closed in the period and has none.
type Invoice struct {
	ID         int64
	ResellerID int64
	AccountID  int64
	// DocumentID is the number shown: OwnDocumentID, or the ERP's number while its
	// approval stands.
	DocumentID    string
	OwnDocumentID string
	Status        InvoiceStatus
	PaymentModel  PaymentModel
	FromDate      Date // the billing period's first day, the billing_date an ERP names
	ToDate        Date // its last day
	Total         Amount
	Currency      string // the reseller's
	PaymentID     int64  // the postpaid invoice's payment; 0 when none
	// ApprovedAt is when an ERP approved the invoice; zero when not approved.
	ApprovedAt time.Time
	// ExternalTotal and ExternalCurrency are the third-party invoice's amount and
	// currency; nil and "" when the ERP gave none.
	ExternalTotal    *Amount
	ExternalCurrency string
	Link             string // the ERP's link to its invoice; "" when none
	HasFile          bool   // the ERP attached its invoice as a file
	Timestamps
}

// Approved reports whether an ERP's approval stands.
func (inv *Invoice) Approved() bool { return !inv.ApprovedAt.IsZero() }

// BillingPeriod returns the billing period that ends the day before the billing
// day billingDay (1..28) most recently reached on or before today: its first and
// last day, and the billing date itself.
func BillingPeriod(today Date, billingDay int) (from, to, billed Date) {
	billed = Date{today.Year, today.Month, billingDay}
	if today.Day < billingDay {
		billed = billed.AddMonths(-1)
	}
	return billed.AddMonths(-1), billed.AddDays(-1), billed
}
