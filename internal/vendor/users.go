package vendor

import (
	"context"

	"github.com/cascade-billing/cascade/vendorkit"
)

// UserCreate asks the vendor to create a user and returns the vendor's id of it; an
// answer without one is a permanent failure.
func (c *Client) UserCreate(ctx context.Context, t Target, eventID string, r *vendorkit.UserCreateRequest) (*vendorkit.UserCreateAnswer, error) {
	var out vendorkit.UserCreateAnswer
	status, err := c.call(ctx, t, vendorkit.EventUserCreate, eventID, r, &out)
	if err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, permanent(status, "the user create answer has no id")
	}
	return &out, nil
}

// UserUpdate tells the vendor a user's name changed.
func (c *Client) UserUpdate(ctx context.Context, t Target, eventID string, r *vendorkit.UserUpdateRequest) error {
	_, err := c.call(ctx, t, vendorkit.EventUserUpdate, eventID, r, nil)
	return err
}

// UserDelete tells the vendor a user was detached from the service.
func (c *Client) UserDelete(ctx context.Context, t Target, eventID string, r *vendorkit.UserRef) error {
	_, err := c.call(ctx, t, vendorkit.EventUserDelete, eventID, r, nil)
	return err
}

// UserActivate tells the vendor a user is active again.
func (c *Client) UserActivate(ctx context.Context, t Target, eventID string, r *vendorkit.UserRef) error {
	_, err := c.call(ctx, t, vendorkit.EventUserActivate, eventID, r, nil)
	return err
}

// UserDeactivate tells the vendor a user was deactivated.
func (c *Client) UserDeactivate(ctx context.Context, t Target, eventID string, r *vendorkit.UserRef) error {
	_, err := c.call(ctx, t, vendorkit.EventUserDeactivate, eventID, r, nil)
	return err
}

// UserPasswordReset tells the vendor a user's password was reset.
func (c *Client) UserPasswordReset(ctx context.Context, t Target, eventID string, r *vendorkit.UserPasswordResetRequest) error {
	_, err := c.call(ctx, t, vendorkit.EventUserPasswordReset, eventID, r, nil)
	return err
}
