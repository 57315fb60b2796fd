package client

import "context"

// OperationNote is the body of a stop or an activation: why, and a comment. The API
// requires both.
type OperationNote struct {
	Reason  string `json:"reason"`
	Comment string `json:"comment"`
}

// StopSubscription stops a subscription, or makes it wait for a manager's approval
// when its service term says so
// (POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/stop_operation).
func (c *Client) StopSubscription(ctx context.Context, resellerID, id int64, note OperationNote, opts ...RequestOption) error {
	return c.call(ctx, "POST", pathf("/api/v3/resellers/%s/subscriptions/%s/stop_operation", resellerID, id),
		body(note), nil, opts...)
}

// ActivateSubscription activates a stopped subscription
// (POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/activate_operation).
func (c *Client) ActivateSubscription(ctx context.Context, resellerID, id int64, note OperationNote, opts ...RequestOption) error {
	return c.call(ctx, "POST", pathf("/api/v3/resellers/%s/subscriptions/%s/activate_operation", resellerID, id),
		body(note), nil, opts...)
}

// DeleteSubscription deletes a subscription, or makes it wait for a manager's
// approval when its service term says so
// (POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/delete_operation).
func (c *Client) DeleteSubscription(ctx context.Context, resellerID, id int64, opts ...RequestOption) error {
	return c.call(ctx, "POST", pathf("/api/v3/resellers/%s/subscriptions/%s/delete_operation", resellerID, id),
		nil, nil, opts...)
}

// ApproveSubscriptionOperation approves the stop or deletion a subscription waits
// for; a Cascade extension
// (POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/approve_operation).
func (c *Client) ApproveSubscriptionOperation(ctx context.Context, resellerID, id int64, opts ...RequestOption) error {
	return c.call(ctx, "POST", pathf("/api/v3/resellers/%s/subscriptions/%s/approve_operation", resellerID, id),
		nil, nil, opts...)
}

// DeclineSubscriptionOperation declines the stop or deletion a subscription waits
// for; a Cascade extension
// (POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/decline_operation).
func (c *Client) DeclineSubscriptionOperation(ctx context.Context, resellerID, id int64, opts ...RequestOption) error {
	return c.call(ctx, "POST", pathf("/api/v3/resellers/%s/subscriptions/%s/decline_operation", resellerID, id),
		nil, nil, opts...)
}

// SetSubscriptionAutorenew switches a subscription's auto-renew and returns the
// subscription (PATCH /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}).
func (c *Client) SetSubscriptionAutorenew(ctx context.Context, resellerID, id int64, on bool, opts ...RequestOption) (*Subscription, error) {
	var s Subscription
	in := struct {
		Autorenew bool `json:"autorenew"`
	}{on}
	return &s, c.send(ctx, "PATCH", pathf("/api/v3/resellers/%s/subscriptions/%s", resellerID, id), body(in), &s, opts...)
}

// ListChildResellerSubscriptions lists the subscriptions of every reseller below a
// reseller (GET /api/v3/resellers/{reseller_id}/child_reseller_subscriptions).
func (c *Client) ListChildResellerSubscriptions(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Subscription], error) {
	return list[Subscription](ctx, c, pathf("/api/v3/resellers/%s/child_reseller_subscriptions", resellerID), o, opts...)
}

// GetChildResellerSubscription returns a subscription of a reseller below a reseller
// (GET /api/v3/resellers/{reseller_id}/child_reseller_subscriptions/{subscription_id}).
func (c *Client) GetChildResellerSubscription(ctx context.Context, resellerID, id int64, opts ...RequestOption) (*Subscription, error) {
	var s Subscription
	return &s, c.getOne(ctx, pathf("/api/v3/resellers/%s/child_reseller_subscriptions/%s", resellerID, id), &s, nil, opts...)
}

// GetAccountIncluding returns an account of a reseller with the objects asked for
// with WithInclude ("subscriptions") in included
// (GET /api/v3/resellers/{reseller_id}/accounts/{account_id}).
func (c *Client) GetAccountIncluding(ctx context.Context, resellerID, accountID int64, included *[]Resource, opts ...RequestOption) (*Account, error) {
	var a Account
	return &a, c.getOne(ctx, pathf("/api/v3/resellers/%s/accounts/%s", resellerID, accountID), &a, included, opts...)
}

// RetrySubscriptionProvisioning sends a subscription's failed vendor operation again
// and returns the subscription; a Cascade extension
// (POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/provisioning_retry).
func (c *Client) RetrySubscriptionProvisioning(ctx context.Context, resellerID, id int64, opts ...RequestOption) (*Subscription, error) {
	var s Subscription
	return &s, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/subscriptions/%s/provisioning_retry", resellerID, id), nil, &s, opts...)
}

// ProvisioningCompletion is a manager's report on a subscription's operation that
// waits for them (manual mode): Outcome "done" or "failed", and Message, required
// when it failed.
type ProvisioningCompletion struct {
	Outcome string `json:"outcome"`
	Message string `json:"message,omitempty"`
}

// CompleteSubscriptionProvisioning marks a subscription's waiting operation done or
// failed and returns the subscription; a Cascade extension
// (POST /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}/provisioning_completion).
func (c *Client) CompleteSubscriptionProvisioning(ctx context.Context, resellerID, id int64, in ProvisioningCompletion, opts ...RequestOption) (*Subscription, error) {
	var s Subscription
	return &s, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/subscriptions/%s/provisioning_completion", resellerID, id), in, &s, opts...)
}
