package client

import (
	"context"
	"encoding/json"
)

// Invoice is what an account is billed for one billing period under one payment
// model, with the ids of what it gathers.
type Invoice struct {
	ID               int64   `json:"-"`
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
	DocumentID       string  `json:"document_id"`
	Status           string  `json:"status"`
	Total            string  `json:"total"`
	AccountID        int64   `json:"account_id"`
	FromDate         string  `json:"from_date"`
	ToDate           string  `json:"to_date"`
	PaymentModel     string  `json:"payment_model"`
	Approved         bool    `json:"approved"`
	CurrencyCode     string  `json:"currency_code"`
	ApprovedAt       *string `json:"approved_at"`
	ExternalTotal    *string `json:"external_total"`
	ExternalCurrency *string `json:"external_currency"`
	Link             *string `json:"link"`
	FileAttached     bool    `json:"file_attached"`

	// The ids of the invoice's relationships.
	ChargeIDs       []int64 `json:"-"`
	SubscriptionIDs []int64 `json:"-"`
	PaymentIDs      []int64 `json:"-"`
	CorrectionIDs   []int64 `json:"-"`
	// Included holds the objects asked for with WithInclude (GetInvoice).
	Included []Resource `json:"-"`
}

func (inv *Invoice) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, inv); err != nil {
		return err
	}
	ids := func(name string) ([]int64, error) {
		var out []int64
		for _, x := range res.Relationships[name].Many {
			id, err := parseID(x.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, nil
	}
	var err error
	if inv.ChargeIDs, err = ids("charges"); err != nil {
		return err
	}
	if inv.SubscriptionIDs, err = ids("subscriptions"); err != nil {
		return err
	}
	if inv.PaymentIDs, err = ids("payments"); err != nil {
		return err
	}
	if inv.CorrectionIDs, err = ids("corrections"); err != nil {
		return err
	}
	inv.ID, err = parseID(res.ID)
	return err
}

// GetInvoice returns an invoice of a reseller
// (GET /api/v3/resellers/{reseller_id}/invoices/{invoice_id}).
func (c *Client) GetInvoice(ctx context.Context, resellerID, id int64, opts ...RequestOption) (*Invoice, error) {
	var inv Invoice
	return &inv, c.getOne(ctx, pathf("/api/v3/resellers/%s/invoices/%s", resellerID, id), &inv, &inv.Included, opts...)
}

// ListInvoices lists the invoices of a reseller (GET /api/v3/resellers/{reseller_id}/invoices).
func (c *Client) ListInvoices(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Invoice], error) {
	return list[Invoice](ctx, c, pathf("/api/v3/resellers/%s/invoices", resellerID), o, opts...)
}

// InvoiceRequest is the flat body of an external system's approve, complete or
// revoke of an invoice; empty fields are left out.
type InvoiceRequest struct {
	DocumentID       string `json:"document_id,omitempty"`
	BillingDate      string `json:"billing_date,omitempty"`
	DueDate          string `json:"due_date,omitempty"`
	ExternalTotal    string `json:"external_total,omitempty"`
	ExternalCurrency string `json:"external_currency,omitempty"`
	File             string `json:"file,omitempty"`
	Link             string `json:"link,omitempty"`
	Comment          string `json:"comment,omitempty"`
}

// ApproveInvoice approves an invoice by id with the external system's own
// (POST /api/v3/resellers/{reseller_id}/invoices/{invoice_id}/approve).
func (c *Client) ApproveInvoice(ctx context.Context, resellerID, id int64, in InvoiceRequest, opts ...RequestOption) (*Invoice, error) {
	return c.manageInvoice(ctx, pathf("/api/v3/resellers/%s/invoices/%s/approve", resellerID, id), in, opts...)
}

// CompleteInvoice completes the payment of an approved invoice by id
// (POST /api/v3/resellers/{reseller_id}/invoices/{invoice_id}/complete).
func (c *Client) CompleteInvoice(ctx context.Context, resellerID, id int64, in InvoiceRequest, opts ...RequestOption) (*Invoice, error) {
	return c.manageInvoice(ctx, pathf("/api/v3/resellers/%s/invoices/%s/complete", resellerID, id), in, opts...)
}

// RevokeInvoice revokes the approval of an invoice
// (POST /api/v3/resellers/{reseller_id}/invoices/{invoice_id}/revoke).
func (c *Client) RevokeInvoice(ctx context.Context, resellerID, id int64, in InvoiceRequest, opts ...RequestOption) (*Invoice, error) {
	return c.manageInvoice(ctx, pathf("/api/v3/resellers/%s/invoices/%s/revoke", resellerID, id), in, opts...)
}

// ApproveAccountInvoice approves the account's postpaid invoice of the billing
// period that starts on in.BillingDate
// (POST /api/v3/resellers/{reseller_id}/accounts/{account_id}/approve_invoices).
func (c *Client) ApproveAccountInvoice(ctx context.Context, resellerID, accountID int64, in InvoiceRequest, opts ...RequestOption) (*Invoice, error) {
	return c.manageInvoice(ctx, pathf("/api/v3/resellers/%s/accounts/%s/approve_invoices", resellerID, accountID), in, opts...)
}

// CompleteAccountInvoice completes the account's approved postpaid invoice of the
// billing period that starts on in.BillingDate
// (POST /api/v3/resellers/{reseller_id}/accounts/{account_id}/complete_invoices).
func (c *Client) CompleteAccountInvoice(ctx context.Context, resellerID, accountID int64, in InvoiceRequest, opts ...RequestOption) (*Invoice, error) {
	return c.manageInvoice(ctx, pathf("/api/v3/resellers/%s/accounts/%s/complete_invoices", resellerID, accountID), in, opts...)
}

// manageInvoice posts the flat JSON body in to path and decodes the invoice.
func (c *Client) manageInvoice(ctx context.Context, path string, in InvoiceRequest, opts ...RequestOption) (*Invoice, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var doc oneDocument
	if err := c.sendRaw(ctx, "POST", path, body, "application/json", &doc, opts...); err != nil {
		return nil, err
	}
	var inv Invoice
	return &inv, inv.fromResource(doc.Data)
}
