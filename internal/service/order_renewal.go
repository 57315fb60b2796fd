package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// draftRenewal checks and prices a renewal order: a paid period of the plan that
// ends (RenewalTariff), at the plan's current prices, which the renewal locks; the
// quantities by RenewalQuantities (repeated as they are where the billing type does
// not let a renewal change them). A billing type that renews late waits for the
// expiration date (RenewalProvisioningDate).
func draftRenewal(_ *Service, _ context.Context, _ *store.Conn, _ domain.Actor, _ int64,
	b orderBasis, req domain.SubscriptionOrderRequest) (orderDraft, error) {
	t, err := domain.RenewalTariff(*b.plan, req.PlanPeriodID)
	if err != nil {
		return orderDraft{}, err
	}
	q, err := domain.RenewalQuantities(t, b.current, req.Resources)
	if err != nil {
		return orderDraft{}, err
	}
	quote, err := domain.QuoteRenewal(t, b.current, q)
	if err != nil {
		return orderDraft{}, err
	}
	return orderDraft{planID: b.plan.ID, periodID: t.Period.ID, quote: quote, lines: domain.Lines(req.Resources),
		provisioningDate: b.sub.RenewalProvisioningDate(b.rules, b.today)}, nil
}
