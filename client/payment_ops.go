package client

import (
	"context"
	"encoding/json"
)

// TopUpInput is the body of a top-up payment. Total is sent as a JSON number,
// exactly as written ("199.99"); an empty Total is left out.
type TopUpInput struct {
	AccountID int64       `json:"account_id"`
	Total     json.Number `json:"total,omitempty"`
	Comment   string      `json:"comment"`
	Purpose   *string     `json:"purpose,omitempty"`
}

// CreatePayment creates a payment that tops up an account's balance
// (POST /api/v3/resellers/{reseller_id}/payments).
func (c *Client) CreatePayment(ctx context.Context, resellerID int64, in TopUpInput, opts ...RequestOption) (*Payment, error) {
	var p Payment
	return &p, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/payments", resellerID), body(in), &p, opts...)
}

// GetPaymentIncluding returns a payment of a reseller; included objects, asked for
// with WithInclude (account, orders, payment_method, reseller), go to included
// (GET /api/v3/resellers/{reseller_id}/payments/{payment_id}).
func (c *Client) GetPaymentIncluding(ctx context.Context, resellerID, id int64, included *[]Resource, opts ...RequestOption) (*Payment, error) {
	var p Payment
	return &p, c.getOne(ctx, pathf("/api/v3/resellers/%s/payments/%s", resellerID, id), &p, included, opts...)
}

// CancelPayment cancels a payment waiting for payment; an order's payment cancels
// its order (DELETE /api/v3/resellers/{reseller_id}/payments/{payment_id}).
func (c *Client) CancelPayment(ctx context.Context, resellerID, id int64, opts ...RequestOption) (*Payment, error) {
	var p Payment
	return &p, c.send(ctx, "DELETE", pathf("/api/v3/resellers/%s/payments/%s", resellerID, id), nil, &p, opts...)
}

// DocumentCompletion is the body of a completion by document number. Amount, when
// not empty, is sent as a JSON number, exactly as written.
type DocumentCompletion struct {
	PaymentMethodID       int64       `json:"payment_method_id"`
	Amount                json.Number `json:"amount,omitempty"`
	CurrencyCode          string      `json:"currency_code,omitempty"`
	ExternalTransactionID string      `json:"external_transaction_id,omitempty"`
}

// CompletePaymentByDocument completes the payment whose document number is
// documentID (the number "002018" is 2018), by a payment method of the reseller
// (POST /api/v3/resellers/{reseller_id}/payments/{document_id}).
func (c *Client) CompletePaymentByDocument(ctx context.Context, resellerID, documentID int64, in DocumentCompletion, opts ...RequestOption) (*Payment, error) {
	var p Payment
	return &p, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/payments/%s", resellerID, documentID), body(in), &p, opts...)
}
