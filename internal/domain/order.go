package domain

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// OrderKind is what an order does to a subscription: buy it, switch its plan, change its
// quantities, renew it for a new period, or pay its next month (prolong). The value is
// the API's attributes.type.
type OrderKind string

// The order kinds with their API values.
const (
	SalesOrder   OrderKind = "SalesOrder"
	SwitchOrder  OrderKind = "SwitchOrder"
	ChangeOrder  OrderKind = "ChangeOrder"
	RenewalOrder OrderKind = "RenewalOrder"
	ProlongOrder OrderKind = "ProlongOrder"
)

// OrderKinds lists every order kind.
var OrderKinds = []OrderKind{SalesOrder, SwitchOrder, ChangeOrder, RenewalOrder, ProlongOrder}

type orderKindInfo struct {
	jsonType, prefix string
	ability          AbilityKey // the ability flag that gates creating one; "" when none
}

var orderKinds = map[OrderKind]orderKindInfo{
	SalesOrder:   {"sales_orders", "SO", ""},
	SwitchOrder:  {"switch_orders", "SW", AbilitySwitchPlan},
	ChangeOrder:  {"change_orders", "CH", AbilityAdjust},
	RenewalOrder: {"renewal_orders", "RN", AbilityRenew},
	ProlongOrder: {"prolong_orders", "PO", AbilityProlong},
}

// Valid reports whether k is one of OrderKinds.
func (k OrderKind) Valid() bool { _, ok := orderKinds[k]; return ok }

// JSONAPIType is the data.type of an order of kind k, such as "sales_orders".
func (k OrderKind) JSONAPIType() string { return orderKinds[k].jsonType }

// DocumentPrefix is the letters an order number of kind k starts with, such as "SO".
func (k OrderKind) DocumentPrefix() string { return orderKinds[k].prefix }

// Ability is the flag of a subscription's Ability that must be true to create an order
// of kind k; a sales order, which has no subscription yet, has none ("").
func (k OrderKind) Ability() AbilityKey { return orderKinds[k].ability }

// SupersededByRenewal reports whether the automatic renewal may cancel a pending order of
// kind k (waiting for payment) to renew the subscription as it is.
func (k OrderKind) SupersededByRenewal() bool {
	return k == ChangeOrder || k == SwitchOrder || k == ProlongOrder
}

// DocumentDigits is the least number of digits of an order number; larger numbers
// simply grow wider.
const DocumentDigits = 6

// FormatDocumentID is the order number n of kind k: the kind's prefix and n padded to
// six digits, such as SO000329. Numbers run per reseller and prefix.
func FormatDocumentID(k OrderKind, n int64) string {
	return DocumentNumber(k.DocumentPrefix(), n)
}

// DocumentNumber is number n of the series with the given prefix: the prefix and n
// padded to DocumentDigits digits with zeros ("SO000329", "002018" without prefix).
func DocumentNumber(prefix string, n int64) string {
	return fmt.Sprintf("%s%0*d", prefix, DocumentDigits, n)
}

// OrderLine is one resource quantity an order asks for. Sales, switch, renewal and
// prolong orders name the plan resource (of the target plan for a switch) and the
// total quantity; change orders name the subscription resource and its additional
// quantity, as the API takes them.
type OrderLine struct {
	PlanResourceID         int64
	SubscriptionResourceID int64
	Quantity               int64
}

