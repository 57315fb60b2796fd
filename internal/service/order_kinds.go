package service

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Orders on an existing subscription: change, switch, renewal and prolong orders.
// They share one path (CreateSubscriptionOrder): the subscription is locked, a
// second order in flight is refused, the subscription's ability gates the kind, the
// kind's draft checks and prices the request, and placeOrder writes the order like a
// sales order's. The vendor's confirmation applies the order to the subscription
// (completeOrder, called by the provisioning job).

// CreateSubscriptionOrder places an order of kind in.Kind (change, switch, renewal or
// prolong) on a subscription of the reseller. The subscription's row is locked first,
// so concurrent orders of one subscription are checked one after another: while one
// is in flight every other is refused with 422 order_in_progress naming it, and the
// unique index on orders in flight stands behind that check. A kind the
// subscription's ability does not allow now is 403 This action is forbidden. A
// product that asks its vendor to validate resources has the order shown to the
// vendor first (order_validation.go).
// Errors: forbidden, not_found (reseller), invalid (also the vendor's refusal),
// unavailable (the vendor did not answer), conflict.
func (s *Service) CreateSubscriptionOrder(ctx context.Context, a domain.Actor, resellerID int64,
	in domain.SubscriptionOrderInput, src OrderSource) (*domain.Order, error) {
	if err := authorize(a, domain.ActionOrderCreate); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	req, err := in.Validate()
	if err != nil {
		return nil, err
	}
	o, err := s.placeSubscriptionOrder(ctx, a, resellerID, req, src)
	if err != nil {
		return nil, wrap(err, "create %s", req)
	}
	return o, nil
}

// orderBasis is a subscription an order is made on, read for update, with what the
// order is checked and priced against.
type orderBasis struct {
	sub      *domain.Subscription
	plan     *domain.Plan
	rules    domain.BillingRules
	terms    domain.TermSettings
	switches []domain.PlanSwitch // the plan's switches to active plans
	current  domain.Quantities
	today    domain.Date
	account  *domain.Account // the subscription's, read without a lock (its credit limit)
}

// lockedTariff is the subscription's plan and period at its locked prices: what
// change and prolong orders are priced by, and what a switch leaves.
func (b orderBasis) lockedTariff() (domain.Tariff, error) {
	t, err := domain.SalesTariff(*b.plan, b.sub.PlanPeriodID)
	if err != nil {
		return t, err
	}
	return t.WithPrices(b.sub.Prices), nil
}

// paidTerm is the term a change or switch made today is prorated over.
func (b orderBasis) paidTerm() (domain.Term, error) {
	t, err := domain.SalesTariff(*b.plan, b.sub.PlanPeriodID)
	if err != nil {
		return domain.Term{}, err
	}
	return b.sub.PaidTerm(t.Period, b.rules, b.today)
}

// orderDraft is what a kind makes of its request: the plan and period ordered (a
// switch's or a renewal's), the switch type, the provisioning date of a delayed
// order, the price and the lines to keep.
type orderDraft struct {
	planID, periodID int64
	switchType       domain.SwitchType
	provisioningDate domain.Date
	quote            domain.Quote
	lines            []domain.OrderLine
}

// orderDrafter checks and prices one kind's request against b.
type orderDrafter func(s *Service, ctx context.Context, tx *store.Conn, a domain.Actor, resellerID int64,
	b orderBasis, req domain.SubscriptionOrderRequest) (orderDraft, error)

// orderDrafters are the kinds of order on an existing subscription.
var orderDrafters = map[domain.OrderKind]orderDrafter{
	domain.ChangeOrder:  draftChange,
	domain.SwitchOrder:  draftSwitch,
	domain.RenewalOrder: draftRenewal,
	domain.ProlongOrder: draftProlong,
}

// draftSubscriptionOrder checks and prices req at now and returns the order to
// place (placeOrder) with what it was checked against; nothing is written.
func (s *Service) draftSubscriptionOrder(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID int64,
	req domain.SubscriptionOrderRequest, src OrderSource, now time.Time) (*domain.Order, orderBasis, error) {
	b, err := s.orderBasis(ctx, tx, resellerID, req.SubscriptionID, req.Kind, s.today(now))
	if err != nil {
		return nil, b, err
	}
	o, err := s.draftOn(ctx, tx, a, resellerID, b, req, src, now)
	return o, b, err
}

