package httpapi

import "context"

// handleCloseCharges closes the charges of the subscription of the path (PATCH
// .../reseller/subscriptions/{id}/close_charges and its vendor/ alias): no reseller
// in the path, the token's reseller scopes it; no body; 200 with an empty answer.
func (s *Server) handleCloseCharges(c *call) (reply, error) {
	sid, err := c.pathID("subscription_id")
	if err != nil {
		return reply{}, err
	}
	return operated(c, func(ctx context.Context) error { return s.svc.CloseCharges(ctx, c.actor, sid) })
}
