package client

import (
	"context"
	"encoding/json"
	"time"
)

// ProductCategory groups products in the stores.
type ProductCategory struct {
	ID          int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Priority    int       `json:"priority"`
	Public      bool      `json:"public"`
	Logo        *string   `json:"logo"`
}

func (pc *ProductCategory) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, pc); err != nil {
		return err
	}
	var err error
	pc.ID, err = parseID(res.ID)
	return err
}

// Product is a product a reseller offers, with its category.
type Product struct {
	ID        int64            `json:"-"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
	Name      string           `json:"name"`
	Type      string           `json:"type"`
	Category  *ProductCategory `json:"-"`
	// Cascade's own members.
	Key              string `json:"key"`
	Description      string `json:"description"`
	Public           bool   `json:"public"`
	Priority         int    `json:"priority"`
	Vendor           string `json:"vendor"`
	ProvisioningMode string `json:"provisioning_mode"`
}

func (p *Product) fromResource(res Resource) error {
	var attrs struct {
		Category struct {
			Data *Resource `json:"data"`
		} `json:"category"`
	}
	if err := json.Unmarshal(res.Attributes, p); err != nil {
		return err
	}
	if err := json.Unmarshal(res.Attributes, &attrs); err != nil {
		return err
	}
	if attrs.Category.Data != nil {
		p.Category = &ProductCategory{}
		if err := p.Category.fromResource(*attrs.Category.Data); err != nil {
			return err
		}
	}
	var err error
	p.ID, err = parseID(res.ID)
	return err
}

// Plan is a priced offer of a product. Money is in decimal strings, exact.
type Plan struct {
	ID          int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Status      string    `json:"status"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Public      bool      `json:"public"`
	PlanClassID *int64    `json:"plan_class_id"`
	ProductID   int64     `json:"product_id"`
	BillingType string    `json:"billing_type"`
	Ancestry    *string   `json:"ancestry"`
	ResellerID  int64     `json:"reseller_id"`
	FixedPrice  bool      `json:"fixed_price"`
	// Cascade's own members.
	Key       string         `json:"key"`
	SKU       string         `json:"sku"`
	Currency  string         `json:"currency"`
	ParentID  *int64         `json:"parent_id"`
	Periods   []PlanPeriod   `json:"periods"`
	Resources []PlanResource `json:"resources"`
	// Relationships and Included are filled when the request asked for
	// include=plan_category.
	Relationships map[string]Relationship `json:"-"`
	Included      []Resource              `json:"-"`
}

// PlanPeriod is a term a plan is sold for, with its fees.
type PlanPeriod struct {
	ID           int64  `json:"id"`
	Key          string `json:"key"`
	Duration     int    `json:"duration"`
	Unit         string `json:"unit"`
	Trial        bool   `json:"trial"`
	SetupFee     string `json:"setup_fee"`
	RecurringFee string `json:"recurring_fee"`
	RenewalFee   string `json:"renewal_fee"`
	TransferFee  string `json:"transfer_fee"`
}

// PlanResource is a resource a plan sells, with its quantities and unit prices.
type PlanResource struct {
	ID            int64  `json:"id"`
	Key           string `json:"key"`
	Name          string `json:"name"`
	UnitOfMeasure string `json:"unit_of_measure"`
	Measurable    bool   `json:"measurable"`
	Included      int64  `json:"included"`
	Minimum       int64  `json:"minimum"`
	Limit         int64  `json:"limit"`
	Unlimited     bool   `json:"unlimited"`
	SetupFee      string `json:"setup_fee"`
	RecurringFee  string `json:"recurring_fee"`
	OveruseFee    string `json:"overuse_fee"`
	RenewalFee    string `json:"renewal_fee"`
	Public        bool   `json:"public"`
}

func (p *Plan) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, p); err != nil {
		return err
	}
	var err error
	p.ID, err = parseID(res.ID)
	p.Relationships = res.Relationships
	return err
}

// ListProductCategories lists the categories a reseller offers
// (GET /api/v3/customer_store/resellers/{reseller_id}/product_categories). The
// legacy page, per_page, sorting[...] and filters[...] parameters go in o.Query.
func (c *Client) ListProductCategories(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[ProductCategory], error) {
	return list[ProductCategory](ctx, c, pathf("/api/v3/customer_store/resellers/%s/product_categories", resellerID), o, opts...)
}

// ListProducts lists the products a reseller offers
// (GET /api/v3/customer_store/resellers/{reseller_id}/products). The legacy
// parameters go in o.Query.
func (c *Client) ListProducts(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Product], error) {
	return list[Product](ctx, c, pathf("/api/v3/customer_store/resellers/%s/products", resellerID), o, opts...)
}

// GetProduct returns a product a reseller offers
// (GET /api/v3/customer_store/resellers/{reseller_id}/products/{product_id}).
// WithQuery("plan_currency", "true") sends the documented flag.
func (c *Client) GetProduct(ctx context.Context, resellerID, productID int64, opts ...RequestOption) (*Product, error) {
	var p Product
	return &p, c.getOne(ctx, pathf("/api/v3/customer_store/resellers/%s/products/%s", resellerID, productID), &p, nil, opts...)
}

// ListPlans lists the plans a reseller owns, its own and those delegated to it
// (GET /api/v3/resellers/{reseller_id}/plans).
func (c *Client) ListPlans(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Plan], error) {
	return list[Plan](ctx, c, pathf("/api/v3/resellers/%s/plans", resellerID), o, opts...)
}

// GetPlan returns a plan of a reseller
// (GET /api/v3/resellers/{reseller_id}/plans/{plan_id}).
func (c *Client) GetPlan(ctx context.Context, resellerID, planID int64, opts ...RequestOption) (*Plan, error) {
	var p Plan
	return &p, c.getOne(ctx, pathf("/api/v3/resellers/%s/plans/%s", resellerID, planID), &p, &p.Included, opts...)
}

// ListChildResellerPlans lists the plans of every reseller below resellerID
// (GET /api/v3/resellers/{reseller_id}/child_reseller_plans).
func (c *Client) ListChildResellerPlans(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Plan], error) {
	return list[Plan](ctx, c, pathf("/api/v3/resellers/%s/child_reseller_plans", resellerID), o, opts...)
}

// GetChildResellerPlan returns a plan of a reseller below resellerID
// (GET /api/v3/resellers/{reseller_id}/child_reseller_plans/{plan_id}).
func (c *Client) GetChildResellerPlan(ctx context.Context, resellerID, planID int64, opts ...RequestOption) (*Plan, error) {
	var p Plan
	return &p, c.getOne(ctx, pathf("/api/v3/resellers/%s/child_reseller_plans/%s", resellerID, planID), &p, nil, opts...)
}

// ListSwitchablePlans lists the plans a subscription on planID may switch to by a
// switch of switchType, "immediate_switch" or "delayed_switch"
// (GET /api/v3/resellers/{reseller_id}/plans/{plan_id}/switchable_plans).
func (c *Client) ListSwitchablePlans(ctx context.Context, resellerID, planID int64, switchType string, o *ListOptions, opts ...RequestOption) (*Page[Plan], error) {
	var opt ListOptions
	if o != nil {
		opt = *o
	}
	filter := map[string]string{}
	for k, v := range opt.Filter {
		filter[k] = v
	}
	if switchType != "" { // the server requires it; "" lets a caller see it refused
		filter["switch_type"] = switchType
	}
	opt.Filter = filter
	return list[Plan](ctx, c, pathf("/api/v3/resellers/%s/plans/%s/switchable_plans", resellerID, planID), &opt, opts...)
}