// Order is a request to buy a subscription or to change, renew, prolong or switch one.
type Order struct {
	ID             int64
	ResellerID     int64
	AccountID      int64
	SubscriptionID int64
	Kind           OrderKind
	Status         OrderStatus
	DocumentID     string // FormatDocumentID
	PaymentModel   PaymentModel
	Total          Amount
	Currency       string // the reseller's currency
	PaymentID      int64  // the linked payment; 0 for a postpaid or free order
	ManagerID      int64  // the manager who made it; 0 for the account or the system
	CreatedBy      string // "#343 Jane Doe", "Account" or "System"
	RequesterIP    string
	PromoCode      string
	CustomPrice    bool
	// ExpirationDate is the last day the order may be paid (OrderExpirationDate).
	ExpirationDate Date
	// ProvisioningDate is the day a delayed order is provisioned; zero when the order is
	// provisioned as soon as it is accepted.
	ProvisioningDate Date
	ClosedAt         time.Time // when it became completed or cancelled; zero before
	// PlanID and PlanPeriodID are the plan and period ordered: the new plan of a switch,
	// the period of a sales or renewal order; 0 for change and prolong orders.
	PlanID       int64
	PlanPeriodID int64
	SwitchType   SwitchType // switch orders only
	Lines        []OrderLine
	// QuoteLines are the priced lines of its Total (Quote.Lines).
	QuoteLines []QuoteLine
	// PlanCurrency and CurrencyRate are the quote's: the currency of the lines' unit
	// prices and the rate that converted them into Currency (1 when they are equal).
	PlanCurrency string
	CurrencyRate Rate
	// AsyncTaskID is the completed order-attributes validation the order was made with;
	// "" when the plan asks for no attributes.
	AsyncTaskID string
	Timestamps
}

// CreatedByManager is the CreatedBy label of an order a manager made.
func CreatedByManager(id int64, name string) string { return fmt.Sprintf("#%d %s", id, name) }

// OrderExpirationDate is the last day an order created at moment created may be paid:
// its local day plus the service term's CancelUnpaidOrderIn days. From the next day on
// the unpaid order is cancelled.
func OrderExpirationDate(created time.Time, loc *time.Location, terms TermSettings) Date {
	return DateOf(created, loc).AddDays(terms.CancelUnpaidOrderIn)
}

// NeedsPayment reports whether o waits for a payment before it is provisioned: a
// prepaid order with something to pay. A postpaid order, or a free one (a trial), is
// accepted as soon as it is created.
func (o *Order) NeedsPayment() bool { return o.PaymentModel == PaymentModelPrepay && o.Total > 0 }

// Delayed reports whether o's provisioning waits for a provisioning date after today.
func (o *Order) Delayed(today Date) bool {
	return !o.ProvisioningDate.IsZero() && o.ProvisioningDate.After(today)
}

// Unpaid reports whether o is still waiting for its payment after its expiration date,
// so that the scheduler must cancel it (OrderEventExpire).
func (o *Order) Unpaid(today Date) bool {
	return o.Status == OrderStatusWaitingForPayment && today.After(o.ExpirationDate)
}

// Start sets the status of a new order: waiting for its payment, or accepted at once
// (NeedsPayment false) and then provisioned now or on its provisioning date.
func (o *Order) Start(today Date) {
	switch {
	case o.NeedsPayment():
		o.Status = OrderStatusWaitingForPayment
	case o.Delayed(today):
		o.Status = OrderStatusWaitingForProvisioning
	default:
		o.Status = OrderStatusProvisioning
	}
}

// Apply moves o by ev at moment now (whose local day in loc is today), or refuses the
// event with a forbidden error and leaves o as it was. Closing sets ClosedAt.
func (o *Order) Apply(ev OrderEvent, now time.Time, loc *time.Location) error {
	next, err := NextOrderStatus(OrderState{Status: o.Status, Kind: o.Kind, Delayed: o.Delayed(DateOf(now, loc))}, ev)
	if err != nil {
		return fmt.Errorf("order %d: %w", o.ID, err)
	}
	o.Status = next
	if next.Closed() {
		o.ClosedAt = now
	}
	return nil
}

// MaxPromoCode is the longest promo code an order takes; PtrOrderPromoCode is where
// the order's body gives it.
const (
	MaxPromoCode      = 255
	PtrOrderPromoCode = "/data/attributes/promo_code"
)

// checkPromoCode refuses a promo code longer than MaxPromoCode: it is stored with the
// order as written and shown with it.
func (p *Problems) checkPromoCode(code string) {
	if utf8.RuneCountInString(code) > MaxPromoCode {
		p.Add(PtrOrderPromoCode, MsgTooLong, MaxPromoCode)
	}
}
