package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// draftSwitch checks and prices a switch order: the target must be an active plan
// the current plan declares a switch to, of the switch type asked for
// (Subscription.CheckSwitch); its period and quantities are checked like a sales
// order's, and the price is QuoteSwitch's: the target's fees by the proration rule,
// less the unused part of the locked prices. A delayed switch waits for the
// expiration date, and charges no recurring fee now (the renewal on that date does).
func draftSwitch(s *Service, ctx context.Context, tx *store.Conn, a domain.Actor, resellerID int64,
	b orderBasis, req domain.SubscriptionOrderRequest) (orderDraft, error) {
	refused := domain.FieldError(domain.PtrOrderPlan, domain.MsgSwitchTargetRefused)
	target, err := s.planOf(ctx, tx, a, resellerID, req.PlanID)
	if domain.CodeOf(err) == domain.ErrNotFound {
		return orderDraft{}, refused
	} else if err != nil {
		return orderDraft{}, err
	}
	date, err := b.sub.CheckSwitch(target, b.switches, req.SwitchType, b.rules, b.today)
	if err != nil {
		return orderDraft{}, err
	}
	to, err := domain.SwitchTariff(*target, req.PlanPeriodID)
	if err != nil {
		return orderDraft{}, err
	}
	q, err := domain.SwitchQuantities(to, req.Resources)
	if err != nil {
		return orderDraft{}, err
	}
	from, err := b.lockedTariff()
	if err != nil {
		return orderDraft{}, err
	}
	term, err := b.paidTerm()
	if err != nil {
		return orderDraft{}, err
	}
	rule := b.terms.Proration
	if req.SwitchType == domain.SwitchDelayed {
		rule = domain.ProrateNextPeriod
	}
	quote, err := domain.QuoteSwitch(domain.Switch{From: from, FromQ: b.current, To: to, ToQ: q, Term: term,
		Today: b.today, Rule: rule})
	if err != nil {
		return orderDraft{}, err
	}
	return orderDraft{planID: target.ID, periodID: to.Period.ID, switchType: req.SwitchType, provisioningDate: date,
		quote: quote, lines: domain.Lines(req.Resources)}, nil
}
