package httpapi

// productSecretAttributes are a product's new signing secret, shown once.
type productSecretAttributes struct {
	ProductID int64  `json:"product_id"`
	Key       string `json:"key"`
	Secret    string `json:"secret"`
}

// handleProductSecretRotate gives a product in automatic mode a new signing secret
// and answers it, the one time it is shown; the old secret stops signing at once.
func (s *Server) handleProductSecretRotate(c *call) (reply, error) {
	rid, err := c.pathID("reseller_id")
	if err != nil {
		return reply{}, err
	}
	pid, err := c.pathID("product_id")
	if err != nil {
		return reply{}, err
	}
	out, err := s.svc.RotateProductSecret(c.ctx, c.actor, rid, pid)
	if err != nil {
		return reply{}, err
	}
	return one(resource{ID: id(pid), Type: "product_secrets", Attributes: productSecretAttributes{
		ProductID: pid, Key: out.Product.Key, Secret: out.Secret}}), nil
}
