package client

import (
	"context"
	"encoding/json"
)

// Charge is a charge of the account ledger: one line of an order's quote, in its
// status (new, opened, blocked, waiting_for_refund, closed, deleted, refunded).
// UnitPrice is in Currency, the plan's; Amount in ResellerCurrency, converted by
// CurrencyRate; a refund is positive with the type Charge::Refund.
type Charge struct {
	ID                     int64       `json:"-"`
	CreatedAt              string      `json:"created_at"`
	UpdatedAt              string      `json:"updated_at"`
	SubscriptionID         int64       `json:"subscription_id"`
	SubscriptionResourceID *int64      `json:"subscription_resource_id"`
	PlanResourceID         *int64      `json:"plan_resource_id"`
	OrderID                *int64      `json:"order_id"`
	Quantity               int64       `json:"quantity"`
	OperateFrom            string      `json:"operate_from"`
	OperateTo              string      `json:"operate_to"`
	Duration               json.Number `json:"duration"`
	Description            string      `json:"description"`
	Type                   string      `json:"type"`
	Status                 string      `json:"status"`
	CloseDate              *string     `json:"close_date"`
	UnitPrice              string      `json:"unit_price"`
	Currency               string      `json:"currency"`
	Amount                 string      `json:"amount"`
	ResellerCurrency       string      `json:"reseller_currency"`
	CurrencyRate           string      `json:"currency_rate"`
	DiscountAmount         string      `json:"discount_amount"`
	PaymentModel           string      `json:"payment_model"`

	// PlanID is the plan of the charge's subscription, given only when the plan is
	// included (WithInclude("plan")); 0 otherwise.
	PlanID int64 `json:"-"`
}

func (ch *Charge) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, ch); err != nil {
		return err
	}
	if p := res.Relationships["plan"].Data; p != nil {
		id, err := parseID(p.ID)
		if err != nil {
			return err
		}
		ch.PlanID = id
	}
	var err error
	ch.ID, err = parseID(res.ID)
	return err
}

// GetCharge returns a charge of a reseller; included objects, asked for with
// WithInclude (reseller, account, subscription, plan), go to included when it is
// not nil (GET /api/v3/resellers/{reseller_id}/charges/{charge_id}).
func (c *Client) GetCharge(ctx context.Context, resellerID, id int64, included *[]Resource, opts ...RequestOption) (*Charge, error) {
	var ch Charge
	return &ch, c.getOne(ctx, pathf("/api/v3/resellers/%s/charges/%s", resellerID, id), &ch, included, opts...)
}

// ListCharges lists the charges of a reseller and of the resellers below it
// (GET /api/v3/resellers/{reseller_id}/charges).
func (c *Client) ListCharges(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Charge], error) {
	return list[Charge](ctx, c, pathf("/api/v3/resellers/%s/charges", resellerID), o, opts...)
}

// PayFromBalance completes a payment from its account's balance
// (PATCH /api/v3/resellers/{reseller_id}/payments/{payment_id} with the status
// paid_from_balance).
func (c *Client) PayFromBalance(ctx context.Context, resellerID, id int64, opts ...RequestOption) (*Payment, error) {
	var p Payment
	in := struct {
		Status string `json:"status"`
	}{"paid_from_balance"}
	return &p, c.send(ctx, "PATCH", pathf("/api/v3/resellers/%s/payments/%s", resellerID, id), body(in), &p, opts...)
}

// CloseCharges closes the opened and blocked charges of a subscription of the
// token's reseller or of one below it (PATCH
// /api/v3/reseller/subscriptions/{subscription_id}/close_charges).
func (c *Client) CloseCharges(ctx context.Context, id int64, opts ...RequestOption) error {
	return c.call(ctx, "PATCH", pathf("/api/v3/reseller/subscriptions/%s/close_charges", id), nil, nil, opts...)
}

// CloseVendorCharges is CloseCharges by its vendor/ path
// (PATCH /api/v3/vendor/subscriptions/{subscription_id}/close_charges).
func (c *Client) CloseVendorCharges(ctx context.Context, id int64, opts ...RequestOption) error {
	return c.call(ctx, "PATCH", pathf("/api/v3/vendor/subscriptions/%s/close_charges", id), nil, nil, opts...)
}
