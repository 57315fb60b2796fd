package httpapi

// handleIntegrationCheck starts the integration check of a product's vendor
// service and answers the async task that runs it.
func (s *Server) handleIntegrationCheck(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	pid, err := c.pathID("product_id")
	if err != nil {
		return reply{}, err
	}
	j, err := s.svc.StartIntegrationCheck(c.ctx, c.actor, rid, pid)
	if err != nil {
		return reply{}, err
	}
	return created(toAPIAsyncTask(j, c.locale)), nil
}
