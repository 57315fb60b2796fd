package domain

import (
	"fmt"
	"time"
)

// PaymentModel is how a subscription or an order is paid: before (prepay) or after
// (postpay) use. The values are those of the account class's ChargingModel.
type PaymentModel string

// The payment models.
const (
	PaymentModelPrepay  PaymentModel = PaymentModel(ChargingModelPrepay)
	PaymentModelPostpay PaymentModel = PaymentModel(ChargingModelPostpay)
)

// Valid reports whether m is prepay or postpay.
func (m PaymentModel) Valid() bool { return m == PaymentModelPrepay || m == PaymentModelPostpay }

// PaymentStatus is where a payment stands.
type PaymentStatus string

// The payment statuses with their API values.
const (
	PaymentStatusWaitingForPayment PaymentStatus = "waiting_for_payment"
	PaymentStatusExpired           PaymentStatus = "expired"
	PaymentStatusCancelled         PaymentStatus = "cancelled"
	PaymentStatusReceiptCreating   PaymentStatus = "receipt_creating"
	PaymentStatusReceiptSent       PaymentStatus = "receipt_sent"
	PaymentStatusProcessing        PaymentStatus = "processing"
	PaymentStatusCompleted         PaymentStatus = "completed"
	PaymentStatusPaidFromBalance   PaymentStatus = "paid_from_balance"
)

// PaymentStatuses lists every payment status.
var PaymentStatuses = []PaymentStatus{
	PaymentStatusWaitingForPayment, PaymentStatusExpired, PaymentStatusCancelled, PaymentStatusReceiptCreating,
	PaymentStatusReceiptSent, PaymentStatusProcessing, PaymentStatusCompleted, PaymentStatusPaidFromBalance,
}

// Valid reports whether s is one of PaymentStatuses.
func (s PaymentStatus) Valid() bool {
	for _, x := range PaymentStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Closed reports whether the payment has ended: paid or cancelled.
func (s PaymentStatus) Closed() bool {
	return s == PaymentStatusCompleted || s == PaymentStatusPaidFromBalance || s == PaymentStatusCancelled
}

// PaymentPurpose is what a payment pays: an order (prepay), a postpaid invoice, or a
// top-up of the account's balance.
type PaymentPurpose string

// The payment purposes.
const (
	PaymentForOrder   PaymentPurpose = "order"
	PaymentForInvoice PaymentPurpose = "invoice"
	PaymentForTopUp   PaymentPurpose = "top_up"
)

// Payment is money an account owes or sends: for an order, for a postpaid invoice, or
// to top up its balance.
type Payment struct {
	ID                    int64
	ResellerID            int64
	AccountID             int64
	Purpose               PaymentPurpose
	OrderID               int64     // the order it pays; 0 otherwise
	OrderKind             OrderKind // the kind of the order it pays; "" otherwise
	InvoiceID             int64     // the postpaid invoice it pays; 0 otherwise
	DocumentID            string
	Total                 Amount // what is still to pay
	InitialTotal          Amount // what was to pay when it was made
	DiscountAmount        Amount
	AmountPaidFromBalance Amount // the part taken from the account's balance
	Currency              string // the reseller's currency
	Comment               string
	// Description is the text shown on the receipt (the API's purpose attribute).
	Description           string
	RequesterIP           string
	Status                PaymentStatus
	PaymentMethodID       int64 // the method it was completed with; 0 before
	PaymentMethodName     string
	ManagerID             int64 // the manager who completed or cancelled it; 0 when none
	DueDate               Date  // last day to pay a postpaid invoice; zero when none
	ExpirationDate        Date  // last day to pay an order (the order's expiration date)
	ClosedAt              time.Time
	ExternalTransactionID string
	// ExternalTotal and ExternalCurrency are a third-party invoice's amount and
	// currency (an ERP's approval); nil and "" when none.
	ExternalTotal    *Amount
	ExternalCurrency string
	Timestamps
}

// Apply moves p by ev at moment now, or refuses the event (p unchanged) with the error
// the API shows. Closing sets ClosedAt.
func (p *Payment) Apply(ev PaymentEvent, now time.Time) error {
	next, err := NextPaymentStatus(p.Status, p.Purpose, ev)
	if err != nil {
		return fmt.Errorf("payment %d: %w", p.ID, err)
	}
	p.Status = next
	if next.Closed() {
		p.ClosedAt = now
	}
	return nil
}
