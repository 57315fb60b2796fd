package service

import (
	"cmp"
	"maps"
	"slices"
	"strconv"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Delegation: a plan made available to a reseller below is copied into that
// reseller's catalogue, as a plan of its own with the same key, its parent and
// ancestry naming the source, and its own prices. Applying a file syncs the copies of
// the plans it lists with their availability lists, deactivates the copies whose entry
// went away, and carries every change on down to the copies of those copies.

// copyJob is one delegated copy synced by this apply, with the plan it copies.
type copyJob struct {
	source *store.CatalogPlan
	copy   *store.CatalogPlan
	sync   *planSync
	change catalogfile.Change
}

// copyIndex finds the copies of plans by source and reseller, and by id.
type copyIndex struct {
	bySource map[int64]map[int64]*store.CatalogPlan // source id -> reseller id -> copy
	byID     map[int64]*store.CatalogPlan
}

func newCopyIndex(plans []*store.CatalogPlan) *copyIndex {
	idx := &copyIndex{bySource: map[int64]map[int64]*store.CatalogPlan{}, byID: map[int64]*store.CatalogPlan{}}
	for _, p := range plans {
		idx.put(p)
	}
	return idx
}

// put files p, in place of the copy of the same source in the same reseller.
func (idx *copyIndex) put(p *store.CatalogPlan) {
	copies := idx.bySource[p.ParentID]
	if copies == nil {
		copies = map[int64]*store.CatalogPlan{}
		idx.bySource[p.ParentID] = copies
	}
	if old := copies[p.ResellerID]; old != nil {
		delete(idx.byID, old.ID)
	}
	copies[p.ResellerID] = p
	idx.byID[p.ID] = p
}

func (idx *copyIndex) get(parentID, resellerID int64) *store.CatalogPlan {
	return idx.bySource[parentID][resellerID]
}

// copiesOf returns the copies of a plan, by reseller id.
func (idx *copyIndex) copiesOf(parentID int64) []*store.CatalogPlan {
	out := slices.Collect(maps.Values(idx.bySource[parentID]))
	slices.SortFunc(out, func(a, b *store.CatalogPlan) int { return cmp.Compare(a.ResellerID, b.ResellerID) })
	return out
}

// keyOf names a copy of the index by id (its id when it is not there).
func (idx *copyIndex) keyOf(id int64) string {
	if p := idx.byID[id]; p != nil {
		return p.Key
	}
	return strconv.FormatInt(id, 10)
}

// delegate syncs the copies of every plan the file lists, own plans and plans
// delegated to this reseller alike, then their descendants.
func (ap *applier) delegate(f *catalogfile.File) error {
	type source struct {
		plan *store.CatalogPlan
		list []catalogfile.Availability
	}
	var sources []source
	for _, p := range f.Plans {
		sources = append(sources, source{ap.st.Plans[p.Key], p.AvailableTo})
	}
	for _, d := range f.Delegated {
		sources = append(sources, source{ap.st.Plans[d.PlanKey], d.AvailableTo})
	}
	if len(sources) == 0 {
		return nil
	}
	// The copies of the plans the file lists, and of their switch targets: a copy's
	// switches point to the copies of its source's targets, which may be plans the
	// file does not list.
	var ids []int64
	seen := map[int64]bool{}
	for _, s := range sources {
		for _, id := range append([]int64{s.plan.ID}, switchTargets(s.plan)...) {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	copies, err := ap.tx.LoadPlanCopies(ap.ctx, ids)
	if err != nil {
		return err
	}
	idx := newCopyIndex(copies)
	var jobs []*copyJob
	for _, s := range sources {
		listed := map[int64]bool{}
		for i := range s.list {
			a := &s.list[i]
			listed[a.ResellerID] = true
			cur := idx.get(s.plan.ID, a.ResellerID)
			job, err := ap.syncCopy(s.plan, cur, availableWant(s.plan, a))
			if err != nil {
				return err
			}
			idx.put(job.copy)
			jobs = append(jobs, job)
		}
		for _, cur := range idx.copiesOf(s.plan.ID) {
			if listed[cur.ResellerID] || cur.Status == domain.PlanDeactivatedByProvider {
				continue
			}
			w := keepWant(cur)
			w.plan.Status = domain.PlanDeactivatedByProvider
			job, err := ap.syncCopy(s.plan, cur, w)
			if err != nil {
				return err
			}
			jobs = append(jobs, job)
		}
	}
	if err := ap.finishCopies(jobs, idx); err != nil {
		return err
	}
	return ap.propagate(jobs)
}

// propagate carries the changes of synced copies on to their own copies, level by
// level down the reseller tree. A downstream copy keeps its prices; it takes its
// source's structure, and is deactivated by provider while its source is not active.
func (ap *applier) propagate(level []*copyJob) error {
	for len(level) > 0 {
		var (
			parents []int64
			changed []*copyJob
		)
		for _, j := range level {
			if !j.sync.changed() {
				continue
			}
			changed = append(changed, j)
			parents = append(append(parents, j.copy.ID), switchTargets(j.copy)...)
		}
		if len(changed) == 0 {
			return nil
		}
		copies, err := ap.tx.LoadPlanCopies(ap.ctx, parents)
		if err != nil {
			return err
		}
		idx := newCopyIndex(copies)
		var next []*copyJob
		for _, j := range changed {
			for _, cur := range idx.copiesOf(j.copy.ID) {
				job, err := ap.syncCopy(j.copy, cur, inheritWant(j.copy, cur, oldFees(j.sync)))
				if err != nil {
					return err
				}
				next = append(next, job)
			}
		}
		if err := ap.finishCopies(next, idx); err != nil {
			return err
		}
		level = next
	}
	return nil
}

// switchTargets returns the ids of the plans p switches to.
func switchTargets(p *store.CatalogPlan) []int64 {
	out := make([]int64, len(p.Switches))
	for i, s := range p.Switches {
		out[i] = s.TargetID
	}
	return out
}

// syncCopy syncs one copy and prepares its change; finishCopies records it.
func (ap *applier) syncCopy(source, cur *store.CatalogPlan, w planWant) (*copyJob, error) {
	wasActive := cur != nil && cur.Status != domain.PlanDeactivatedByProvider
	sync, err := ap.syncPlan(cur, w)
	if err != nil {
		return nil, err
	}
	c := catalogfile.Change{Kind: catalogfile.KindDelegation, Key: sync.plan.Key, ResellerID: sync.plan.ResellerID}
	switch {
	case sync.created:
		c.Action = catalogfile.Create
	case wasActive && sync.plan.Status == domain.PlanDeactivatedByProvider:
		c.Action = catalogfile.Deactivate
	default:
		c.Action = catalogfile.Update
	}
	if !sync.created {
		c.Fields = append(c.Fields, sync.fields...)
		for _, it := range sync.items {
			c.Fields = append(c.Fields, itemFields(it)...)
		}
	}
	return &copyJob{source: source, copy: sync.plan, sync: sync, change: c}, nil
}

// itemFields names a change of a copy's period, resource or attribute as fields of
// the delegation: "periods.1m.recurring_fee", "resources.mailbox", "order_attributes.domain".
func itemFields(it catalogfile.Change) []catalogfile.FieldChange {
	group := map[catalogfile.Kind]string{catalogfile.KindPeriod: "periods", catalogfile.KindResource: "resources",
		catalogfile.KindOrderAttribute: "order_attributes"}[it.Kind]
	prefix := group + "." + it.Key
	if it.Action != catalogfile.Update || it.Kind == catalogfile.KindOrderAttribute {
		return []catalogfile.FieldChange{{Name: prefix}}
	}
	out := make([]catalogfile.FieldChange, len(it.Fields))
	for i, f := range it.Fields {
		f.Name = prefix + "." + f.Name
		out[i] = f
	}
	return out
}

// finishCopies syncs the switches of the copies, now that every copy exists, and
// records their changes. A copy switches to the copies of its source's targets in
// the same reseller, where there are such copies.
func (ap *applier) finishCopies(jobs []*copyJob, idx *copyIndex) error {
	for _, j := range jobs {
		var want []switchTo
		for _, s := range j.source.Switches {
			if t := idx.get(s.TargetID, j.copy.ResellerID); t != nil {
				want = append(want, switchTo{id: t.ID, key: t.Key, typ: s.Type})
			}
		}
		items, err := ap.syncSwitches(j.copy, want, idx.keyOf)
		if err != nil {
			return err
		}
		if len(items) > 0 && !j.sync.created {
			j.change.Fields = append(j.change.Fields, catalogfile.FieldChange{Name: "switch_to"})
			j.sync.items = append(j.sync.items, items...)
		}
		if j.sync.created || len(j.change.Fields) > 0 {
			ap.record(j.change)
		}
	}
	return nil
}

// ancestry is the delegation chain of a copy of p: p's own chain and p.
func ancestry(p *store.CatalogPlan) string {
	id := strconv.FormatInt(p.ID, 10)
	if p.Ancestry == "" {
		return id
	}
	return p.Ancestry + "/" + id
}

// copyFields are the fields a copy takes from its source.
func copyFields(src *store.CatalogPlan, resellerID int64) domain.Plan {
	return domain.Plan{ResellerID: resellerID, ProductID: src.ProductID, Key: src.Key, Name: src.Name,
		Description: src.Description, Public: src.Public, ServiceTermID: src.ServiceTermID,
		BillingType: src.BillingType, Currency: src.Currency, SKU: src.SKU, FixedPrice: src.FixedPrice,
		ParentID: src.ID, Ancestry: ancestry(src)}
}

// availableWant is the copy an availability entry asks for: the source with the
// entry's status, visibility and prices.
func availableWant(src *store.CatalogPlan, a *catalogfile.Availability) planWant {
	w := planWant{plan: copyFields(src, a.ResellerID), attrs: cloneAttrs(src.Attributes)}
	w.plan.Status = a.Status
	if src.Status != domain.PlanActive {
		w.plan.Status = domain.PlanDeactivatedByProvider
	}
	if a.Public != nil {
		w.plan.Public = *a.Public
	}
	for _, p := range src.Periods {
		if p.Deleted {
			continue
		}
		pp := p.PlanPeriod
		fees := a.Periods[pp.Key]
		override(&pp.SetupFee, fees.Setup)
		override(&pp.RecurringFee, fees.Recurring)
		override(&pp.RenewalFee, fees.Renewal)
		override(&pp.TransferFee, fees.Transfer)
		w.periods = append(w.periods, pp)
	}
	for _, r := range src.Resources {
		if r.Deleted {
			continue
		}
		pr := r.PlanResource
		fees := a.Resources[pr.Key]
		override(&pr.SetupFee, fees.Setup)
		override(&pr.RecurringFee, fees.Recurring)
		override(&pr.OveruseFee, fees.Overuse)
		override(&pr.RenewalFee, fees.Renewal)
		w.resources = append(w.resources, pr)
	}
	return w
}

func override(fee *domain.Amount, v *domain.Amount) {
	if v != nil {
		*fee = *v
	}
}

// oldFees returns the fees a sync changed, by "period/KEY/FEE" or "resource/KEY/FEE",
// with their values before the change.
func oldFees(ps *planSync) map[string]domain.Amount {
	out := map[string]domain.Amount{}
	for _, it := range ps.items {
		for _, f := range it.Fields {
			if f.Fee != nil {
				out[string(it.Kind)+"/"+it.Key+"/"+f.Name] = f.Fee.Old
			}
		}
	}
	return out
}

// inheritWant is what a downstream copy cur becomes when its source src changed: the
// source's structure with cur's own prices and visibility. A fee of cur that was the
// source's old fee (nobody downstream chose another) follows the source's change; a
// period or resource new to cur takes the source's fees.
func inheritWant(src, cur *store.CatalogPlan, old map[string]domain.Amount) planWant {
	w := planWant{plan: copyFields(src, cur.ResellerID), attrs: cloneAttrs(src.Attributes)}
	w.plan.Public = cur.Public
	w.plan.Status = cur.Status
	if src.Status != domain.PlanActive {
		w.plan.Status = domain.PlanDeactivatedByProvider
	}
	keep := func(kind, key, fee string, mine domain.Amount, theirs *domain.Amount) {
		if was, changed := old[kind+"/"+key+"/"+fee]; !changed || was != mine {
			*theirs = mine
		}
	}
	for _, p := range src.Periods {
		if p.Deleted {
			continue
		}
		pp := p.PlanPeriod
		if i := slices.IndexFunc(cur.Periods, func(c store.CatalogPeriod) bool { return c.Key == pp.Key }); i >= 0 {
			c, k := cur.Periods[i], string(catalogfile.KindPeriod)
			keep(k, pp.Key, "setup_fee", c.SetupFee, &pp.SetupFee)
			keep(k, pp.Key, "recurring_fee", c.RecurringFee, &pp.RecurringFee)
			keep(k, pp.Key, "renewal_fee", c.RenewalFee, &pp.RenewalFee)
			keep(k, pp.Key, "transfer_fee", c.TransferFee, &pp.TransferFee)
		}
		w.periods = append(w.periods, pp)
	}
	for _, r := range src.Resources {
		if r.Deleted {
			continue
		}
		pr := r.PlanResource
		if i := slices.IndexFunc(cur.Resources, func(c store.CatalogResource) bool { return c.Key == pr.Key }); i >= 0 {
			c, k := cur.Resources[i], string(catalogfile.KindResource)
			keep(k, pr.Key, "setup_fee", c.SetupFee, &pr.SetupFee)
			keep(k, pr.Key, "recurring_fee", c.RecurringFee, &pr.RecurringFee)
			keep(k, pr.Key, "overuse_fee", c.OveruseFee, &pr.OveruseFee)
			keep(k, pr.Key, "renewal_fee", c.RenewalFee, &pr.RenewalFee)
		}
		w.resources = append(w.resources, pr)
	}
	return w
}

// keepWant is cur as it is: what a withdrawn copy keeps besides its status.
func keepWant(cur *store.CatalogPlan) planWant {
	w := planWant{plan: cur.Plan, attrs: cloneAttrs(cur.Attributes)}
	for _, p := range cur.Periods {
		if !p.Deleted {
			w.periods = append(w.periods, p.PlanPeriod)
		}
	}
	for _, r := range cur.Resources {
		if !r.Deleted {
			w.resources = append(w.resources, r.PlanResource)
		}
	}
	return w
}
