package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// paymentIncludes are the related objects GET payments/{id} may include: those that
// exist in Cascade of the documented ones (invoices, charges and corrections come
// with billing).
var paymentIncludes = []string{"account", "orders", "payment_method", "reseller"}

// paymentIncluded renders the objects of the kinds asked for that payments refer to,
// each once, read in batches by the service.
func (s *Server) paymentIncluded(c *call, payments []*domain.Payment, includes []string) ([]resource, error) {
	if len(includes) == 0 {
		return nil, nil
	}
	inc, err := s.svc.IncludeForPayments(c.ctx, c.actor, payments, includes)
	if err != nil {
		return nil, err
	}
	var included includedSet
	for _, p := range payments {
		if a := inc.Accounts[p.AccountID]; a != nil {
			included.add(s.toAPIAccount(a))
		}
		if o := inc.Orders[p.OrderID]; o != nil {
			included.add(s.toAPIOrder(o))
		}
		if m := inc.PaymentMethods[p.PaymentMethodID]; m != nil {
			included.add(s.toAPIPaymentMethod(m))
		}
		if r := inc.Resellers[p.ResellerID]; r != nil {
			included.add(s.toAPIReseller(c.actor, r, nil))
		}
	}
	return included.list, nil
}

// topUpInput is the body of POST payments: a top-up of an account's balance.
type topUpInput struct {
	AccountID *flexInt    `json:"account_id"`
	Total     *amountText `json:"total"`
	Comment   *string     `json:"comment"`
	Purpose   *string     `json:"purpose"`
}

func (s *Server) handlePaymentCreate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[topUpInput](c)
	if err != nil {
		return reply{}, err
	}
	top := domain.TopUpInput{AccountID: in.AccountID.ptr(), Total: (*string)(in.Total), Comment: in.Comment,
		Purpose: in.Purpose}
	return answer(c, func(ctx context.Context) (*domain.Payment, error) {
		return s.svc.CreateTopUp(ctx, c.actor, rid, top)
	}, func(p *domain.Payment) reply { return created(s.toAPIPayment(p)) })
}

func (s *Server) handlePaymentCancel(c *call) (reply, error) {
	rid, pid, err := c.paymentPath()
	if err != nil {
		return reply{}, err
	}
	return answer(c, func(ctx context.Context) (*domain.Payment, error) {
		return s.svc.CancelPayment(ctx, c.actor, rid, pid)
	}, func(p *domain.Payment) reply { return one(s.toAPIPayment(p)) })
}

// documentCompletionInput is the body of POST payments/{document_id}.
type documentCompletionInput struct {
	PaymentMethodID       *flexInt    `json:"payment_method_id"`
	Amount                *amountText `json:"amount"`
	CurrencyCode          *string     `json:"currency_code"`
	ExternalTransactionID *string     `json:"external_transaction_id"`
}

// handlePaymentCompleteByDocument completes a payment found by its document number,
// which the path carries where the other payment routes carry the id (one path
// template, as ServeMux and the OpenAPI description need).
func (s *Server) handlePaymentCompleteByDocument(c *call) (reply, error) {
	rid, doc, err := c.paymentPath()
	if err != nil {
		return reply{}, err
	}
	in, err := decodeAttributes[documentCompletionInput](c)
	if err != nil {
		return reply{}, err
	}
	dc := domain.DocumentCompletionInput{PaymentMethodID: in.PaymentMethodID.ptr(), Amount: (*string)(in.Amount),
		CurrencyCode: in.CurrencyCode, ExternalTransactionID: in.ExternalTransactionID}
	return answer(c, func(ctx context.Context) (*domain.Payment, error) {
		return s.svc.CompletePaymentByDocument(ctx, c.actor, rid, doc, dc)
	}, func(p *domain.Payment) reply { return one(s.toAPIPayment(p)) })
}
