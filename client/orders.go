package client

import (
	"context"
	"encoding/json"
)

// Order is an order: a sales order buying a subscription, or a change of one.
type Order struct {
	ID               int64   `json:"-"`
	Kind             string  `json:"-"` // data.type: sales_orders ...
	CreatedAt        string  `json:"created_at"`
	UpdatedAt        string  `json:"updated_at"`
	DocumentID       string  `json:"document_id"`
	Status           string  `json:"status"`
	AccountID        int64   `json:"account_id"`
	SubscriptionID   int64   `json:"subscription_id"`
	Type             string  `json:"type"` // SalesOrder ...
	ClosedAt         *string `json:"closed_at"`
	ExpirationDate   string  `json:"expiration_date"`
	ProvisioningDate *string `json:"provisioning_date"`
	Total            string  `json:"total"`
	Currency         string  `json:"currency"`
	PromoCode        *string `json:"promo_code"`
	PaymentID        *int64  `json:"payment_id"`
	ManagerID        *int64  `json:"manager_id"`
	RequesterIP      *string `json:"requester_ip"`
	CustomPrice      bool    `json:"custom_price"`
	CreatedBy        string  `json:"created_by"`
}

func (o *Order) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, o); err != nil {
		return err
	}
	o.Kind = res.Type
	var err error
	o.ID, err = parseID(res.ID)
	return err
}

// ResourceQuantity is one resource an order asks for: a plan resource and its total
// quantity.
type ResourceQuantity struct {
	PlanResourceID int64 `json:"plan_resource_id"`
	Quantity       int64 `json:"quantity"`
}

// ResourceList is an order's resources, {"data": [...]}.
type ResourceList struct {
	Data []ResourceQuantity `json:"data"`
}

// SalesOrderInput is the body of a sales order.
type SalesOrderInput struct {
	AccountID                        int64         `json:"account_id"`
	PlanID                           int64         `json:"plan_id"`
	PlanPeriodID                     int64         `json:"plan_period_id"`
	PaymentModel                     string        `json:"payment_model"`
	PromoCode                        *string       `json:"promo_code,omitempty"`
	Resources                        *ResourceList `json:"resources,omitempty"`
	SubscriptionCreditLimitUseSystem *bool         `json:"subscription_credit_limit_use_system,omitempty"`
	SubscriptionCreditLimit          *string       `json:"subscription_credit_limit,omitempty"`
	AsyncTaskID                      *string       `json:"async_task_id,omitempty"`
	ProvisioningDate                 *string       `json:"provisioning_date,omitempty"`
}

// CreateSalesOrder buys a new subscription for an account
// (POST /api/v3/resellers/{reseller_id}/sales_order).
func (c *Client) CreateSalesOrder(ctx context.Context, resellerID int64, in SalesOrderInput, opts ...RequestOption) (*Order, error) {
	var o Order
	return &o, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/sales_order", resellerID), body(in), &o, opts...)
}

// GetOrder returns an order of a reseller; included objects, when asked for with
// WithInclude, go to included when it is not nil
// (GET /api/v3/resellers/{reseller_id}/orders/{order_id}).
func (c *Client) GetOrder(ctx context.Context, resellerID, orderID int64, included *[]Resource, opts ...RequestOption) (*Order, error) {
	var o Order
	return &o, c.getOne(ctx, pathf("/api/v3/resellers/%s/orders/%s", resellerID, orderID), &o, included, opts...)
}

// ListOrders lists the orders of a reseller (GET /api/v3/resellers/{reseller_id}/orders).
func (c *Client) ListOrders(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Order], error) {
	return list[Order](ctx, c, pathf("/api/v3/resellers/%s/orders", resellerID), o, opts...)
}

// CancelOrder cancels an order
// (POST /api/v3/resellers/{reseller_id}/orders/{order_id}/cancel_operation).
func (c *Client) CancelOrder(ctx context.Context, resellerID, orderID int64, opts ...RequestOption) error {
	return c.call(ctx, "POST", pathf("/api/v3/resellers/%s/orders/%s/cancel_operation", resellerID, orderID), nil, nil, opts...)
}
