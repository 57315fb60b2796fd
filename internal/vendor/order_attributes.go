package vendor

import (
	"context"

	"github.com/cascade-billing/cascade/vendorkit"
)

// OrderAttributes asks the vendor which attributes an order of a plan needs.
func (c *Client) OrderAttributes(ctx context.Context, t Target, eventID string, r *vendorkit.OrderAttributesRequest) (*vendorkit.OrderAttributesAnswer, error) {
	return answered[vendorkit.OrderAttributesAnswer](ctx, c, t, vendorkit.EventOrderAttributes, eventID, r)
}

// AttributesValidation asks the vendor whether it accepts the values entered for an
// order's attributes: nil when it does, a *Failure with its text when not.
func (c *Client) AttributesValidation(ctx context.Context, t Target, eventID string, r *vendorkit.AttributesValidationRequest) error {
	_, err := c.call(ctx, t, vendorkit.EventAttributesValidation, eventID, r, nil)
	return err
}
