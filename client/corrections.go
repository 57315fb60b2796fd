package client

import (
	"context"
	"encoding/json"
)

// Correction is a correction of an account's money.
type Correction struct {
	ID              int64   `json:"-"`
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
	AccountID       int64   `json:"account_id"`
	ManagerID       int64   `json:"manager_id"`
	Status          string  `json:"status"`
	Total           string  `json:"total"`
	IncludedInvoice bool    `json:"included_invoice"`
	SubscriptionID  *int64  `json:"subscription_id"`
	PeriodFrom      *string `json:"period_from"`
	PeriodTo        *string `json:"period_to"`
	Comment         *string `json:"comment"`
	// Cascade's additions: the currency, who decided and when, where the approved
	// money went (balance or invoice), the invoice that carries it and the payment
	// whose completion by document number made it.
	CurrencyCode string  `json:"currency_code"`
	ApproverID   *int64  `json:"approver_id"`
	ApprovedAt   *string `json:"approved_at"`
	AppliedTo    *string `json:"applied_to"`
	InvoiceID    *int64  `json:"invoice_id"`
	PaymentID    *int64  `json:"payment_id"`
}

func (k *Correction) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, k); err != nil {
		return err
	}
	var err error
	k.ID, err = parseID(res.ID)
	return err
}

// CorrectionInput is the body of a new correction; Total is a decimal string
// ("-15.50"). Nil pointers and an empty Total are left out.
type CorrectionInput struct {
	AccountID       int64   `json:"account_id"`
	IncludedInvoice bool    `json:"included_invoice"`
	SubscriptionID  *int64  `json:"subscription_id,omitempty"`
	PeriodFrom      *string `json:"period_from,omitempty"`
	PeriodTo        *string `json:"period_to,omitempty"`
	Total           string  `json:"total,omitempty"`
	Comment         *string `json:"comment,omitempty"`
}

// CreateCorrection creates a correction waiting for approval
// (POST /api/v3/resellers/{reseller_id}/corrections).
func (c *Client) CreateCorrection(ctx context.Context, resellerID int64, in CorrectionInput, opts ...RequestOption) (*Correction, error) {
	var k Correction
	return &k, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/corrections", resellerID), body(in), &k, opts...)
}

// UpdateCorrectionStatus approves or declines a correction: status is "approved" or
// "declined" (PATCH /api/v3/resellers/{reseller_id}/corrections/{correction_id}).
func (c *Client) UpdateCorrectionStatus(ctx context.Context, resellerID, id int64, status string, opts ...RequestOption) (*Correction, error) {
	var k Correction
	in := struct {
		Status string `json:"status"`
	}{status}
	return &k, c.send(ctx, "PATCH", pathf("/api/v3/resellers/%s/corrections/%s", resellerID, id), body(in), &k, opts...)
}

// GetCorrection returns a correction of a reseller
// (GET /api/v3/resellers/{reseller_id}/corrections/{correction_id}).
func (c *Client) GetCorrection(ctx context.Context, resellerID, id int64, opts ...RequestOption) (*Correction, error) {
	var k Correction
	return &k, c.getOne(ctx, pathf("/api/v3/resellers/%s/corrections/%s", resellerID, id), &k, nil, opts...)
}

// ListCorrections lists the corrections of a reseller and of the resellers below it
// (GET /api/v3/resellers/{reseller_id}/corrections).
func (c *Client) ListCorrections(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Correction], error) {
	return list[Correction](ctx, c, pathf("/api/v3/resellers/%s/corrections", resellerID), o, opts...)
}
