package httpapi

import (
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// paymentList is what the payments list accepts: the documented time filters, the
// status and account filters, and sorts by the fields that have an index.
var paymentList = listSpec{
	filters: map[string]filterSpec{
		"created_at":  {kind: kindTime},
		"updated_at":  {kind: kindTime},
		"closed_at":   {kind: kindTime},
		"status":      {kind: kindEnum, values: enumValues(domain.PaymentStatuses)},
		"account_id":  {kind: kindInt},
		"reseller_id": {kind: kindInt},
	},
	sorts: []string{"id", "created_at", "updated_at", "closed_at", "total"},
}

// paymentAttributes are the attributes of a payment resource, as documented.
type paymentAttributes struct {
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
	ExternalTotal         *string `json:"external_total"`
	ExternalCurrency      *string `json:"external_currency"`
	DueDate               *string `json:"due_date"`
	PaymentMethodName     *string `json:"payment_method_name"`
	ClosedAt              *string `json:"closed_at"`
	// ExternalTransactionID is Cascade's addition: the id an external system gave the
	// transaction that paid the payment (completion by document number).
	ExternalTransactionID *string `json:"external_transaction_id"`
}

// toAPIPayment renders a payment with its relationships: the order it pays (as a
// sales order, the documented type, or its own kind), the reseller, the account and
// the payment method (null before it is completed).
func (s *Server) toAPIPayment(p *domain.Payment) resource {
	a := &paymentAttributes{CreatedAt: s.formatTime(p.CreatedAt), UpdatedAt: s.formatTime(p.UpdatedAt),
		AccountID: p.AccountID, DiscountAmount: p.DiscountAmount.String(), Total: p.Total.String(),
		InitialTotal: p.InitialTotal.String(), CurrencyCode: p.Currency, Comment: p.Comment, Status: string(p.Status),
		DocumentID: p.DocumentID, ExpirationDate: optionalDate(p.ExpirationDate),
		PaymentMethodID: nullableInt(p.PaymentMethodID), RequesterIP: nullableString(p.RequesterIP),
		ManagerID: nullableInt(p.ManagerID), Purpose: p.Description, ExternalCurrency: nullableString(p.ExternalCurrency),
		DueDate: optionalDate(p.DueDate), PaymentMethodName: nullableString(p.PaymentMethodName),
		ExternalTransactionID: nullableString(p.ExternalTransactionID)}
	if p.AmountPaidFromBalance != 0 {
		v := p.AmountPaidFromBalance.String()
		a.AmountPaidFromBalance = &v
	}
	if p.ExternalTotal != nil {
		v := p.ExternalTotal.String()
		a.ExternalTotal = &v
	}
	if !p.ClosedAt.IsZero() {
		t := s.formatTime(p.ClosedAt)
		a.ClosedAt = &t
	}
	rel := map[string]relationship{
		"reseller":       {Data: &identifier{Type: "resellers", ID: id(p.ResellerID)}},
		"account":        {Data: &identifier{Type: "accounts", ID: id(p.AccountID)}},
		"payment_method": {},
	}
	orders := []identifier{}
	if p.OrderID != 0 {
		orders = append(orders, identifier{Type: p.OrderKind.JSONAPIType(), ID: id(p.OrderID)})
	}
	rel["orders"] = relationship{Data: orders}
	if p.PaymentMethodID != 0 {
		rel["payment_method"] = relationship{Data: &identifier{Type: "payment_methods", ID: id(p.PaymentMethodID)}}
	}
	return resource{ID: id(p.ID), Type: "payments", Attributes: a, Relationships: rel}
}

func (s *Server) handlePaymentGet(c *call) (reply, error) {
	includes, err := parseInclude(c.r.URL.Query(), paymentIncludes)
	if err != nil {
		return reply{}, err
	}
	rid, pid, err := c.paymentPath()
	if err != nil {
		return reply{}, err
	}
	p, err := s.svc.FindPaymentByID(c.ctx, c.actor, rid, pid)
	if err != nil {
		return reply{}, err
	}
	included, err := s.paymentIncluded(c, []*domain.Payment{p}, includes)
	if err != nil {
		return reply{}, err
	}
	return reply{doc: document{Data: s.toAPIPayment(p), Included: included}}, nil
}

// paymentCompletionInput is the body of PATCH payments/{id}.
type paymentCompletionInput struct {
	PaymentMethodID *flexInt `json:"payment_method_id"`
	Status          *string  `json:"status"`
}

func (s *Server) handlePaymentComplete(c *call) (reply, error) {
	rid, pid, err := c.paymentPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[paymentCompletionInput](c)
	if err != nil {
		return reply{}, err
	}
	p, err := s.svc.CompletePayment(c.ctx, c.actor, rid, pid,
		service.PaymentCompletion{PaymentMethodID: in.PaymentMethodID.ptr(), Status: in.Status})
	if err != nil {
		return reply{}, err
	}
	return one(s.toAPIPayment(p)), nil
}

// paymentPath reads reseller_id and payment_id from the path.
func (c *call) paymentPath() (int64, int64, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return 0, 0, err
	}
	pid, err := c.pathID("payment_id")
	return rid, pid, err
}
