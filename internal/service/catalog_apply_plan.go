package service

import (
	"slices"
	"strings"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// planWant is what one plan should be once the file is applied.
type planWant struct {
	plan      domain.Plan // the plan's own fields; ID, periods and resources unused
	periods   []domain.PlanPeriod
	resources []domain.PlanResource
	attrs     []domain.OrderAttribute
}

// planSync is what syncing one plan did.
type planSync struct {
	plan    *store.CatalogPlan // the plan as it now is
	created bool
	fields  []catalogfile.FieldChange // changed fields of the plan row
	items   []catalogfile.Change      // changes of its periods, resources and attributes
}

func (ps *planSync) changed() bool { return ps.created || len(ps.fields) > 0 || len(ps.items) > 0 }

// ownPlan applies one plan of the file to the reseller's own plan of that key.
func (ap *applier) ownPlan(p catalogfile.Plan) error {
	w := planWant{plan: p.Plan, periods: p.Periods, resources: p.Resources, attrs: p.OrderAttributes}
	w.plan.ResellerID = ap.resellerID
	w.plan.ProductID = ap.st.Products[p.ProductKey].ID
	if p.ServiceTermKey != "" {
		w.plan.ServiceTermID = ap.st.ServiceTerms[p.ServiceTermKey].ID
	}
	sync, err := ap.syncPlan(ap.st.Plans[p.Key], w)
	if err != nil {
		return err
	}
	ap.st.Plans[p.Key] = sync.plan
	switch {
	case sync.created:
		ap.record(catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindPlan, Key: p.Key})
	case len(sync.fields) > 0:
		ap.record(catalogfile.Change{Action: catalogfile.Update, Kind: catalogfile.KindPlan, Key: p.Key, Fields: sync.fields})
	}
	ap.changes = append(ap.changes, sync.items...)
	return nil
}

// ownSwitches replaces the switches of one plan of the file when they differ.
func (ap *applier) ownSwitches(p catalogfile.Plan) error {
	pl := ap.st.Plans[p.Key]
	want := make([]switchTo, 0, len(p.SwitchTo))
	for _, s := range p.SwitchTo {
		t := ap.st.Plans[s.PlanKey]
		want = append(want, switchTo{id: t.ID, key: t.Key, typ: s.Type})
	}
	items, err := ap.syncSwitches(pl, want, ap.ownKey)
	ap.changes = append(ap.changes, items...)
	return err
}

// ownKey returns the key of the reseller's plan with the given id. It is asked for
// the targets of removed switches, which are plans that existed before the apply.
func (ap *applier) ownKey(id int64) string {
	if ap.ownKeys == nil {
		ap.ownKeys = make(map[int64]string, len(ap.st.Plans))
		for _, p := range ap.st.Plans {
			ap.ownKeys[p.ID] = p.Key
		}
	}
	return ap.ownKeys[id]
}

// switchTo is a wanted switch, its target named by id and key.
type switchTo struct {
	id  int64
	key string
	typ domain.SwitchType
}

// syncSwitches makes want the switches of p, returning a change per switch added or
// removed. keyOf names the targets of removed switches.
func (ap *applier) syncSwitches(p *store.CatalogPlan, want []switchTo, keyOf func(int64) string) ([]catalogfile.Change, error) {
	type sw struct {
		id  int64
		typ domain.SwitchType
	}
	have := map[sw]bool{}
	for _, s := range p.Switches {
		have[sw{s.TargetID, s.Type}] = true
	}
	wanted := map[sw]bool{}
	var (
		items []catalogfile.Change
		next  []domain.PlanSwitch
	)
	for _, s := range want {
		k := sw{s.id, s.typ}
		if wanted[k] {
			continue
		}
		wanted[k] = true
		next = append(next, domain.PlanSwitch{PlanID: p.ID, TargetID: s.id, Type: s.typ})
		if !have[k] {
			items = append(items, catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindSwitch,
				Key: s.key, Plan: p.Key, SwitchType: string(s.typ)})
		}
	}
	for _, s := range p.Switches {
		if !wanted[sw{s.TargetID, s.Type}] {
			items = append(items, catalogfile.Change{Action: catalogfile.Delete, Kind: catalogfile.KindSwitch,
				Key: keyOf(s.TargetID), Plan: p.Key, SwitchType: string(s.Type)})
		}
	}
	if len(items) == 0 {
		return nil, nil
	}
	if err := ap.tx.ReplacePlanSwitches(ap.ctx, p.ID, next); err != nil {
		return nil, err
	}
	p.Switches = next
	return items, ap.bump(p)
}

