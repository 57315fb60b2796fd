package service

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// The scheduler's own orders (docs/lifecycle.md, "Time: what the scheduler does"):
// the automatic renewal of an auto-renewing subscription, AutoRenewPoint days before
// its expiration date, and the prolong order of a subscription paid month by month,
// AutoRenewPoint days before its paid-to date. Both are made through the path of a
// manager's order (draftSubscriptionOrder, placeOrder), created by "System", and
// once per subscription and date: the subscription's due day is cleared when the
// order is made (store.MarkAutomaticOrder), and a unique index on the orders stands
// behind it.

// systemActor is who the scheduler's orders are made by: no manager.
var systemActor = domain.Actor{}

// autoRenew makes the automatic renewal order of subscription id when it is due.
func (s *Service) autoRenew(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	return s.automaticOrder(ctx, tx, b, id, domain.RenewalOrder)
}

// autoProlong makes the prolong order of subscription id's next month when it is due.
func (s *Service) autoProlong(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	return s.automaticOrder(ctx, tx, b, id, domain.ProlongOrder)
}

// automaticOrder makes the scheduler's order of kind (renewal or prolong) for
// subscription id when it is due. The rows are locked as a stop locks them: the
// subscription's waiting order first (a renewal cancels a pending change, switch or
// prolong order still waiting for its payment: supersede), then the subscription.
// An order of the same kind in flight (a manager's, say) is the one of this date:
// none is made. Any other order in flight keeps the subscription due; a later run
// makes the order once it has ended.
func (s *Service) automaticOrder(ctx context.Context, tx *store.Conn, b *passBatch, id int64, kind domain.OrderKind) (bool, error) {
	waiting, err := lockWaitingOrder(ctx, tx, id, nil)
	if err != nil {
		return false, err
	}
	sub, err := tx.FindSubscriptionForUpdate(ctx, 0, id)
	if err != nil {
		return false, err
	}
	if waiting, err = lockWaitingOrder(ctx, tx, id, waiting); err != nil {
		return false, err
	}
	days, err := tx.FindAutomaticDays(ctx, id)
	if err != nil {
		return false, err
	}
	date, due := automaticDue(sub, days, kind, b.today)
	if !due {
		return false, nil
	}
	flying, err := tx.FindInFlightOrder(ctx, id)
	switch {
	case domain.CodeOf(err) == domain.ErrNotFound:
	case err != nil:
		return false, err
	case flying.Kind == kind:
		return true, tx.MarkAutomaticOrder(ctx, sub, kind, date, nil)
	case kind == domain.RenewalOrder && flying.Kind.SupersededByRenewal() && waiting != nil &&
		waiting.ID == flying.ID && waiting.Status == domain.OrderStatusWaitingForPayment:
		if err := s.closeUnprovisioned(ctx, tx, waiting, domain.OrderEventSupersede, b.now); err != nil {
			return false, err
		}
	default:
		return false, nil
	}
	o, err := s.placeAutomatic(ctx, tx, b, sub, kind)
	if err != nil {
		return false, err
	}
	return true, tx.MarkAutomaticOrder(ctx, sub, kind, date, o)
}

// automaticDue reports whether the scheduler's order of kind is due for sub (read
// for update, with its automatic days) today, and the date it is made for: the
// expiration date of a renewal, the paid-to date of a prolong.
func automaticDue(sub *domain.Subscription, days store.AutomaticDays, kind domain.OrderKind, today domain.Date) (domain.Date, bool) {
	due, date, live := days.Renewal, sub.ExpirationDate, sub.Status == domain.SubscriptionStatusActive ||
		sub.Status == domain.SubscriptionStatusGraced
	if kind == domain.ProlongOrder {
		due, date, live = days.Prolong, sub.PaidTo, sub.Status == domain.SubscriptionStatusActive
	}
	return date, live && !due.IsZero() && !due.After(today)
}

// placeAutomatic makes the scheduler's order of kind for sub (read for update, with
// no order in flight left) at b's instant (draftAutomatic) and places it.
func (s *Service) placeAutomatic(ctx context.Context, tx *store.Conn, b *passBatch, sub *domain.Subscription,
	kind domain.OrderKind) (*domain.Order, error) {
	basis, err := s.basisOf(ctx, tx, sub, kind, b.today)
	if err != nil {
		return nil, automaticRefusal(err, sub, kind)
	}
	o, err := s.draftAutomatic(ctx, tx, b, basis, kind)
	if err != nil {
		return nil, err
	}
	if err := s.placeOrder(ctx, tx, systemActor, o, basis.sub, basis.rules, b.now); err != nil {
		return nil, err
	}
	return o, nil
}

// automaticRefusal turns a request the domain finds invalid (the subscription as it
// is cannot be renewed: its period or a resource left the plan) into a refusal,
// logged, that leaves it to lapse; never the pass's end. Other errors pass through.
func automaticRefusal(err error, sub *domain.Subscription, kind domain.OrderKind) error {
	if domain.CodeOf(err) == domain.ErrInvalid {
		return fmt.Errorf("%w: %s of subscription %d: %v", domain.Forbidden(), kind, sub.ID, err)
	}
	return err
}

// draftAutomatic drafts the scheduler's order of kind on basis at b's instant: the
// current period and quantities at the plan's current prices (a renewal) or the
// locked ones (a prolong). A renewal is provisioned on the expiration date (its
// provisioning date while that is ahead), and may be paid until the grace that
// follows an unpaid renewal ends (Subscription.AutoRenewalExpiration).
func (s *Service) draftAutomatic(ctx context.Context, tx *store.Conn, b *passBatch, basis orderBasis,
	kind domain.OrderKind) (*domain.Order, error) {
	sub := basis.sub
	req := domain.SubscriptionOrderRequest{Kind: kind, SubscriptionID: sub.ID}
	if kind == domain.RenewalOrder {
		req.PlanPeriodID = sub.PlanPeriodID
		for _, r := range sub.Resources {
			req.Resources = append(req.Resources, domain.ResourceOrder{PlanResourceID: r.PlanResourceID, Quantity: r.Quantity()})
		}
	}
	o, err := s.draftOn(ctx, tx, systemActor, sub.ResellerID, basis, req, OrderSource{}, b.now)
	if err != nil {
		return nil, automaticRefusal(err, sub, kind)
	}
	if kind == domain.RenewalOrder {
		if sub.ExpirationDate.After(b.today) {
			o.ProvisioningDate = sub.ExpirationDate
		}
		o.ExpirationDate = sub.AutoRenewalExpiration(o.ExpirationDate, basis.terms)
	}
	return o, nil
}