// draftOn checks and prices req on b, the basis orderBasis gave, at now, and returns
// the order to place; nothing is written.
func (s *Service) draftOn(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID int64, b orderBasis,
	req domain.SubscriptionOrderRequest, src OrderSource, now time.Time) (*domain.Order, error) {
	d, err := orderDrafters[req.Kind](s, ctx, tx, a, resellerID, b, req)
	if err != nil {
		return nil, err
	}
	if d.quote, err = s.convertQuote(ctx, tx, resellerID, d.quote, now); err != nil {
		return nil, err
	}
	ts := domain.Timestamps{CreatedAt: now, UpdatedAt: now}
	o := &domain.Order{ResellerID: resellerID, AccountID: b.sub.AccountID, SubscriptionID: b.sub.ID, Kind: req.Kind,
		PaymentModel: b.sub.PaymentModel, Total: d.quote.Total, Currency: d.quote.Currency,
		PlanCurrency: d.quote.PlanCurrency, CurrencyRate: d.quote.Rate, ManagerID: a.ManagerID,
		RequesterIP: src.RequesterIP, PromoCode: req.PromoCode,
		ExpirationDate: domain.OrderExpirationDate(now, s.opts.Location, b.terms), ProvisioningDate: d.provisioningDate,
		PlanID: d.planID, PlanPeriodID: d.periodID, SwitchType: d.switchType, Lines: d.lines,
		QuoteLines: d.quote.Lines, Timestamps: ts}
	return o, nil
}

// orderBasis locks subscription id of the reseller and loads what an order of kind
// on it is checked against. A subscription with an order in flight refuses another
// (422 order_in_progress naming it); one whose ability does not allow kind now is
// forbidden.
func (s *Service) orderBasis(ctx context.Context, tx *store.Conn, resellerID, id int64, kind domain.OrderKind,
	today domain.Date) (orderBasis, error) {
	var (
		b   = orderBasis{today: today}
		err error
	)
	b.sub, err = tx.FindSubscriptionForUpdate(ctx, resellerID, id)
	if domain.CodeOf(err) == domain.ErrNotFound {
		return b, domain.FieldError(domain.PtrOrderSubscription, domain.MsgSubscriptionNotFound)
	} else if err != nil {
		return b, err
	}
	flying, err := tx.FindInFlightOrder(ctx, b.sub.ID)
	switch {
	case err == nil:
		return b, domain.Errorf(domain.ErrInvalid, domain.MsgOrderInProgress, flying.DocumentID)
	case domain.CodeOf(err) != domain.ErrNotFound:
		return b, err
	}
	return s.basisOf(ctx, tx, b.sub, kind, today)
}

// basisOf loads what an order of kind on sub, read for update and without an order
// in flight, is checked against, and asks sub's ability whether kind is allowed now.
func (s *Service) basisOf(ctx context.Context, tx *store.Conn, sub *domain.Subscription, kind domain.OrderKind,
	today domain.Date) (orderBasis, error) {
	var (
		b   = orderBasis{sub: sub, today: today}
		err error
	)
	if b.plan, err = s.planByID(ctx, tx, b.sub.PlanID); err != nil {
		return b, err
	}
	if b.terms, err = tx.PlanTermSettings(ctx, b.plan); err != nil {
		return b, err
	}
	if b.switches, err = tx.FindSwitchTargets(ctx, b.plan.ID); err != nil {
		return b, err
	}
	accs, err := tx.FindAccountsByIDs(ctx, []int64{b.sub.AccountID})
	if err != nil {
		return b, err
	}
	acc := &domain.Account{}
	if len(accs) == 1 {
		acc = accs[0]
	}
	b.account = acc
	return b, b.check(acc, kind)
}

// check completes b, whose subscription (without an order in flight), plan, terms
// and switches are read, for an order of kind by the subscription's account acc,
// and asks the subscription's ability whether kind is allowed now.
func (b *orderBasis) check(acc *domain.Account, kind domain.OrderKind) error {
	b.rules, b.current = b.plan.BillingType.Rules(), b.sub.Quantities()
	in := abilityInput(b.sub, b.plan, b.terms, acc.Status == domain.AccountStatusCreditHold, domain.PendingOrder{},
		len(b.switches) > 0, b.today)
	return domain.SubscriptionAbility(in).Check(kind.Ability())
}

// completeOrder applies o, a change, switch, renewal or prolong order the vendor has
// confirmed, to sub (read for update, on plan) and writes it: the tariff it moves to
// is the locked one for a change or prolong, the renewed period at the plan's current
// prices for a renewal, and the target plan's for a switch, whose resources of the
// plan left are dropped.
func (s *Service) completeOrder(ctx context.Context, tx *store.Conn, o *domain.Order, sub *domain.Subscription,
	plan *domain.Plan, now time.Time) error {
	c := domain.Completion{Order: o, Plan: plan, Today: s.today(now)}
	var err error
	switch o.Kind {
	case domain.RenewalOrder:
		c.Tariff, err = domain.RenewalTariff(*plan, o.PlanPeriodID)
	case domain.SwitchOrder:
		if c.Plan, err = s.planByID(ctx, tx, o.PlanID); err == nil {
			c.Tariff, err = domain.SwitchTariff(*c.Plan, o.PlanPeriodID)
		}
	default:
		c.Tariff, err = orderBasis{sub: sub, plan: plan}.lockedTariff()
	}
	if err != nil {
		return fmt.Errorf("complete order %d: %w", o.ID, err)
	}
	sub.ApplyOrder(c)
	sub.UpdatedAt = now
	if err := tx.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	if o.Kind == domain.SwitchOrder {
		return tx.DropOtherSubscriptionResources(ctx, sub)
	}
	return nil
}
