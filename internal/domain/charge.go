package domain

import "time"

// ChargeType is what a charge is for (the API's Charge::* class names).
type ChargeType string

// Charge types. A refund is its own type with a positive amount.
const (
	ChargeSetup     ChargeType = "Charge::Setup"
	ChargeRecurring ChargeType = "Charge::Recurring"
	ChargeRenewal   ChargeType = "Charge::Renewal"
	ChargeTransfer  ChargeType = "Charge::Transfer"
	ChargeOveruse   ChargeType = "Charge::Overuse"
	ChargeRefund    ChargeType = "Charge::Refund"
)

// ChargeStatus is where a charge stands in the ledger (docs/billing.md).
type ChargeStatus string

// Charge statuses. Only closed and refunded charges have moved the balance; blocked
// ones reserve it.
const (
	ChargeNew              ChargeStatus = "new"
	ChargeOpened           ChargeStatus = "opened"
	ChargeBlocked          ChargeStatus = "blocked"
	ChargeWaitingForRefund ChargeStatus = "waiting_for_refund"
	ChargeClosed           ChargeStatus = "closed"
	ChargeDeleted          ChargeStatus = "deleted"
	ChargeRefunded         ChargeStatus = "refunded"
)

// Charge is one priced item a subscription costs its account for a period
// (migration 0027_ledger).
type Charge struct {
	ID                     int64
	ResellerID             int64
	AccountID              int64
	SubscriptionID         int64
	OrderID                int64 // 0 when no order made it
	InvoiceID              int64 // 0 until an invoice gathers it
	SubscriptionResourceID int64 // 0 for the plan period's own fee
	PlanResourceID         int64 // 0 for the plan period's own fee
	// BillingKey names what the charge is for; (SubscriptionID, BillingKey) is unique.
	BillingKey       string
	Type             ChargeType
	Status           ChargeStatus
	PaymentModel     PaymentModel
	Description      string
	Quantity         int64
	UnitPrice        Amount // in Currency, the plan's
	Currency         string
	Amount           Amount // in ResellerCurrency
	ResellerCurrency string
	CurrencyRate     Rate // the rate times its adjustment that converted UnitPrice
	DiscountAmount   Amount
	Duration         Months
	OperateFrom      Date
	OperateTo        Date
	CloseDate        Date // zero until closed
	CreatedAt        time.Time
	UpdatedAt        time.Time
}
