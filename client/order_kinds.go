package client

import "context"

// ResourceChange is one resource a change order changes: a subscription resource and
// the additional quantity it is to have on top of the included one.
type ResourceChange struct {
	ResourceID int64 `json:"resource_id"`
	Additional int64 `json:"additional"`
}

// ResourceChangeList is a change order's resources, {"data": [...]}.
type ResourceChangeList struct {
	Data []ResourceChange `json:"data"`
}

// ChangeOrderInput is the body of a change order.
type ChangeOrderInput struct {
	SubscriptionID int64               `json:"subscription_id"`
	Resources      *ResourceChangeList `json:"resources,omitempty"`
	PromoCode      *string             `json:"promo_code,omitempty"`
}

// SwitchOrderInput is the body of a switch order; SwitchType is immediate_switch or
// delayed_switch.
type SwitchOrderInput struct {
	SubscriptionID int64         `json:"subscription_id"`
	PlanID         int64         `json:"plan_id"`
	PlanPeriodID   int64         `json:"plan_period_id"`
	SwitchType     string        `json:"switch_type"`
	Resources      *ResourceList `json:"resources,omitempty"`
	PromoCode      *string       `json:"promo_code,omitempty"`
}

// RenewalOrderInput is the body of a renewal order.
type RenewalOrderInput struct {
	SubscriptionID int64         `json:"subscription_id"`
	PlanPeriodID   int64         `json:"plan_period_id"`
	Resources      *ResourceList `json:"resources,omitempty"`
	PromoCode      *string       `json:"promo_code,omitempty"`
}

// ProlongOrderInput is the body of a prolong order; Resources lists only the
// resources whose quantity changes.
type ProlongOrderInput struct {
	SubscriptionID int64         `json:"subscription_id"`
	Resources      *ResourceList `json:"resources,omitempty"`
	PromoCode      *string       `json:"promo_code,omitempty"`
}

// CreateChangeOrder changes the resource quantities of a subscription
// (POST /api/v3/resellers/{reseller_id}/change_order).
func (c *Client) CreateChangeOrder(ctx context.Context, resellerID int64, in ChangeOrderInput, opts ...RequestOption) (*Order, error) {
	return c.createOrder(ctx, resellerID, "change_order", in, opts)
}

// CreateSwitchOrder moves a subscription to another plan
// (POST /api/v3/resellers/{reseller_id}/switch_order).
func (c *Client) CreateSwitchOrder(ctx context.Context, resellerID int64, in SwitchOrderInput, opts ...RequestOption) (*Order, error) {
	return c.createOrder(ctx, resellerID, "switch_order", in, opts)
}

// CreateRenewalOrder renews a subscription for a period
// (POST /api/v3/resellers/{reseller_id}/renewal_order).
func (c *Client) CreateRenewalOrder(ctx context.Context, resellerID int64, in RenewalOrderInput, opts ...RequestOption) (*Order, error) {
	return c.createOrder(ctx, resellerID, "renewal_order", in, opts)
}

// CreateProlongOrder pays the next month of a subscription
// (POST /api/v3/resellers/{reseller_id}/prolong_order).
func (c *Client) CreateProlongOrder(ctx context.Context, resellerID int64, in ProlongOrderInput, opts ...RequestOption) (*Order, error) {
	return c.createOrder(ctx, resellerID, "prolong_order", in, opts)
}

// createOrder posts the body in of an order to the endpoint named kind.
func (c *Client) createOrder(ctx context.Context, resellerID int64, kind string, in any, opts []RequestOption) (*Order, error) {
	var o Order
	return &o, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/", resellerID)+kind, body(in), &o, opts...)
}
