package client

import (
	"context"
	"encoding/json"
)

// ProductSecret is a product's new signing secret for its vendor calls.
type ProductSecret struct {
	ProductID int64  `json:"product_id"`
	Key       string `json:"key"`
	Secret    string `json:"secret"`
}

// RotateProductSecret gives a product in automatic mode a new signing secret and
// returns it, the only time it is shown
// (POST /api/v3/resellers/{reseller_id}/products/{product_id}/secret, a Cascade
// extension).
func (c *Client) RotateProductSecret(ctx context.Context, resellerID, productID int64, opts ...RequestOption) (*ProductSecret, error) {
	var out struct {
		Data Resource `json:"data"`
	}
	path := pathf("/api/v3/resellers/%s/products/%s/secret", resellerID, productID)
	if err := c.sendRaw(ctx, "POST", path, nil, "", &out, opts...); err != nil {
		return nil, err
	}
	ps := &ProductSecret{}
	return ps, json.Unmarshal(out.Data.Attributes, ps)
}
