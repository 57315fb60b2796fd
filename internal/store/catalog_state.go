package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The catalogue as `cascade catalog apply` compares it with a file: every object of
// one reseller by key, soft-deleted periods and resources included, so applying a
// file can tell what is new, what differs and what went away.

// CatalogPeriod is a plan period with its soft-delete flag.
type CatalogPeriod struct {
	domain.PlanPeriod
	Deleted bool
}

// CatalogResource is a plan resource with its soft-delete flag.
type CatalogResource struct {
	domain.PlanResource
	Deleted bool
}

// CatalogPlan is a plan with everything it holds. Plan.Periods and Plan.Resources
// stay nil: Periods and Resources carry them with their deleted flags.
type CatalogPlan struct {
	domain.Plan
	Periods    []CatalogPeriod
	Resources  []CatalogResource
	Switches   []domain.PlanSwitch
	Attributes []domain.OrderAttribute
}

// CatalogState is one reseller's whole catalogue by key.
type CatalogState struct {
	ServiceTerms map[string]*domain.ServiceTerm
	Categories   map[string]*domain.ProductCategory
	Products     map[string]*domain.Product
	Plans        map[string]*CatalogPlan
}

// LoadCatalog reads the whole catalogue of a reseller.
func (c *Conn) LoadCatalog(ctx context.Context, resellerID int64) (*CatalogState, error) {
	st := &CatalogState{ServiceTerms: map[string]*domain.ServiceTerm{}, Categories: map[string]*domain.ProductCategory{},
		Products: map[string]*domain.Product{}, Plans: map[string]*CatalogPlan{}}
	err := eachRow(ctx, c, "SELECT "+serviceTermColumns+" FROM service_terms WHERE reseller_id = $1",
		[]any{resellerID}, func(s scanner) error {
			t, err := scanServiceTerm(s)
			if err == nil {
				st.ServiceTerms[t.Key] = t
			}
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("load service terms of reseller %d: %w", resellerID, err)
	}
	err = eachRow(ctx, c, `SELECT id, reseller_id, key, name, description, priority, public, logo, created_at, updated_at
		FROM product_categories WHERE reseller_id = $1`, []any{resellerID}, func(s scanner) error {
		var (
			k                domain.ProductCategory
			created, updated int64
		)
		if err := s.Scan(&k.ID, &k.ResellerID, &k.Key, &k.Name, &k.Description, &k.Priority, &k.Public, &k.Logo,
			&created, &updated); err != nil {
			return err
		}
		k.CreatedAt, k.UpdatedAt = fromMicros(created), fromMicros(updated)
		st.Categories[k.Key] = &k
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load categories of reseller %d: %w", resellerID, err)
	}
	err = eachRow(ctx, c, `SELECT id, reseller_id, key, name, type, category_id, description, public, priority,
		vendor_name, provisioning_mode, manual_email, api_path, allow_order_attributes, allow_usage_url,
		allow_consumption_url, allow_resource_validation, created_at, updated_at
		FROM products WHERE reseller_id = $1`, []any{resellerID}, func(s scanner) error {
		var (
			p                domain.Product
			mode             string
			created, updated int64
			in               = &p.Integration
		)
		if err := s.Scan(&p.ID, &p.ResellerID, &p.Key, &p.Name, &p.Type, &p.CategoryID, &p.Description, &p.Public,
			&p.Priority, &p.VendorName, &mode, &in.ManualEmail, &in.APIPath, &in.AllowOrderAttributes,
			&in.AllowUsageURL, &in.AllowConsumptionURL, &in.AllowResourceValidation, &created, &updated); err != nil {
			return err
		}
		in.Mode = domain.ProvisioningMode(mode)
		p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
		st.Products[p.Key] = &p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load products of reseller %d: %w", resellerID, err)
	}
	plans, err := c.loadCatalogPlans(ctx, "p.reseller_id = $1", resellerID)
	if err != nil {
		return nil, fmt.Errorf("load plans of reseller %d: %w", resellerID, err)
	}
	for _, p := range plans {
		st.Plans[p.Key] = p
	}
	return st, nil
}

// LoadPlanCopies reads the plans delegated from any of the given plans, in every
// reseller, in id order.
func (c *Conn) LoadPlanCopies(ctx context.Context, parentIDs []int64) ([]*CatalogPlan, error) {
	in, arg := oneOf(c.db.engine, "p.parent_id", 1, parentIDs)
	plans, err := c.loadCatalogPlans(ctx, in, arg)
	if err != nil {
		return nil, fmt.Errorf("load plan copies: %w", err)
	}
	return plans, nil
}

// PlanKeysOf returns, for each of the given resellers, its plans' keys and the plan
// each was delegated from (0 for the reseller's own plans).
func (c *Conn) PlanKeysOf(ctx context.Context, resellerIDs []int64) (map[int64]map[string]int64, error) {
	out := map[int64]map[string]int64{}
	in, arg := oneOf(c.db.engine, "reseller_id", 1, resellerIDs)
	err := eachRow(ctx, c, `SELECT reseller_id, key, COALESCE(parent_id, 0) FROM plans WHERE `+in,
		[]any{arg}, func(s scanner) error {
			var (
				rid, parent int64
				key         string
			)
			if err := s.Scan(&rid, &key, &parent); err != nil {
				return err
			}
			if out[rid] == nil {
				out[rid] = map[string]int64{}
			}
			out[rid][key] = parent
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("load plan keys: %w", err)
	}
	return out, nil
}

// ResellerRef is a reseller as a catalogue file names it: by id or by domain.
type ResellerRef struct {
	ID     int64
	Domain string
	Path   string
}

// FindResellerRefs returns the resellers with any of the given ids or domains, each
// once.
func (c *Conn) FindResellerRefs(ctx context.Context, ids []int64, domains []string) ([]ResellerRef, error) {
	var out []ResellerRef
	seen := map[int64]bool{}
	find := func(in string, arg any) error {
		return eachRow(ctx, c, `SELECT id, domain, path FROM resellers WHERE `+in, []any{arg},
			func(s scanner) error {
				var r ResellerRef
				if err := s.Scan(&r.ID, &r.Domain, &r.Path); err != nil {
					return err
				}
				if !seen[r.ID] {
					seen[r.ID] = true
					out = append(out, r)
				}
				return nil
			})
	}
	err := find(oneOf(c.db.engine, "id", 1, ids))
	if err == nil {
		err = find(oneOf(c.db.engine, "domain", 1, domains))
	}
	if err != nil {
		return nil, fmt.Errorf("find resellers by reference: %w", err)
	}
	return out, nil
}

const catalogPlanColumns = `p.id, p.reseller_id, p.product_id, p.key, p.name, p.description, p.status, p.public,
	COALESCE(p.service_term_id, 0), p.billing_type, p.currency, p.sku, p.fixed_price, COALESCE(p.parent_id, 0),
	COALESCE(p.ancestry, ''), p.created_at, p.updated_at`

// loadCatalogPlans reads the plans matching where (on plans p) with their periods,
// resources, switches and order attributes, in id order.
func (c *Conn) loadCatalogPlans(ctx context.Context, where string, args ...any) ([]*CatalogPlan, error) {
	var plans []*CatalogPlan
	byID := map[int64]*CatalogPlan{}
	err := eachRow(ctx, c, "SELECT "+catalogPlanColumns+" FROM plans p WHERE "+where+" ORDER BY p.id", args,
		func(s scanner) error {
			var (
				p                domain.Plan
				status           string
				created, updated int64
			)
			if err := s.Scan(&p.ID, &p.ResellerID, &p.ProductID, &p.Key, &p.Name, &p.Description, &status, &p.Public,
				&p.ServiceTermID, &p.BillingType, &p.Currency, &p.SKU, &p.FixedPrice, &p.ParentID, &p.Ancestry,
				&created, &updated); err != nil {
				return err
			}
			p.Status = domain.PlanStatus(status)
			p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
			cp := &CatalogPlan{Plan: p}
			plans = append(plans, cp)
			byID[p.ID] = cp
			return nil
		})
	if err != nil || len(plans) == 0 {
		return plans, err
	}
	sub := "SELECT p.id FROM plans p WHERE " + where
	err = eachRow(ctx, c, `SELECT id, plan_id, key, duration, unit, trial, setup_fee, recurring_fee, renewal_fee,
		transfer_fee, position, deleted FROM plan_periods WHERE plan_id IN (`+sub+`) ORDER BY plan_id, position, id`,
		args, func(s scanner) error {
			var (
				pp   CatalogPeriod
				unit string
			)
			if err := s.Scan(&pp.ID, &pp.PlanID, &pp.Key, &pp.Duration, &unit, &pp.Trial, &pp.SetupFee, &pp.RecurringFee,
				&pp.RenewalFee, &pp.TransferFee, &pp.Position, &pp.Deleted); err != nil {
				return err
			}
			pp.Unit = domain.PeriodUnit(unit)
			byID[pp.PlanID].Periods = append(byID[pp.PlanID].Periods, pp)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, c, `SELECT id, plan_id, key, name, unit_of_measure, measurable, included, minimum, "limit",
		unlimited, setup_fee, recurring_fee, overuse_fee, renewal_fee, public, position, deleted
		FROM plan_resources WHERE plan_id IN (`+sub+`) ORDER BY plan_id, position, id`,
		args, func(s scanner) error {
			var (
				r    CatalogResource
				unit string
			)
			if err := s.Scan(&r.ID, &r.PlanID, &r.Key, &r.Name, &unit, &r.Measurable, &r.Included, &r.Minimum, &r.Limit,
				&r.Unlimited, &r.SetupFee, &r.RecurringFee, &r.OveruseFee, &r.RenewalFee, &r.Public, &r.Position,
				&r.Deleted); err != nil {
				return err
			}
			r.UnitOfMeasure = domain.UnitOfMeasure(unit)
			byID[r.PlanID].Resources = append(byID[r.PlanID].Resources, r)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, c, `SELECT plan_id, target_id, switch_type FROM plan_switches
		WHERE plan_id IN (`+sub+`) ORDER BY plan_id, switch_type, target_id`, args, func(s scanner) error {
		var (
			sw domain.PlanSwitch
			t  string
		)
		if err := s.Scan(&sw.PlanID, &sw.TargetID, &t); err != nil {
			return err
		}
		sw.Type = domain.SwitchType(t)
		byID[sw.PlanID].Switches = append(byID[sw.PlanID].Switches, sw)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, c, "SELECT "+orderAttributeColumns+
		" FROM plan_order_attributes WHERE plan_id IN ("+sub+") ORDER BY plan_id, position, id", args,
		func(s scanner) error {
			a, err := scanOrderAttribute(s)
			if err == nil {
				byID[a.PlanID].Attributes = append(byID[a.PlanID].Attributes, a)
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	return plans, nil
}
