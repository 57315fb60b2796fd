package httpapi

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// The orders on an existing subscription: change, switch, renewal and prolong
// orders. One body type takes the attributes of all four; each kind's handler names
// its kind, and the service checks the attributes that kind needs.

// subscriptionOrderInput is the body of a switch, renewal or prolong order.
type subscriptionOrderInput struct {
	SubscriptionID *flexInt   `json:"subscription_id"`
	PlanID         *flexInt   `json:"plan_id"`
	PlanPeriodID   *flexInt   `json:"plan_period_id"`
	SwitchType     *string    `json:"switch_type"`
	PromoCode      *string    `json:"promo_code"`
	Resources      *resources `json:"resources"`
}

// changeOrderInput is the body of a change order, whose resources name subscription
// resources and their additional quantities.
type changeOrderInput struct {
	SubscriptionID *flexInt `json:"subscription_id"`
	PromoCode      *string  `json:"promo_code"`
	Resources      *struct {
		Data []struct {
			ResourceID flexInt `json:"resource_id"`
			Additional flexInt `json:"additional"`
		} `json:"data"`
	} `json:"resources"`
}

func fromAPISubscriptionOrder(kind domain.OrderKind, in *subscriptionOrderInput) domain.SubscriptionOrderInput {
	out := domain.SubscriptionOrderInput{Kind: kind, SubscriptionID: in.SubscriptionID.ptr(), PlanID: in.PlanID.ptr(),
		PlanPeriodID: in.PlanPeriodID.ptr(), SwitchType: in.SwitchType, Resources: in.Resources.orders()}
	if in.PromoCode != nil {
		out.PromoCode = *in.PromoCode
	}
	return out
}

func fromAPIChangeOrder(in *changeOrderInput) domain.SubscriptionOrderInput {
	out := domain.SubscriptionOrderInput{Kind: domain.ChangeOrder, SubscriptionID: in.SubscriptionID.ptr()}
	if in.PromoCode != nil {
		out.PromoCode = *in.PromoCode
	}
	if in.Resources != nil {
		for _, r := range in.Resources.Data {
			out.Changes = append(out.Changes, domain.ResourceChange{SubscriptionResourceID: int64(r.ResourceID),
				Additional: int64(r.Additional)})
		}
	}
	return out
}

// handleSubscriptionOrderCreate is the handler of the switch, renewal or prolong
// order of kind.
func (s *Server) handleSubscriptionOrderCreate(kind domain.OrderKind) func(c *call) (reply, error) {
	return func(c *call) (reply, error) {
		in, err := decodeAttributes[subscriptionOrderInput](c)
		if err != nil {
			return reply{}, err
		}
		return s.createSubscriptionOrder(c, fromAPISubscriptionOrder(kind, in))
	}
}

func (s *Server) handleChangeOrderCreate(c *call) (reply, error) {
	in, err := decodeAttributes[changeOrderInput](c)
	if err != nil {
		return reply{}, err
	}
	return s.createSubscriptionOrder(c, fromAPIChangeOrder(in))
}

func (s *Server) createSubscriptionOrder(c *call, in domain.SubscriptionOrderInput) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	src := service.OrderSource{RequesterIP: requesterIP(c.r)}
	return answer(c, func(ctx context.Context) (*domain.Order, error) {
		return s.svc.CreateSubscriptionOrder(ctx, c.actor, rid, in, src)
	}, func(o *domain.Order) reply { return created(s.toAPIOrder(o)) })
}
