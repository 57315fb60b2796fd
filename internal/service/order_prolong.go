package service

import (
	"context"
	"maps"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// draftProlong checks and prices a prolong order: the next month at the
// subscription's locked prices, with the quantities it lists changed for that month
// (ProlongQuantities). One that changes quantities before the paid-to date waits for
// it (ProlongProvisioningDate); otherwise it is provisioned as soon as it is accepted.
func draftProlong(_ *Service, _ context.Context, _ *store.Conn, _ domain.Actor, _ int64,
	b orderBasis, req domain.SubscriptionOrderRequest) (orderDraft, error) {
	t, err := b.lockedTariff()
	if err != nil {
		return orderDraft{}, err
	}
	q, err := domain.ProlongQuantities(t, b.current, req.Resources)
	if err != nil {
		return orderDraft{}, err
	}
	quote, err := domain.QuoteProlong(t, b.current, q)
	if err != nil {
		return orderDraft{}, err
	}
	changes := !maps.Equal(q, b.current)
	return orderDraft{quote: quote, lines: domain.Lines(req.Resources),
		provisioningDate: b.sub.ProlongProvisioningDate(changes, b.today)}, nil
}
