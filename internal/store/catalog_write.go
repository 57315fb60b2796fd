package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Writes of the catalogue, as `cascade catalog apply` makes them. Each writes every
// mutable column of one row; the caller decides what changed and when.

// CreateServiceTerm inserts t and sets its id.
func (c *Conn) CreateServiceTerm(ctx context.Context, t *domain.ServiceTerm) error {
	err := c.catalogRow(ctx, `INSERT INTO service_terms (reseller_id, key, name, billing_day, `+termSettingColumns+`,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		RETURNING id`,
		append(append([]any{t.ResellerID, t.Key, t.Name, t.BillingDay}, termSettingValues(t.TermSettings)...),
			micros(t.CreatedAt), micros(t.UpdatedAt)), &t.ID)
	if err != nil {
		return fmt.Errorf("create service term %q: %w", t.Key, err)
	}
	return nil
}

// UpdateServiceTerm writes t's name, billing day, settings and updated_at.
func (c *Conn) UpdateServiceTerm(ctx context.Context, t *domain.ServiceTerm) error {
	_, err := c.catalogExec(ctx, `UPDATE service_terms SET name = $1, billing_day = $2, autorenew_point = $3,
		manual_renew_point = $4, manual_switch_point = $5, grace_period = $6, deletion_period = $7,
		stop_period = $8, cancel_unpaid_order_in = $9, stop_type = $10, delete_type = $11, proration = $12,
		updated_at = $13 WHERE id = $14`,
		append(append([]any{t.Name, t.BillingDay}, termSettingValues(t.TermSettings)...), micros(t.UpdatedAt), t.ID)...)
	if err != nil {
		return fmt.Errorf("update service term %d: %w", t.ID, err)
	}
	return nil
}

