package service

import (
	"context"
	"encoding/json"
	"errors"
	"maps"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

// Resource validation (docs/vendor-protocol.md, Resource Validation): an order on an
// existing subscription of a product in automatic mode with "allow resource
// validation" on, which leaves the subscription other quantities (or another plan),
// is first shown to the vendor, who allows or denies it. The order is drafted in a
// transaction that writes nothing; the vendor is asked with no transaction open; then
// the order is drafted again and written only if it asks the vendor the same
// question that was allowed. A sales order is not asked about: the vendor knows no
// subscription yet, and the create call itself may refuse it.

// errAskVendor ends a transaction that found an order the vendor must allow first.
var errAskVendor = errors.New("the vendor must validate the order's resources first")

// resourceAsks bounds how often one order is shown to the vendor while its
// subscription keeps changing underneath it.
const resourceAsks = 3

// resourceQuestion is the resource validation an order needs.
type resourceQuestion struct {
	product *domain.Product
	target  vendor.Target
	body    *vendorkit.SubscriptionRequest
	key     string // body's JSON: the same key is the same question
	order   *domain.Order
	sub     *domain.Subscription
}

// placeSubscriptionOrder drafts req and writes it, after the vendor allowed its
// resources when it must (see above).
func (s *Service) placeSubscriptionOrder(ctx context.Context, a domain.Actor, resellerID int64,
	req domain.SubscriptionOrderRequest, src OrderSource) (*domain.Order, error) {
	allowed := ""
	for asked := 0; ; asked++ {
		var ask *resourceQuestion
		o, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Order, error) {
			now := s.clock.Now()
			o, b, err := s.draftSubscriptionOrder(ctx, tx, a, resellerID, req, src, now)
			if err == nil {
				err = refuseOverCredit(o, b.sub, b.account)
			}
			if err != nil {
				return nil, err
			}
			q, err := s.resourceQuestion(ctx, tx, o, b.sub)
			if err != nil {
				return nil, err
			}
			if q != nil && q.key != allowed {
				ask = q
				return nil, errAskVendor
			}
			return o, s.placeOrder(ctx, tx, a, o, b.sub, b.rules, now)
		})
		if !errors.Is(err, errAskVendor) {
			return o, err
		}
		if asked == resourceAsks {
			return nil, domain.Errorf(domain.ErrConflict, domain.MsgVendorChanged)
		}
		if err := s.askResourceValidation(ctx, ask); err != nil {
			return nil, err
		}
		allowed = ask.key
	}
}

// resourceQuestion returns the resource validation order o on sub needs, nil when
// it needs none: the product does not ask, or the order leaves plan and
// quantities as they are.
func (s *Service) resourceQuestion(ctx context.Context, tx *store.Conn, o *domain.Order, sub *domain.Subscription) (*resourceQuestion, error) {
	switched := o.Kind == domain.SwitchOrder && o.PlanID != 0 && o.PlanID != sub.PlanID
	if !switched && maps.Equal(orderedQuantities(sub, o), sub.Quantities()) {
		return nil, nil
	}
	plan, err := s.planByID(ctx, tx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	product, err := tx.FindProductByID(ctx, plan.ProductID)
	if err != nil || !product.Integration.AllowResourceValidation {
		return nil, err
	}
	target, ok, err := s.vendorTarget(ctx, tx, product, sub.ResellerID)
	if !ok {
		return nil, err
	}
	if err != nil {
		return nil, s.vendorUnavailable(ctx, product, err)
	}
	body, err := s.subscriptionRequest(ctx, tx, ProvisionRequest{Subscription: sub, Order: o}, product)
	if err != nil {
		return nil, err
	}
	key, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return &resourceQuestion{product: product, target: target, body: body, key: string(key), order: o, sub: sub}, nil
}

// askResourceValidation asks the vendor q: nil when it allows the order, the 422
// of the documented texts (with the vendor's own text as meta) when it denies it,
// and a 503 when it does not answer.
func (s *Service) askResourceValidation(ctx context.Context, q *resourceQuestion) error {
	err := s.vendorCalls.ResourceValidation(ctx, q.target, newQuestionID(), q.body)
	if err == nil {
		return nil
	}
	f, answered := vendorAnswered(err)
	if !answered {
		return s.vendorUnavailable(ctx, q.product, err)
	}
	id := refusedResource(q.sub, q.order, f.AvailableQuantity)
	e := domain.Errorf(domain.ErrInvalid, domain.MsgResourceChangeRefusedBare, id)
	if f.AvailableQuantity != nil {
		e = domain.Errorf(domain.ErrInvalid, domain.MsgResourceChangeRefused, id, *f.AvailableQuantity)
	}
	e.VendorMessage = f.Message
	return e
}

// refusedResource is the id the refusal text names: of the first resource the
// order changes, above available when the vendor said how many are, as the
// request named it (a change order's subscription resource id, another kind's plan
// resource id).
func refusedResource(sub *domain.Subscription, o *domain.Order, available *int64) int64 {
	ordered, current := orderedQuantities(sub, o), sub.Quantities()
	first := int64(0)
	for _, l := range o.Lines {
		id := l.PlanResourceID
		if l.SubscriptionResourceID != 0 {
			id = l.SubscriptionResourceID
		}
		n, ok := ordered[l.PlanResourceID]
		if !ok || (n == current[l.PlanResourceID] && o.Kind != domain.SwitchOrder) {
			continue
		}
		if first == 0 {
			first = id
		}
		if available != nil && n > *available {
			return id
		}
	}
	return first
}
