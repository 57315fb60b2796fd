package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// draftChange checks and prices a change order: the subscription resources it lists
// take new additional quantities (ChangeQuantities: in the plan's range, different
// from the current ones, decreases only where the billing type allows them), priced
// at the subscription's locked prices by the service term's proration rule over the
// paid term. A decrease that is refunded makes the total negative: no payment is
// made for it, and the order records the amount (crediting the account's balance
// comes with the ledger).
func draftChange(_ *Service, _ context.Context, _ *store.Conn, _ domain.Actor, _ int64,
	b orderBasis, req domain.SubscriptionOrderRequest) (orderDraft, error) {
	if len(req.Changes) == 0 {
		return orderDraft{}, domain.FieldError(domain.PtrOrderResources, domain.MsgResourceUnchanged)
	}
	t, err := b.lockedTariff()
	if err != nil {
		return orderDraft{}, err
	}
	ordered := b.sub.ChangeOrders(req.Changes)
	q, err := domain.ChangeQuantities(t, b.current, ordered)
	if err != nil {
		return orderDraft{}, err
	}
	term, err := b.paidTerm()
	if err != nil {
		return orderDraft{}, err
	}
	quote, err := domain.QuoteChange(domain.Change{Tariff: t, From: b.current, To: q, Term: term, Today: b.today,
		Rule: b.terms.Proration})
	if err != nil {
		return orderDraft{}, err
	}
	d := orderDraft{quote: quote}
	for i, c := range req.Changes {
		d.lines = append(d.lines, domain.OrderLine{PlanResourceID: ordered[i].PlanResourceID,
			SubscriptionResourceID: c.SubscriptionResourceID, Quantity: c.Additional})
	}
	return d, nil
}
