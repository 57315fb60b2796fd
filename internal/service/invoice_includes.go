package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// InvoiceIncludes are the objects invoices refer to, read for include=, each kind
// by id in one query for the whole page: the invoices' payments, the charges they
// gather, those charges' subscriptions and the corrections they carry.
type InvoiceIncludes struct {
	Payments      map[int64]*domain.Payment
	Charges       map[int64]*domain.Charge
	Subscriptions map[int64]*SubscriptionView
	Corrections   map[int64]*domain.Correction
}

// IncludeForInvoices reads what invoices refer to, of the kinds named (payments,
// charges, subscriptions, corrections). An invoice and what it gathers are read
// with the payments' read permission, like the invoice itself. Errors: forbidden.
func (s *Service) IncludeForInvoices(ctx context.Context, a domain.Actor, invoices []*InvoiceView, kinds []string) (InvoiceIncludes, error) {
	out := InvoiceIncludes{}
	if err := authorize(a, domain.ActionPaymentRead); err != nil {
		return out, err
	}
	var payIDs, chargeIDs, subIDs, corrIDs []int64
	for _, inv := range invoices {
		if inv.PaymentID != 0 {
			payIDs = append(payIDs, inv.PaymentID)
		}
		chargeIDs = append(chargeIDs, inv.Links.ChargeIDs...)
		subIDs = append(subIDs, inv.Links.SubscriptionIDs...)
		corrIDs = append(corrIDs, inv.Links.CorrectionIDs...)
	}
	c := s.db.Reader()
	for _, k := range kinds {
		var err error
		switch k {
		case "payments":
			out.Payments, err = readByIDs(ctx, payIDs, c.FindPaymentsByIDs, func(p *domain.Payment) int64 { return p.ID })
		case "charges":
			out.Charges, err = readByIDs(ctx, chargeIDs, c.FindChargesByIDs, func(ch *domain.Charge) int64 { return ch.ID })
		case "corrections":
			out.Corrections, err = readByIDs(ctx, corrIDs, c.FindCorrectionsByIDs, func(k *domain.Correction) int64 { return k.ID })
		case "subscriptions":
			out.Subscriptions, err = s.includedSubscriptions(ctx, c, subIDs)
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// readByIDs reads the distinct ids with find, keyed by id; no query when there are
// none.
func readByIDs[T any](ctx context.Context, ids []int64, find func(context.Context, []int64) ([]T, error),
	key func(T) int64) (map[int64]T, error) {
	if len(ids) == 0 {
		return map[int64]T{}, nil
	}
	list, err := find(ctx, distinct(ids))
	if err != nil {
		return nil, err
	}
	return byID(list, key), nil
}

// includedSubscriptions reads the subscriptions with ids as the API shows them.
func (s *Service) includedSubscriptions(ctx context.Context, c *store.Conn, ids []int64) (map[int64]*SubscriptionView, error) {
	if len(ids) == 0 {
		return map[int64]*SubscriptionView{}, nil
	}
	subs, err := c.FindSubscriptionsByIDs(ctx, distinct(ids))
	if err != nil {
		return nil, err
	}
	views, err := s.subscriptionViews(ctx, c, subs)
	if err != nil {
		return nil, err
	}
	return byID(views, func(v *SubscriptionView) int64 { return v.ID }), nil
}
