package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// Reading the catalogue: categories, products and plans with their live periods and
// resources. Writing it is the catalogue file's business (catalog_write.go).

const categoryColumns = `pc.id, pc.reseller_id, pc.key, pc.name, pc.description, pc.priority, pc.public,
	pc.logo, pc.created_at, pc.updated_at`

// categoryFields maps the API's filter and sort fields of categories to columns.
var categoryFields = map[string]column{
	"id":         {expr: "pc.id"},
	"key":        {expr: "pc.key"},
	"name":       {expr: "pc.name", folded: "pc.name_folded", search: "product_categories_name_fts"},
	"public":     {expr: "pc.public"},
	"priority":   {expr: "pc.priority"},
	"created_at": {expr: "pc.created_at"},
	"updated_at": {expr: "pc.updated_at"},
}

func scanCategory(s scanner, extra ...any) (*domain.ProductCategory, error) {
	var (
		pc               domain.ProductCategory
		created, updated int64
	)
	dest := append(categoryDest(&pc, &created, &updated), extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	pc.CreatedAt, pc.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &pc, nil
}

func categoryDest(pc *domain.ProductCategory, created, updated *int64) []any {
	return []any{&pc.ID, &pc.ResellerID, &pc.Key, &pc.Name, &pc.Description, &pc.Priority, &pc.Public,
		&pc.Logo, created, updated}
}

const productColumns = `p.id, p.reseller_id, p.key, p.name, p.type, p.category_id, p.description, p.public,
	p.priority, p.vendor_name, p.provisioning_mode, p.manual_email, p.api_path, p.allow_order_attributes,
	p.allow_usage_url, p.allow_consumption_url, p.allow_resource_validation, p.created_at, p.updated_at, ` +
	categoryColumns

const productFrom = `FROM products p JOIN product_categories pc ON pc.id = p.category_id`

// productFields maps the API's filter and sort fields of products to columns. The
// category filter names the category, compared folded (the docs filter by name).
var productFields = map[string]column{
	"id":         {expr: "p.id"},
	"key":        {expr: "p.key"},
	"name":       {expr: "p.name", folded: "p.name_folded", search: "products_name_fts"},
	"type":       {expr: "p.type"},
	"category":   {expr: "pc.name_folded"},
	"public":     {expr: "p.public"},
	"priority":   {expr: "p.priority"},
	"created_at": {expr: "p.created_at"},
	"updated_at": {expr: "p.updated_at"},
}

func scanProduct(s scanner, extra ...any) (*domain.Product, error) {
	var (
		p                             domain.Product
		pc                            domain.ProductCategory
		mode                          string
		created, updated, pcCr, pcUpd int64
		in                            = &p.Integration
	)
	dest := []any{&p.ID, &p.ResellerID, &p.Key, &p.Name, &p.Type, &p.CategoryID, &p.Description, &p.Public,
		&p.Priority, &p.VendorName, &mode, &in.ManualEmail, &in.APIPath, &in.AllowOrderAttributes,
		&in.AllowUsageURL, &in.AllowConsumptionURL, &in.AllowResourceValidation, &created, &updated}
	dest = append(append(dest, categoryDest(&pc, &pcCr, &pcUpd)...), extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	in.Mode = domain.ProvisioningMode(mode)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	pc.CreatedAt, pc.UpdatedAt = fromMicros(pcCr), fromMicros(pcUpd)
	p.Category = &pc
	return &p, nil
}

const planColumns = `pl.id, pl.reseller_id, pl.product_id, pl.key, pl.name, pl.description, pl.status,
	pl.public, COALESCE(pl.service_term_id, 0), pl.billing_type, pl.currency, pl.sku, pl.fixed_price,
	COALESCE(pl.parent_id, 0), COALESCE(pl.ancestry, ''), pl.created_at, pl.updated_at`

// planFields maps the API's filter and sort fields of plans to columns.
var planFields = map[string]column{
	"id":           {expr: "pl.id"},
	"reseller_id":  {expr: "pl.reseller_id"},
	"product_id":   {expr: "pl.product_id"},
	"key":          {expr: "pl.key"},
	"name":         {expr: "pl.name", folded: "pl.name_folded", search: "plans_name_fts"},
	"sku":          {expr: "pl.sku"},
	"status":       {expr: "pl.status"},
	"public":       {expr: "pl.public"},
	"currency":     {expr: "pl.currency"},
	"billing_type": {expr: "pl.billing_type"},
	"created_at":   {expr: "pl.created_at"},
	"updated_at":   {expr: "pl.updated_at"},
}

func scanPlan(s scanner, extra ...any) (*domain.Plan, error) {
	var (
		p                domain.Plan
		status           string
		created, updated int64
	)
	dest := append([]any{&p.ID, &p.ResellerID, &p.ProductID, &p.Key, &p.Name, &p.Description, &status,
		&p.Public, &p.ServiceTermID, &p.BillingType, &p.Currency, &p.SKU, &p.FixedPrice, &p.ParentID,
		&p.Ancestry, &created, &updated}, extra...)
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	p.Status = domain.PlanStatus(status)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// FindPlanByID returns the plan with the given id with its periods and resources on
// offer (deleted ones left out), or a not-found error.
func (c *Conn) FindPlanByID(ctx context.Context, id int64) (*domain.Plan, error) {
	plans, err := c.findPlansByIDs(ctx, []int64{id})
	if err != nil {
		return nil, fmt.Errorf("find plan %d: %w", id, err)
	}
	if len(plans) == 0 {
		return nil, domain.NotFound(domain.MsgPlanNotFound)
	}
	return plans[0], nil
}

// FindProductByID returns the product with the given id and its category, or a
// not-found error.
func (c *Conn) FindProductByID(ctx context.Context, id int64) (*domain.Product, error) {
	return one(c.lookupCtx(ctx), c, domain.NotFound(domain.MsgProductNotFound), fmt.Sprintf("find product %d", id),
		func(s scanner) (*domain.Product, error) { return scanProduct(s) },
		"SELECT "+productColumns+" "+productFrom+" WHERE p.id = $1", id)
}

// FindCategoriesOfProducts returns the category of each of the given products, by
// product id; ids that match no product are left out.
func (c *Conn) FindCategoriesOfProducts(ctx context.Context, productIDs []int64) (map[int64]*domain.ProductCategory, error) {
	out := make(map[int64]*domain.ProductCategory, len(productIDs))
	if len(productIDs) == 0 {
		return out, nil
	}
	b := c.builder()
	err := eachRow(ctx, c, "SELECT p.id, "+categoryColumns+" "+productFrom+" WHERE "+b.ids("p.id", productIDs),
		b.args, func(s scanner) error {
			var productID int64
			pc, err := scanCategory(prepend{s, &productID})
			if err != nil {
				return err
			}
			out[productID] = pc
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find categories of products: %w", err)
	}
	return out, nil
}

// prepend is a scanner whose first column goes to first and the rest to the caller.
type prepend struct {
	s     scanner
	first any
}

func (p prepend) Scan(dest ...any) error { return p.s.Scan(append([]any{p.first}, dest...)...) }

// visibleProducts is the condition on p.id of the products a reseller sees: its own,
// and those of the plans it owns, which include every plan delegated to it. The
// reseller id is its only placeholder, used twice.
const visibleProducts = `(p.reseller_id = %[1]s OR p.id IN (SELECT vp.product_id FROM plans vp WHERE vp.reseller_id = %[1]s))`

// visibleCategories is the same for categories: the reseller's own, and those of the
// products it sees through its plans.
const visibleCategories = `(pc.reseller_id = %[1]s OR pc.id IN (SELECT vc.category_id FROM products vc
	WHERE vc.id IN (SELECT vp.product_id FROM plans vp WHERE vp.reseller_id = %[1]s)))`

// FindVisibleCategories returns one page of the categories the reseller sees, the
// number of all that match and the cursor of the next page (see listKeys). What a
// reseller sees is its own and what its plans bring, which no one index orders: a
// page costs the reseller's visible catalogue, which the catalogue limits bound.
func (c *Conn) FindVisibleCategories(ctx context.Context, resellerID int64, q domain.ListQuery) ([]*domain.ProductCategory, domain.PageInfo, error) {
	b := c.builder()
	b.where = append(b.where, fmt.Sprintf(visibleCategories, b.arg(resellerID)))
	l := listing{from: "FROM product_categories pc", id: "pc.id", cols: categoryFields}
	return listRows(ctx, c, l, &b, q, func(ids []int64) ([]*domain.ProductCategory, error) {
		return byIDs(ctx, c, "SELECT "+categoryColumns+" FROM product_categories pc WHERE ", "pc.id", ids,
			func(s scanner) (*domain.ProductCategory, error) { return scanCategory(s) },
			func(pc *domain.ProductCategory) int64 { return pc.ID })
	})
}

// FindVisibleProducts returns one page of the products the reseller sees, with their
// categories, the number of all that match and the cursor of the next page; a page
// costs what FindVisibleCategories' does.
func (c *Conn) FindVisibleProducts(ctx context.Context, resellerID int64, q domain.ListQuery) ([]*domain.Product, domain.PageInfo, error) {
	b := c.builder()
	b.where = append(b.where, fmt.Sprintf(visibleProducts, b.arg(resellerID)))
	l := listing{from: productFrom, id: "p.id", cols: productFields}
	return listRows(ctx, c, l, &b, q, func(ids []int64) ([]*domain.Product, error) {
		return byIDs(ctx, c, "SELECT "+productColumns+" "+productFrom+" WHERE ", "p.id", ids,
			func(s scanner) (*domain.Product, error) { return scanProduct(s) },
			func(p *domain.Product) int64 { return p.ID })
	})
}

// ProductVisibleTo reports whether the reseller sees the product (see visibleProducts).
func (c *Conn) ProductVisibleTo(ctx context.Context, productID, resellerID int64) (bool, error) {
	var n int
	err := c.row(c.lookupCtx(ctx), `SELECT COUNT(*) FROM products p WHERE p.id = $1 AND `+
		fmt.Sprintf(visibleProducts, "$2"), []any{productID, resellerID}, &n)
	if err != nil {
		return false, fmt.Errorf("product %d visible to reseller %d: %w", productID, resellerID, err)
	}
	return n > 0, nil
}

// PlanFilter selects plans: those of one reseller (ResellerID), or of every reseller
// strictly below a path (Below); with SwitchFrom, only the targets of that plan's
// switches of SwitchType. Query adds the API's conditions, order and page.
type PlanFilter struct {
	ResellerID int64
	Below      string
	SwitchFrom int64
	SwitchType domain.SwitchType
	Query      domain.ListQuery
}

// FindPlans returns one page of plans with their periods and resources on offer, the
// number of all that match and the cursor of the next page (see listKeys).
func (c *Conn) FindPlans(ctx context.Context, f PlanFilter) ([]*domain.Plan, domain.PageInfo, error) {
	l, b := planListing(c.db.engine, f)
	return listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Plan, error) {
		return c.findPlansByIDs(ctx, ids)
	})
}

// planListing declares the list of plans f selects and its scope.
func planListing(e Engine, f PlanFilter) (listing, *sqlBuilder) {
	b := sqlBuilder{engine: e}
	l := listing{from: "FROM plans pl", id: "pl.id", cols: planFields}
	l.scope(&b, "pl", tallyPlans, f.ResellerID, f.Below)
	if f.SwitchFrom != 0 {
		b.cond("pl.id IN (SELECT ps.target_id FROM plan_switches ps WHERE ps.plan_id = %s AND ps.switch_type = %s)",
			f.SwitchFrom, string(f.SwitchType))
		l.tally = tally{}
	}
	return l, &b
}

// findPlansByIDs reads the plans with the given ids in that order, with their
// periods and resources; ids that match none are left out.
func (c *Conn) findPlansByIDs(ctx context.Context, ids []int64) ([]*domain.Plan, error) {
	plans, err := byIDs(ctx, c, "SELECT "+planColumns+" FROM plans pl WHERE ", "pl.id", ids,
		func(s scanner) (*domain.Plan, error) { return scanPlan(s) },
		func(p *domain.Plan) int64 { return p.ID })
	if err != nil {
		return nil, fmt.Errorf("find plans: %w", err)
	}
	if err := c.loadPlanItems(ctx, plans); err != nil {
		return nil, err
	}
	return plans, nil
}

// loadPlanItems fills the periods and resources on offer of plans, in their order
// (position, then id), with one query for all periods and one for all resources.
func (c *Conn) loadPlanItems(ctx context.Context, plans []*domain.Plan) error {
	if len(plans) == 0 {
		return nil
	}
	byID := make(map[int64]*domain.Plan, len(plans))
	ids := make([]int64, len(plans))
	for i, p := range plans {
		byID[p.ID], ids[i] = p, p.ID
		p.Periods, p.Resources = []domain.PlanPeriod{}, []domain.PlanResource{}
	}
	b := c.builder()
	in := b.ids("plan_id", ids)
	err := eachRow(ctx, c, `SELECT id, plan_id, key, duration, unit, trial, setup_fee, recurring_fee,
		renewal_fee, transfer_fee, position FROM plan_periods
		WHERE `+in+` AND NOT deleted ORDER BY plan_id, position, id`, b.args, func(s scanner) error {
		var (
			pp   domain.PlanPeriod
			unit string
		)
		if err := s.Scan(&pp.ID, &pp.PlanID, &pp.Key, &pp.Duration, &unit, &pp.Trial, &pp.SetupFee,
			&pp.RecurringFee, &pp.RenewalFee, &pp.TransferFee, &pp.Position); err != nil {
			return err
		}
		pp.Unit = domain.PeriodUnit(unit)
		p := byID[pp.PlanID]
		p.Periods = append(p.Periods, pp)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load plan periods: %w", err)
	}
	err = eachRow(ctx, c, `SELECT id, plan_id, key, name, unit_of_measure, measurable, included, minimum,
		"limit", unlimited, setup_fee, recurring_fee, overuse_fee, renewal_fee, public, position
		FROM plan_resources WHERE `+in+` AND NOT deleted ORDER BY plan_id, position, id`,
		b.args, func(s scanner) error {
			var (
				pr  domain.PlanResource
				uom string
			)
			if err := s.Scan(&pr.ID, &pr.PlanID, &pr.Key, &pr.Name, &uom, &pr.Measurable, &pr.Included,
				&pr.Minimum, &pr.Limit, &pr.Unlimited, &pr.SetupFee, &pr.RecurringFee, &pr.OveruseFee,
				&pr.RenewalFee, &pr.Public, &pr.Position); err != nil {
				return err
			}
			pr.UnitOfMeasure = domain.UnitOfMeasure(uom)
			p := byID[pr.PlanID]
			p.Resources = append(p.Resources, pr)
			return nil
		})
	if err != nil {
		return fmt.Errorf("load plan resources: %w", err)
	}
	return nil
}
