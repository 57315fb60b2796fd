package client

import (
	"context"
	"encoding/json"
)

// PaymentMethod is a way a reseller's customers may pay, as its catalogue file
// declares it.
type PaymentMethod struct {
	ID   int64  `json:"-"`
	Key  string `json:"key"`
	Name string `json:"name"`
}

func (m *PaymentMethod) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, m); err != nil {
		return err
	}
	var err error
	m.ID, err = parseID(res.ID)
	return err
}

// ListPaymentMethods lists a reseller's payment methods
// (GET /api/v3/resellers/{reseller_id}/payment_methods, a Cascade extension).
func (c *Client) ListPaymentMethods(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[PaymentMethod], error) {
	return list[PaymentMethod](ctx, c, pathf("/api/v3/resellers/%s/payment_methods", resellerID), o, opts...)
}
