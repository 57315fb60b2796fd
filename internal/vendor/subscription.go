package vendor

import (
	"context"

	"github.com/cascade-billing/cascade/vendorkit"
)

// SubscriptionCreate asks the vendor to provision a new subscription and returns
// its answer. An answer without external_id is a permanent failure: without it no
// later call could name the subscription.
func (c *Client) SubscriptionCreate(ctx context.Context, t Target, eventID string, r *vendorkit.SubscriptionRequest) (*vendorkit.CreateAnswer, error) {
	var out vendorkit.CreateAnswer
	status, err := c.call(ctx, t, vendorkit.EventSubscriptionCreate, eventID, r, &out)
	if err != nil {
		return nil, err
	}
	if out.ExternalID == "" {
		return nil, permanent(status, "the create answer has no external_id")
	}
	return &out, nil
}

// SubscriptionUpdate tells the vendor of a change of resources or plan; the answer
// may carry changed subscription attributes.
func (c *Client) SubscriptionUpdate(ctx context.Context, t Target, eventID string, r *vendorkit.SubscriptionRequest) (*vendorkit.AttributesAnswer, error) {
	return answered[vendorkit.AttributesAnswer](ctx, c, t, vendorkit.EventSubscriptionUpdate, eventID, r)
}

// SubscriptionDeactivate tells the vendor the subscription is stopped.
func (c *Client) SubscriptionDeactivate(ctx context.Context, t Target, eventID string, r *vendorkit.SubscriptionRequest) error {
	_, err := c.call(ctx, t, vendorkit.EventSubscriptionStop, eventID, r, nil)
	return err
}

// SubscriptionActivate tells the vendor a stopped subscription is active again.
func (c *Client) SubscriptionActivate(ctx context.Context, t Target, eventID string, r *vendorkit.SubscriptionRequest) error {
	_, err := c.call(ctx, t, vendorkit.EventSubscriptionActivate, eventID, r, nil)
	return err
}

// SubscriptionDelete tells the vendor the subscription is deleted.
func (c *Client) SubscriptionDelete(ctx context.Context, t Target, eventID string, r *vendorkit.SubscriptionRequest) error {
	_, err := c.call(ctx, t, vendorkit.EventSubscriptionDelete, eventID, r, nil)
	return err
}

// SubscriptionRenew tells the vendor the subscription was renewed; the answer may
// carry changed subscription attributes.
func (c *Client) SubscriptionRenew(ctx context.Context, t Target, eventID string, r *vendorkit.SubscriptionRequest) (*vendorkit.AttributesAnswer, error) {
	return answered[vendorkit.AttributesAnswer](ctx, c, t, vendorkit.EventSubscriptionRenew, eventID, r)
}

// ResourceValidation asks the vendor whether it allows the quantities of r.Plan: nil
// when it does; a *Failure whose Message (and AvailableQuantity) say why when not.
// Any answer other than 2xx is a refusal here, so the caller takes its text.
func (c *Client) ResourceValidation(ctx context.Context, t Target, eventID string, r *vendorkit.SubscriptionRequest) error {
	_, err := c.call(ctx, t, vendorkit.EventResourceValidation, eventID, r, nil)
	return err
}

// answered makes call e and returns its decoded answer, empty when it had none.
func answered[Ans any](ctx context.Context, c *Client, t Target, e vendorkit.Event, eventID string, in any) (*Ans, error) {
	var out Ans
	if _, err := c.call(ctx, t, e, eventID, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
