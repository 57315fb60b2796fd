package vendor

import (
	"context"

	"github.com/cascade-billing/cascade/vendorkit"
)

// UsageStatistics asks the vendor how much of each resource is in use now.
func (c *Client) UsageStatistics(ctx context.Context, t Target, eventID string, r *vendorkit.UsageRequest) (*vendorkit.UsageAnswer, error) {
	return answered[vendorkit.UsageAnswer](ctx, c, t, vendorkit.EventUsageStatistics, eventID, r)
}

// Consumption asks the vendor how many units of each resource were consumed in a
// period, for pay-as-you-go charging.
func (c *Client) Consumption(ctx context.Context, t Target, eventID string, r *vendorkit.ConsumptionRequest) (*vendorkit.ConsumptionAnswer, error) {
	return answered[vendorkit.ConsumptionAnswer](ctx, c, t, vendorkit.EventConsumption, eventID, r)
}
