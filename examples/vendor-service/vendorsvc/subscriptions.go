package vendorsvc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cascade-billing/cascade/vendorkit"
)

// service implements vendorkit.Service over the Server's database. A refusal is a
// *vendorkit.Error, which reaches Cascade with its status and text; any other error
// answers 500, which Cascade retries.
type service struct{ s *Server }

var _ vendorkit.Service = (*service)(nil)

// newID returns a fresh random id with prefix.
func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// resources reads a plan's quantities, refusing a negative one.
func resources(p vendorkit.Plan) (map[string]int64, error) {
	out := make(map[string]int64, len(p.Resources))
	for _, r := range p.Resources {
		if r.Key == "" || r.Quantity < 0 {
			return nil, vendorkit.Refuse(http.StatusUnprocessableEntity, fmt.Sprintf("resource %q: a key and a quantity of 0 or more are needed", r.Key))
		}
		out[r.Key] = r.Quantity
	}
	return out, nil
}

// live returns the subscription a call names, refusing one that is deleted.
func (v *service) live(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) (*Subscription, error) {
	if r.ExternalID == "" {
		return nil, vendorkit.Refuse(http.StatusBadRequest, "external_id is required")
	}
	sub, err := v.s.findSubscription(ctx, c.APGUID, r.ExternalID)
	if err != nil {
		return nil, err
	}
	if sub.Status == StatusDeleted {
		return nil, vendorkit.Refuse(http.StatusConflict, fmt.Sprintf("subscription %q is deleted", sub.ExternalID))
	}
	return sub, nil
}

// Check implements vendorkit.Service: the service is there when its database is.
func (v *service) Check(ctx context.Context, c vendorkit.Call) error {
	v.s.count(c.Event)
	return v.s.db.PingContext(ctx)
}

// SubscriptionCreate implements vendorkit.Service. A second create of a subscription
// the installation already created answers the first one's id, so a create can never
// make two.
func (v *service) SubscriptionCreate(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) (*vendorkit.CreateAnswer, error) {
	v.s.count(c.Event)
	if r.Subscription.ID == "" {
		return nil, vendorkit.Refuse(http.StatusBadRequest, "subscription.id is required")
	}
	res, err := resources(r.Plan)
	if err != nil {
		return nil, err
	}
	if r.DryRun {
		id := newID("dry-")
		return &vendorkit.CreateAnswer{ExternalID: id, Attributes: createdAttributes(id)}, nil
	}
	if sub, err := v.s.findBySubscriptionID(ctx, c.APGUID, r.Subscription.ID); err != nil || sub != nil {
		if err != nil {
			return nil, err
		}
		return &vendorkit.CreateAnswer{ExternalID: sub.ExternalID, Attributes: sub.Attributes}, nil
	}
	id := newID("vs-")
	sub := &Subscription{ExternalID: id, APGUID: c.APGUID, ResellerID: c.ResellerID, SubscriptionID: r.Subscription.ID,
		TenantID: r.Tenant.ID, PlanSKU: r.Plan.SKU, Status: StatusActive, Resources: res, Attributes: createdAttributes(id)}
	if err := v.s.insertSubscription(ctx, sub); err != nil {
		return nil, err
	}
	return &vendorkit.CreateAnswer{ExternalID: id, Attributes: sub.Attributes}, nil
}

// createdAttributes are the attributes a new subscription shows its customer.
func createdAttributes(externalID string) map[string]string {
	return map[string]string{"login_url": "https://service.example/login/" + externalID}
}

// SubscriptionUpdate implements vendorkit.Service: the plan and quantities change.
func (v *service) SubscriptionUpdate(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) (*vendorkit.AttributesAnswer, error) {
	v.s.count(c.Event)
	res, err := resources(r.Plan)
	if err != nil || r.DryRun {
		return nil, err
	}
	sub, err := v.live(ctx, c, r)
	if err != nil {
		return nil, err
	}
	sub.PlanSKU, sub.Resources = r.Plan.SKU, res
	return nil, v.s.saveSubscription(ctx, sub)
}

// setStatus is a call that moves a live subscription to status.
func (v *service) setStatus(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest, status string) error {
	v.s.count(c.Event)
	if r.DryRun {
		return nil
	}
	sub, err := v.live(ctx, c, r)
	if err != nil {
		return err
	}
	sub.Status = status
	return v.s.saveSubscription(ctx, sub)
}

// SubscriptionStop implements vendorkit.Service.
func (v *service) SubscriptionStop(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) error {
	return v.setStatus(ctx, c, r, StatusStopped)
}

// SubscriptionActivate implements vendorkit.Service.
func (v *service) SubscriptionActivate(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) error {
	return v.setStatus(ctx, c, r, StatusActive)
}

// SubscriptionDelete implements vendorkit.Service.
func (v *service) SubscriptionDelete(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) error {
	return v.setStatus(ctx, c, r, StatusDeleted)
}

// SubscriptionRenew implements vendorkit.Service: it counts the renewal and shows
// the count to the customer.
func (v *service) SubscriptionRenew(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) (*vendorkit.AttributesAnswer, error) {
	v.s.count(c.Event)
	if r.DryRun {
		return nil, nil
	}
	sub, err := v.live(ctx, c, r)
	if err != nil {
		return nil, err
	}
	sub.Renewals++
	if sub.Attributes == nil {
		sub.Attributes = map[string]string{}
	}
	sub.Attributes["renewals"] = strconv.Itoa(sub.Renewals)
	if err := v.s.saveSubscription(ctx, sub); err != nil {
		return nil, err
	}
	return &vendorkit.AttributesAnswer{Attributes: map[string]string{"renewals": sub.Attributes["renewals"]}}, nil
}

// ResourceValidation implements vendorkit.Service: it refuses a quantity over the
// limit the service was told (Faults.LimitQuantity), saying how many are available.
func (v *service) ResourceValidation(ctx context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) error {
	v.s.count(c.Event)
	res, err := resources(r.Plan)
	if err != nil {
		return err
	}
	if !r.DryRun {
		if _, err := v.live(ctx, c, r); err != nil {
			return err
		}
	}
	limit, ok := v.s.Faults.quantityLimit()
	for _, p := range r.Plan.Resources {
		if ok && res[p.Key] > limit {
			return &vendorkit.Error{Status: http.StatusUnprocessableEntity, AvailableQuantity: &limit,
				Message: fmt.Sprintf("only %d units of %s are available", limit, p.Key)}
		}
	}
	return nil
}