// bump writes a changed plan's row with updated_at now, once per apply: a change of
// its periods, resources, switches or attributes is a change of the plan.
func (ap *applier) bump(p *store.CatalogPlan) error {
	if ap.bumped[p.ID] {
		return nil
	}
	ap.bumped[p.ID] = true
	p.UpdatedAt = ap.now
	return ap.tx.UpdatePlan(ap.ctx, &p.Plan)
}

// syncPlan makes the plan cur (nil when there is none yet) what w says.
func (ap *applier) syncPlan(cur *store.CatalogPlan, w planWant) (*planSync, error) {
	if cur == nil {
		return ap.createPlan(w)
	}
	out := &planSync{plan: cur}
	p := &cur.Plan
	var d diff
	d.text("name", &p.Name, w.plan.Name)
	d.text("description", &p.Description, w.plan.Description)
	diffEnum(&d, "status", &p.Status, w.plan.Status)
	d.bool("public", &p.Public, w.plan.Public)
	d.id("product", &p.ProductID, w.plan.ProductID)
	d.id("service_term", &p.ServiceTermID, w.plan.ServiceTermID)
	diffEnum(&d, "billing_type", &p.BillingType, w.plan.BillingType)
	d.text("currency", &p.Currency, w.plan.Currency)
	d.text("sku", &p.SKU, w.plan.SKU)
	d.bool("fixed_price", &p.FixedPrice, w.plan.FixedPrice)
	d.id("parent", &p.ParentID, w.plan.ParentID)
	d.text("ancestry", &p.Ancestry, w.plan.Ancestry)
	out.fields = d.fields
	var err error
	if out.items, err = ap.syncPeriods(cur, w.periods); err != nil {
		return nil, err
	}
	items, err := ap.syncResources(cur, w.resources)
	if err != nil {
		return nil, err
	}
	out.items = append(out.items, items...)
	if items, err = ap.syncAttributes(cur, w.attrs); err != nil {
		return nil, err
	}
	out.items = append(out.items, items...)
	if out.changed() {
		ap.bumped[p.ID] = false // fields changed after an earlier write: write again
		if err := ap.bump(cur); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (ap *applier) createPlan(w planWant) (*planSync, error) {
	p := &store.CatalogPlan{Plan: w.plan}
	p.ID, p.Periods, p.Resources = 0, nil, nil
	p.CreatedAt, p.UpdatedAt = ap.now, ap.now
	if err := ap.tx.CreatePlan(ap.ctx, &p.Plan); err != nil {
		return nil, err
	}
	ap.bumped[p.ID] = true
	out := &planSync{plan: p, created: true}
	for _, pp := range w.periods {
		cp := store.CatalogPeriod{PlanPeriod: pp}
		cp.ID, cp.PlanID = 0, p.ID
		if err := ap.tx.CreatePlanPeriod(ap.ctx, &cp); err != nil {
			return nil, err
		}
		p.Periods = append(p.Periods, cp)
	}
	for _, r := range w.resources {
		cr := store.CatalogResource{PlanResource: r}
		cr.ID, cr.PlanID = 0, p.ID
		if err := ap.tx.CreatePlanResource(ap.ctx, &cr); err != nil {
			return nil, err
		}
		p.Resources = append(p.Resources, cr)
	}
	if len(w.attrs) > 0 {
		p.Attributes = cloneAttrs(w.attrs)
		if err := ap.tx.ReplaceOrderAttributes(ap.ctx, p.ID, p.Attributes); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// syncPeriods creates, updates, revives and soft-deletes the periods of p to match
// want. Every fee that changes is logged in the price history.
func (ap *applier) syncPeriods(p *store.CatalogPlan, want []domain.PlanPeriod) ([]catalogfile.Change, error) {
	var items []catalogfile.Change
	listed := map[string]bool{}
	for _, w := range want {
		listed[w.Key] = true
		i := slices.IndexFunc(p.Periods, func(c store.CatalogPeriod) bool { return c.Key == w.Key })
		if i < 0 {
			cp := store.CatalogPeriod{PlanPeriod: w}
			cp.ID, cp.PlanID = 0, p.ID
			if err := ap.tx.CreatePlanPeriod(ap.ctx, &cp); err != nil {
				return nil, err
			}
			p.Periods = append(p.Periods, cp)
			items = append(items, catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindPeriod, Key: w.Key, Plan: p.Key})
			continue
		}
		c := &p.Periods[i]
		revived := c.Deleted
		c.Deleted = false
		var d diff
		d.int("duration", &c.Duration, w.Duration)
		diffEnum(&d, "unit", &c.Unit, w.Unit)
		d.bool("trial", &c.Trial, w.Trial)
		d.money("setup_fee", &c.SetupFee, w.SetupFee)
		d.money("recurring_fee", &c.RecurringFee, w.RecurringFee)
		d.money("renewal_fee", &c.RenewalFee, w.RenewalFee)
		d.money("transfer_fee", &c.TransferFee, w.TransferFee)
		d.int("position", &c.Position, w.Position)
		if !revived && d.empty() {
			continue
		}
		if err := ap.tx.UpdatePlanPeriod(ap.ctx, c); err != nil {
			return nil, err
		}
		if err := ap.logPrices(p.ID, "period", c.Key, d.fields); err != nil {
			return nil, err
		}
		items = append(items, itemChange(revived, catalogfile.KindPeriod, c.Key, p.Key, d.fields))
	}
	for i := range p.Periods {
		c := &p.Periods[i]
		if listed[c.Key] || c.Deleted {
			continue
		}
		c.Deleted = true
		if err := ap.tx.UpdatePlanPeriod(ap.ctx, c); err != nil {
			return nil, err
		}
		items = append(items, catalogfile.Change{Action: catalogfile.Delete, Kind: catalogfile.KindPeriod, Key: c.Key, Plan: p.Key})
	}
	return items, nil
}

// syncResources does for resources what syncPeriods does for periods.
func (ap *applier) syncResources(p *store.CatalogPlan, want []domain.PlanResource) ([]catalogfile.Change, error) {
	var items []catalogfile.Change
	listed := map[string]bool{}
	for _, w := range want {
		listed[w.Key] = true
		i := slices.IndexFunc(p.Resources, func(c store.CatalogResource) bool { return c.Key == w.Key })
		if i < 0 {
			cr := store.CatalogResource{PlanResource: w}
			cr.ID, cr.PlanID = 0, p.ID
			if err := ap.tx.CreatePlanResource(ap.ctx, &cr); err != nil {
				return nil, err
			}
			p.Resources = append(p.Resources, cr)
			items = append(items, catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindResource, Key: w.Key, Plan: p.Key})
			continue
		}
		c := &p.Resources[i]
		revived := c.Deleted
		c.Deleted = false
		var d diff
		d.text("name", &c.Name, w.Name)
		diffEnum(&d, "unit", &c.UnitOfMeasure, w.UnitOfMeasure)
		d.bool("measurable", &c.Measurable, w.Measurable)
		d.int64("included", &c.Included, w.Included)
		d.int64("minimum", &c.Minimum, w.Minimum)
		d.int64("limit", &c.Limit, w.Limit)
		d.bool("unlimited", &c.Unlimited, w.Unlimited)
		d.money("setup_fee", &c.SetupFee, w.SetupFee)
		d.money("recurring_fee", &c.RecurringFee, w.RecurringFee)
		d.money("overuse_fee", &c.OveruseFee, w.OveruseFee)
		d.money("renewal_fee", &c.RenewalFee, w.RenewalFee)
		d.bool("public", &c.Public, w.Public)
		d.int("position", &c.Position, w.Position)
		if !revived && d.empty() {
			continue
		}
		if err := ap.tx.UpdatePlanResource(ap.ctx, c); err != nil {
			return nil, err
		}
		if err := ap.logPrices(p.ID, "resource", c.Key, d.fields); err != nil {
			return nil, err
		}
		items = append(items, itemChange(revived, catalogfile.KindResource, c.Key, p.Key, d.fields))
	}
	for i := range p.Resources {
		c := &p.Resources[i]
		if listed[c.Key] || c.Deleted {
			continue
		}
		c.Deleted = true
		if err := ap.tx.UpdatePlanResource(ap.ctx, c); err != nil {
			return nil, err
		}
		items = append(items, catalogfile.Change{Action: catalogfile.Delete, Kind: catalogfile.KindResource, Key: c.Key, Plan: p.Key})
	}
	return items, nil
}

// itemChange is the change of an existing period or resource: offered again after a
// soft delete (a create, as people see it), or updated.
func itemChange(revived bool, kind catalogfile.Kind, key, plan string, fields []catalogfile.FieldChange) catalogfile.Change {
	if revived {
		return catalogfile.Change{Action: catalogfile.Create, Kind: kind, Key: key, Plan: plan}
	}
	return catalogfile.Change{Action: catalogfile.Update, Kind: kind, Key: key, Plan: plan, Fields: fields}
}

// logPrices appends one price history entry per changed fee. The row itself moves on;
// what was sold before keeps its own copy of the price.
func (ap *applier) logPrices(planID int64, item, key string, fields []catalogfile.FieldChange) error {
	for _, f := range fields {
		if f.Fee == nil {
			continue
		}
		if err := ap.tx.AppendPriceChange(ap.ctx, store.PriceChange{PlanID: planID, Item: item, ItemKey: key,
			Fee: f.Name, Old: f.Fee.Old, New: f.Fee.New, ChangedAt: ap.now}); err != nil {
			return err
		}
	}
	return nil
}

// syncAttributes replaces the order attributes of p when they differ from want, with
// a change per attribute added, changed or removed.
func (ap *applier) syncAttributes(p *store.CatalogPlan, want []domain.OrderAttribute) ([]catalogfile.Change, error) {
	var items []catalogfile.Change
	listed := map[string]bool{}
	for _, w := range want {
		listed[w.Key] = true
		i := slices.IndexFunc(p.Attributes, func(a domain.OrderAttribute) bool { return a.Key == w.Key })
		if i < 0 {
			items = append(items, catalogfile.Change{Action: catalogfile.Create, Kind: catalogfile.KindOrderAttribute, Key: w.Key, Plan: p.Key})
			continue
		}
		c := p.Attributes[i]
		var d diff
		d.text("label", &c.Label, w.Label)
		diffEnum(&d, "type", &c.Type, w.Type)
		d.bool("required", &c.Required, w.Required)
		values := strings.Join(c.Values, "\n")
		d.text("values", &values, strings.Join(w.Values, "\n"))
		d.int("position", &c.Position, w.Position)
		if !d.empty() {
			items = append(items, catalogfile.Change{Action: catalogfile.Update, Kind: catalogfile.KindOrderAttribute,
				Key: w.Key, Plan: p.Key, Fields: d.fields})
		}
	}
	for _, a := range p.Attributes {
		if !listed[a.Key] {
			items = append(items, catalogfile.Change{Action: catalogfile.Delete, Kind: catalogfile.KindOrderAttribute, Key: a.Key, Plan: p.Key})
		}
	}
	if len(items) == 0 {
		return nil, nil
	}
	p.Attributes = cloneAttrs(want)
	return items, ap.tx.ReplaceOrderAttributes(ap.ctx, p.ID, p.Attributes)
}

func cloneAttrs(attrs []domain.OrderAttribute) []domain.OrderAttribute {
	out := make([]domain.OrderAttribute, len(attrs))
	for i, a := range attrs {
		a.ID = 0
		a.Values = slices.Clone(a.Values)
		if a.Values == nil {
			a.Values = []string{}
		}
		out[i] = a
	}
	return out
}
