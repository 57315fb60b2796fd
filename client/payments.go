package client

import (
	"context"
	"encoding/json"
)

// Payment is a payment of an order, an invoice or a top-up.
type Payment struct {
	ID                    int64   `json:"-"`
	CreatedAt             string  `json:"created_at"`
	UpdatedAt             string  `json:"updated_at"`
	AccountID             int64   `json:"account_id"`
	DiscountAmount        string  `json:"discount_amount"`
	Total                 string  `json:"total"`
	AmountPaidFromBalance *string `json:"amount_paid_from_balance"`
	InitialTotal          string  `json:"initial_total"`
	CurrencyCode          string  `json:"currency_code"`
	Comment               string  `json:"comment"`
	Status                string  `json:"status"`
	DocumentID            string  `json:"document_id"`
	ExpirationDate        *string `json:"expiration_date"`
	PaymentMethodID       *int64  `json:"payment_method_id"`
	RequesterIP           *string `json:"requester_ip"`
	ManagerID             *int64  `json:"manager_id"`
	Purpose               string  `json:"purpose"`
	DueDate               *string `json:"due_date"`
	PaymentMethodName     *string `json:"payment_method_name"`
	ClosedAt              *string `json:"closed_at"`
	ExternalTotal         *string `json:"external_total"`
	ExternalCurrency      *string `json:"external_currency"`
	// ExternalTransactionID is Cascade's addition: the id an external system gave the
	// transaction that paid it (completion by document number).
	ExternalTransactionID *string `json:"external_transaction_id"`
}

func (p *Payment) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, p); err != nil {
		return err
	}
	var err error
	p.ID, err = parseID(res.ID)
	return err
}

// GetPayment returns a payment of a reseller
// (GET /api/v3/resellers/{reseller_id}/payments/{payment_id}).
func (c *Client) GetPayment(ctx context.Context, resellerID, id int64, opts ...RequestOption) (*Payment, error) {
	var p Payment
	return &p, c.getOne(ctx, pathf("/api/v3/resellers/%s/payments/%s", resellerID, id), &p, nil, opts...)
}

// ListPayments lists the payments of a reseller (GET /api/v3/resellers/{reseller_id}/payments).
func (c *Client) ListPayments(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Payment], error) {
	return list[Payment](ctx, c, pathf("/api/v3/resellers/%s/payments", resellerID), o, opts...)
}

// CompletePayment marks a payment paid by one of the reseller's payment methods
// (PATCH /api/v3/resellers/{reseller_id}/payments/{payment_id}).
func (c *Client) CompletePayment(ctx context.Context, resellerID, id, paymentMethodID int64, opts ...RequestOption) (*Payment, error) {
	var p Payment
	in := struct {
		PaymentMethodID int64 `json:"payment_method_id"`
	}{paymentMethodID}
	return &p, c.send(ctx, "PATCH", pathf("/api/v3/resellers/%s/payments/%s", resellerID, id), body(in), &p, opts...)
}
