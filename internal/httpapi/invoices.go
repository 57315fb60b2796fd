package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// invoiceList is what the invoices list accepts: the documented filters and sorts
// by the fields that have an index.
var invoiceList = listSpec{
	filters: map[string]filterSpec{
		"created_at":    {kind: kindTime},
		"updated_at":    {kind: kindTime},
		"status":        {kind: kindEnum, values: enumValues(domain.InvoiceStatuses)},
		"account_id":    {kind: kindInt},
		"from_date":     {kind: kindDays},
		"to_date":       {kind: kindDays},
		"payment_model": {kind: kindEnum, values: enumValues(domain.PaymentModels)},
	},
	sorts: []string{"id", "created_at", "updated_at", "from_date", "to_date"},
	// taxes is documented, but Cascade keeps no taxes: asked for, it includes nothing.
	includes: []string{"payments", "charges", "subscriptions", "corrections", "taxes"},
}

// invoiceAttributes are the attributes of an invoice resource: the documented ones,
// then Cascade's (the currency, and the details of an ERP's approval).
type invoiceAttributes struct {
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
}

// toAPIInvoice renders an invoice with its relationships: its charges, their
// subscriptions, its payment and its corrections.
func (s *Server) toAPIInvoice(v *service.InvoiceView) resource {
	a := &invoiceAttributes{CreatedAt: s.formatTime(v.CreatedAt), UpdatedAt: s.formatTime(v.UpdatedAt),
		DocumentID: v.DocumentID, Status: string(v.Status), Total: v.Total.String(), AccountID: v.AccountID,
		FromDate: v.FromDate.String(), ToDate: v.ToDate.String(), PaymentModel: string(v.PaymentModel),
		Approved: v.Approved(), CurrencyCode: v.Currency, ExternalCurrency: nullableString(v.ExternalCurrency),
		Link: nullableString(v.Link), FileAttached: v.HasFile}
	if v.Approved() {
		t := s.formatTime(v.ApprovedAt)
		a.ApprovedAt = &t
	}
	if v.ExternalTotal != nil {
		t := v.ExternalTotal.String()
		a.ExternalTotal = &t
	}
	idents := func(typ string, ids []int64) []identifier {
		out := make([]identifier, len(ids))
		for i, x := range ids {
			out[i] = identifier{Type: typ, ID: id(x)}
		}
		return out
	}
	payments := []identifier{}
	if v.PaymentID != 0 {
		payments = append(payments, identifier{Type: "payments", ID: id(v.PaymentID)})
	}
	rel := map[string]relationship{
		"subscriptions": {Data: idents("subscriptions", v.Links.SubscriptionIDs)},
		"payments":      {Data: payments},
		"charges":       {Data: idents("charges", v.Links.ChargeIDs)},
		"corrections":   {Data: idents("corrections", v.Links.CorrectionIDs)},
	}
	return resource{ID: id(v.ID), Type: "invoices", Attributes: a, Relationships: rel}
}

// invoiceDocument renders invoices and, when asked, the objects their relationships
// name: payments, charges, subscriptions and corrections.
func (s *Server) invoiceDocument(c *call, invoices []*service.InvoiceView, includes []string) ([]resource, []resource, error) {
	data := make([]resource, len(invoices))
	for i, v := range invoices {
		data[i] = s.toAPIInvoice(v)
	}
	if len(includes) == 0 {
		return data, nil, nil
	}
	inc, err := s.svc.IncludeForInvoices(c.ctx, c.actor, invoices, includes)
	if err != nil {
		return nil, nil, err
	}
	var included includedSet
	for _, v := range invoices {
		if p := inc.Payments[v.PaymentID]; p != nil {
			included.add(s.toAPIPayment(p))
		}
		for _, cid := range v.Links.ChargeIDs {
			if ch := inc.Charges[cid]; ch != nil {
				included.add(s.toAPICharge(ch))
			}
		}
		for _, sid := range v.Links.SubscriptionIDs {
			if sub := inc.Subscriptions[sid]; sub != nil {
				included.add(s.toAPISubscription(sub))
			}
		}
		for _, kid := range v.Links.CorrectionIDs {
			if k := inc.Corrections[kid]; k != nil {
				included.add(s.toAPICorrection(k))
			}
		}
	}
	return data, included.list, nil
}

