package vendor

import (
	"context"

	"github.com/cascade-billing/cascade/vendorkit"
)

// Check asks the vendor's service whether it is there: any 2xx passes.
func (c *Client) Check(ctx context.Context, t Target, eventID string) error {
	_, err := c.call(ctx, t, vendorkit.EventCheck, eventID, nil, nil)
	return err
}