// CreateCategory inserts k and sets its id.
func (c *Conn) CreateCategory(ctx context.Context, k *domain.ProductCategory) error {
	err := c.catalogRow(ctx, `INSERT INTO product_categories (reseller_id, key, name, name_folded, description, priority,
		public, logo, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		[]any{k.ResellerID, k.Key, k.Name, domain.Fold(k.Name), k.Description, k.Priority, k.Public, k.Logo,
			micros(k.CreatedAt), micros(k.UpdatedAt)}, &k.ID)
	if err != nil {
		return fmt.Errorf("create category %q: %w", k.Key, err)
	}
	return nil
}

// UpdateCategory writes every mutable field of k.
func (c *Conn) UpdateCategory(ctx context.Context, k *domain.ProductCategory) error {
	_, err := c.catalogExec(ctx, `UPDATE product_categories SET name = $1, name_folded = $2, description = $3,
		priority = $4, public = $5, logo = $6, updated_at = $7 WHERE id = $8`,
		k.Name, domain.Fold(k.Name), k.Description, k.Priority, k.Public, k.Logo, micros(k.UpdatedAt), k.ID)
	if err != nil {
		return fmt.Errorf("update category %d: %w", k.ID, err)
	}
	return nil
}

// CreateProduct inserts p and sets its id.
func (c *Conn) CreateProduct(ctx context.Context, p *domain.Product) error {
	in := p.Integration
	err := c.catalogRow(ctx, `INSERT INTO products (reseller_id, key, name, name_folded, type, category_id, description,
		public, priority, vendor_name, provisioning_mode, manual_email, api_path, allow_order_attributes,
		allow_usage_url, allow_consumption_url, allow_resource_validation, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		[]any{p.ResellerID, p.Key, p.Name, domain.Fold(p.Name), p.Type, p.CategoryID, p.Description, p.Public,
			p.Priority, p.VendorName, string(in.Mode), in.ManualEmail, in.APIPath, in.AllowOrderAttributes,
			in.AllowUsageURL, in.AllowConsumptionURL, in.AllowResourceValidation, micros(p.CreatedAt),
			micros(p.UpdatedAt)}, &p.ID)
	if err != nil {
		return fmt.Errorf("create product %q: %w", p.Key, err)
	}
	return nil
}

// UpdateProduct writes every mutable field of p.
func (c *Conn) UpdateProduct(ctx context.Context, p *domain.Product) error {
	in := p.Integration
	_, err := c.catalogExec(ctx, `UPDATE products SET name = $1, name_folded = $2, type = $3, category_id = $4,
		description = $5, public = $6, priority = $7, vendor_name = $8, provisioning_mode = $9, manual_email = $10,
		api_path = $11, allow_order_attributes = $12, allow_usage_url = $13, allow_consumption_url = $14,
		allow_resource_validation = $15, updated_at = $16 WHERE id = $17`,
		p.Name, domain.Fold(p.Name), p.Type, p.CategoryID, p.Description, p.Public, p.Priority, p.VendorName,
		string(in.Mode), in.ManualEmail, in.APIPath, in.AllowOrderAttributes, in.AllowUsageURL,
		in.AllowConsumptionURL, in.AllowResourceValidation, micros(p.UpdatedAt), p.ID)
	if err != nil {
		return fmt.Errorf("update product %d: %w", p.ID, err)
	}
	return nil
}

// CreatePlan inserts p (not its periods or resources) and sets its id.
func (c *Conn) CreatePlan(ctx context.Context, p *domain.Plan) error {
	err := c.catalogRow(ctx, `INSERT INTO plans (reseller_id, product_id, key, name, name_folded, description, status,
		public, service_term_id, billing_type, currency, sku, fixed_price, parent_id, ancestry, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		[]any{p.ResellerID, p.ProductID, p.Key, p.Name, domain.Fold(p.Name), p.Description, string(p.Status),
			p.Public, nullable(p.ServiceTermID), p.BillingType, p.Currency, p.SKU, p.FixedPrice, nullable(p.ParentID),
			nullString(p.Ancestry), micros(p.CreatedAt), micros(p.UpdatedAt)}, &p.ID)
	if err != nil {
		return fmt.Errorf("create plan %q: %w", p.Key, err)
	}
	return c.count(ctx, tallyPlans, p.ResellerID, 1)
}

// UpdatePlan writes every mutable field of p (not its periods or resources).
func (c *Conn) UpdatePlan(ctx context.Context, p *domain.Plan) error {
	_, err := c.catalogExec(ctx, `UPDATE plans SET product_id = $1, name = $2, name_folded = $3, description = $4,
		status = $5, public = $6, service_term_id = $7, billing_type = $8, currency = $9, sku = $10,
		fixed_price = $11, parent_id = $12, ancestry = $13, updated_at = $14 WHERE id = $15`,
		p.ProductID, p.Name, domain.Fold(p.Name), p.Description, string(p.Status), p.Public,
		nullable(p.ServiceTermID), p.BillingType, p.Currency, p.SKU, p.FixedPrice, nullable(p.ParentID),
		nullString(p.Ancestry), micros(p.UpdatedAt), p.ID)
	if err != nil {
		return fmt.Errorf("update plan %d: %w", p.ID, err)
	}
	return nil
}

// CreatePlanPeriod inserts p and sets its id.
func (c *Conn) CreatePlanPeriod(ctx context.Context, p *CatalogPeriod) error {
	err := c.catalogRow(ctx, `INSERT INTO plan_periods (plan_id, key, duration, unit, trial, setup_fee, recurring_fee,
		renewal_fee, transfer_fee, position, deleted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		[]any{p.PlanID, p.Key, p.Duration, string(p.Unit), p.Trial, int64(p.SetupFee), int64(p.RecurringFee),
			int64(p.RenewalFee), int64(p.TransferFee), p.Position, p.Deleted}, &p.ID)
	if err != nil {
		return fmt.Errorf("create period %q of plan %d: %w", p.Key, p.PlanID, err)
	}
	return nil
}

// UpdatePlanPeriod writes every mutable field of p, its deleted flag included.
func (c *Conn) UpdatePlanPeriod(ctx context.Context, p *CatalogPeriod) error {
	_, err := c.catalogExec(ctx, `UPDATE plan_periods SET duration = $1, unit = $2, trial = $3, setup_fee = $4,
		recurring_fee = $5, renewal_fee = $6, transfer_fee = $7, position = $8, deleted = $9 WHERE id = $10`,
		p.Duration, string(p.Unit), p.Trial, int64(p.SetupFee), int64(p.RecurringFee), int64(p.RenewalFee),
		int64(p.TransferFee), p.Position, p.Deleted, p.ID)
	if err != nil {
		return fmt.Errorf("update period %d: %w", p.ID, err)
	}
	return nil
}

// CreatePlanResource inserts r and sets its id.
func (c *Conn) CreatePlanResource(ctx context.Context, r *CatalogResource) error {
	err := c.catalogRow(ctx, `INSERT INTO plan_resources (plan_id, key, name, unit_of_measure, measurable, included,
		minimum, "limit", unlimited, setup_fee, recurring_fee, overuse_fee, renewal_fee, public, position, deleted)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		[]any{r.PlanID, r.Key, r.Name, string(r.UnitOfMeasure), r.Measurable, r.Included, r.Minimum, r.Limit,
			r.Unlimited, int64(r.SetupFee), int64(r.RecurringFee), int64(r.OveruseFee), int64(r.RenewalFee),
			r.Public, r.Position, r.Deleted}, &r.ID)
	if err != nil {
		return fmt.Errorf("create resource %q of plan %d: %w", r.Key, r.PlanID, err)
	}
	return nil
}

// UpdatePlanResource writes every mutable field of r, its deleted flag included.
func (c *Conn) UpdatePlanResource(ctx context.Context, r *CatalogResource) error {
	_, err := c.catalogExec(ctx, `UPDATE plan_resources SET name = $1, unit_of_measure = $2, measurable = $3,
		included = $4, minimum = $5, "limit" = $6, unlimited = $7, setup_fee = $8, recurring_fee = $9,
		overuse_fee = $10, renewal_fee = $11, public = $12, position = $13, deleted = $14 WHERE id = $15`,
		r.Name, string(r.UnitOfMeasure), r.Measurable, r.Included, r.Minimum, r.Limit, r.Unlimited,
		int64(r.SetupFee), int64(r.RecurringFee), int64(r.OveruseFee), int64(r.RenewalFee), r.Public, r.Position,
		r.Deleted, r.ID)
	if err != nil {
		return fmt.Errorf("update resource %d: %w", r.ID, err)
	}
	return nil
}

// ReplacePlanSwitches makes switches the whole set of switches from plan planID.
func (c *Conn) ReplacePlanSwitches(ctx context.Context, planID int64, switches []domain.PlanSwitch) error {
	if _, err := c.catalogExec(ctx, `DELETE FROM plan_switches WHERE plan_id = $1`, planID); err != nil {
		return fmt.Errorf("replace switches of plan %d: %w", planID, err)
	}
	for _, s := range switches {
		if _, err := c.catalogExec(ctx, `INSERT INTO plan_switches (plan_id, target_id, switch_type) VALUES ($1, $2, $3)`,
			planID, s.TargetID, string(s.Type)); err != nil {
			return fmt.Errorf("replace switches of plan %d: %w", planID, err)
		}
	}
	return nil
}

// ReplaceOrderAttributes makes attrs the whole set of order attributes of plan
// planID, in their Position order, and sets their ids.
func (c *Conn) ReplaceOrderAttributes(ctx context.Context, planID int64, attrs []domain.OrderAttribute) error {
	if _, err := c.catalogExec(ctx, `DELETE FROM plan_order_attributes WHERE plan_id = $1`, planID); err != nil {
		return fmt.Errorf("replace order attributes of plan %d: %w", planID, err)
	}
	for i := range attrs {
		a := &attrs[i]
		values := a.Values
		if values == nil {
			values = []string{}
		}
		b, _ := json.Marshal(values) // a list of strings always marshals
		err := c.catalogRow(ctx, `INSERT INTO plan_order_attributes (plan_id, key, label, type, required, "values", position)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			[]any{planID, a.Key, a.Label, string(a.Type), a.Required, string(b), a.Position}, &a.ID)
		if err != nil {
			return fmt.Errorf("replace order attributes of plan %d: %w", planID, err)
		}
		a.PlanID = planID
	}
	return nil
}

// PriceChange is one entry of the price log: a fee of a period or resource of a plan
// moved from Old to New.
type PriceChange struct {
	PlanID    int64
	Item      string // "period" or "resource"
	ItemKey   string
	Fee       string // e.g. "recurring_fee"
	Old, New  domain.Amount
	ChangedAt time.Time
}

// AppendPriceChange adds one entry to the price log, which is never rewritten.
func (c *Conn) AppendPriceChange(ctx context.Context, p PriceChange) error {
	_, err := c.catalogExec(ctx, `INSERT INTO price_changes (plan_id, item, item_key, fee, old_amount, new_amount, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		p.PlanID, p.Item, p.ItemKey, p.Fee, int64(p.Old), int64(p.New), micros(p.ChangedAt))
	if err != nil {
		return fmt.Errorf("log price change of plan %d: %w", p.PlanID, err)
	}
	return nil
}

// PriceChangesOf returns the price log of a plan, oldest first.
func (c *Conn) PriceChangesOf(ctx context.Context, planID int64) ([]PriceChange, error) {
	var out []PriceChange
	err := eachRow(ctx, c, `SELECT plan_id, item, item_key, fee, old_amount, new_amount, changed_at
		FROM price_changes WHERE plan_id = $1 ORDER BY changed_at, id`, []any{planID}, func(s scanner) error {
		var (
			p       PriceChange
			old, nw int64
			changed int64
		)
		if err := s.Scan(&p.PlanID, &p.Item, &p.ItemKey, &p.Fee, &old, &nw, &changed); err != nil {
			return err
		}
		p.Old, p.New, p.ChangedAt = domain.Amount(old), domain.Amount(nw), fromMicros(changed)
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("price changes of plan %d: %w", planID, err)
	}
	return out, nil
}