func (s *Server) invoicePage(c *call, invoices []*service.InvoiceView, info domain.PageInfo, p listParams) (reply, error) {
	data, included, err := s.invoiceDocument(c, invoices, p.includes)
	if err != nil {
		return reply{}, err
	}
	return s.page(c, data, included, info, p), nil
}

func (s *Server) handleInvoiceGet(c *call) (reply, error) {
	includes, err := parseInclude(c.r.URL.Query(), invoiceList.includes)
	if err != nil {
		return reply{}, err
	}
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	iid, err := c.pathID("invoice_id")
	if err != nil {
		return reply{}, err
	}
	v, err := s.svc.FindInvoiceByID(c.ctx, c.actor, rid, iid)
	if err != nil {
		return reply{}, err
	}
	data, included, err := s.invoiceDocument(c, []*service.InvoiceView{v}, includes)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: document{Data: data[0], Included: included}}, nil
}

// invoiceRequestBody is the flat body of an ERP's approve, complete or revoke.
type invoiceRequestBody struct {
	DocumentID       *string     `json:"document_id"`
	BillingDate      *string     `json:"billing_date"`
	DueDate          *string     `json:"due_date"`
	ExternalTotal    *amountText `json:"external_total"`
	ExternalCurrency *string     `json:"external_currency"`
	File             *string     `json:"file"`
	Link             *string     `json:"link"`
	Comment          *string     `json:"comment"`
}

// handleInvoiceManage is an ERP's op on the invoice the path names by id.
func (s *Server) handleInvoiceManage(op domain.InvoiceOp) handlerFunc {
	return func(c *call) (reply, error) {
		rid, err := c.pathID("reseller_id")
		if err != nil {
			return reply{}, err
		}
		iid, err := c.pathID("invoice_id")
		if err != nil {
			return reply{}, err
		}
		return s.manageInvoice(c, rid, service.InvoiceTarget{InvoiceID: iid}, op)
	}
}

// handleAccountInvoiceManage is an ERP's op on the postpaid invoice of the account
// the path names, for the billing period the body's billing_date starts.
func (s *Server) handleAccountInvoiceManage(op domain.InvoiceOp) handlerFunc {
	return func(c *call) (reply, error) {
		rid, err := c.pathID("reseller_id")
		if err != nil {
			return reply{}, err
		}
		aid, err := c.pathID("account_id")
		if err != nil {
			return reply{}, err
		}
		return s.manageInvoice(c, rid, service.InvoiceTarget{AccountID: aid}, op)
	}
}

// manageInvoice decodes the flat body of an ERP's op on target and answers the
// invoice.
func (s *Server) manageInvoice(c *call, rid int64, target service.InvoiceTarget, op domain.InvoiceOp) (reply, error) {
	var b invoiceRequestBody
	if err := decodeJSON(c.body, &b); err != nil {
		return reply{}, err
	}
	in := domain.InvoiceRequest{DocumentID: b.DocumentID, BillingDate: b.BillingDate, DueDate: b.DueDate,
		ExternalTotal: (*string)(b.ExternalTotal), ExternalCurrency: b.ExternalCurrency, File: b.File, Link: b.Link,
		Comment: b.Comment}
	return answer(c, func(ctx context.Context) (*service.InvoiceView, error) {
		return s.svc.ManageInvoice(ctx, c.actor, rid, target, op, in)
	}, func(v *service.InvoiceView) reply { return one(s.toAPIInvoice(v)) })
}
