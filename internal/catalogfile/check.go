package catalogfile

import (
	"github.com/cascade-billing/cascade/internal/domain"
)

// Stored is what Check needs to know of the catalogue already stored for the
// reseller applying the file, and of the resellers the file names.
type Stored struct {
	ServiceTerms map[string]bool
	Categories   map[string]bool
	Products     map[string]bool
	Plans        map[string]StoredPlan // the reseller's plans by key
	// Resellers resolves each reference of File.ResellerRefs; a reference missing
	// here names no reseller.
	Resellers map[string]StoredReseller
	// DownstreamPlans holds, for each resolved reseller, its plans' keys and the plan
	// each was delegated from (0 for its own plans).
	DownstreamPlans map[int64]map[string]int64
	// Operator is whether the reseller applying the file is the operator, the only
	// one that sets account classes.
	Operator bool
	// AccountClasses are the stored account classes by key.
	AccountClasses map[string]StoredClass
}

// StoredPlan is a stored plan of the reseller applying the file.
type StoredPlan struct {
	ID        int64
	Delegated bool // received from upstream
	Currency  string
	Periods   map[string]bool // keys of the periods still offered
	Resources map[string]bool // keys of the resources still offered
	// Entries is what a copy of the plan counts towards Limits.Entries (PlanEntries).
	Entries int
}

// StoredReseller is a resolved reseller reference.
type StoredReseller struct {
	ID    int64
	Below bool // strictly below the reseller applying the file
}

// Check checks the file's references against the stored catalogue and sets each
// availability's ResellerID. It returns an *Invalid listing every problem, or nil.
func (f *File) Check(st Stored) error {
	var ps problems
	f.checkAccountClasses(&ps, st)
	terms := keySet(st.ServiceTerms)
	cats := keySet(st.Categories)
	prods := keySet(st.Products)
	plans := map[string]bool{}
	for k := range st.Plans {
		plans[k] = true
	}
	for _, t := range f.ServiceTerms {
		terms[t.Key] = true
	}
	for _, c := range f.Categories {
		cats[c.Key] = true
	}
	for _, p := range f.Products {
		prods[p.Key] = true
		if p.CategoryKey != "" && !cats[p.CategoryKey] {
			ps.add(p.at.pos("category"), domain.MsgUnknownCategory, p.CategoryKey)
		}
	}
	for _, p := range f.Plans {
		plans[p.Key] = true
	}
	for i := range f.Plans {
		p := &f.Plans[i]
		if p.ProductKey != "" && !prods[p.ProductKey] {
			ps.add(p.at.pos("product"), domain.MsgUnknownProduct, p.ProductKey)
		}
		if p.ServiceTermKey != "" && !terms[p.ServiceTermKey] {
			ps.add(p.at.pos("service_term"), domain.MsgUnknownServiceTerm, p.ServiceTermKey)
		}
		stored, exists := st.Plans[p.Key]
		if exists && stored.Delegated {
			ps.add(p.at.pos("key"), domain.MsgPlanIsDelegated, p.Key)
		}
		if exists && !stored.Delegated && p.Currency != "" && stored.Currency != p.Currency {
			// Prices are amounts in the plan's currency: changing it would silently
			// reprice every period and resource.
			ps.add(p.at.pos("currency"), domain.MsgNotUpdatable)
		}
		for _, s := range p.SwitchTo {
			if s.PlanKey != "" && s.PlanKey != p.Key && !plans[s.PlanKey] {
				ps.add(s.at.pos("plan"), domain.MsgUnknownPlan, s.PlanKey)
			}
		}
		var id int64
		if exists {
			id = stored.ID
		}
		checkAvailability(&ps, st, p.Key, id, p.AvailableTo, nil)
	}
	entries := f.entries
	for _, d := range f.Delegated {
		stored, ok := st.Plans[d.PlanKey]
		if d.PlanKey != "" && (!ok || !stored.Delegated) {
			ps.add(d.at.pos("plan"), domain.MsgPlanNotDelegated, d.PlanKey)
			continue
		}
		checkAvailability(&ps, st, d.PlanKey, stored.ID, d.AvailableTo, &stored)
		// Parse counted the plan row of each copy; the rest of a copy is stored.
		more := len(d.AvailableTo) * max(stored.Entries-1, 0)
		if entries <= f.lim.Entries && entries+more > f.lim.Entries {
			ps.add(d.at.at(), domain.MsgCatalogEntries, f.lim.Entries, LimitEntries)
		}
		entries += more
	}
	return ps.err()
}

// checkAvailability resolves the resellers of an available_to list. A delegated plan's
// price keys are checked against its stored periods and resources (those of a plan of
// the file were checked by Parse).
func checkAvailability(ps *problems, st Stored, planKey string, planID int64, list []Availability, stored *StoredPlan) {
	seen := map[int64]bool{}
	for i := range list {
		a := &list[i]
		if a.Reseller == "" {
			continue
		}
		r, ok := st.Resellers[a.Reseller]
		switch {
		case !ok || !r.Below:
			ps.add(a.at.pos("reseller"), domain.MsgResellerNotBelow, a.Reseller)
			continue
		case seen[r.ID]:
			ps.add(a.at.pos("reseller"), domain.MsgDuplicate, a.Reseller)
			continue
		}
		seen[r.ID] = true
		a.ResellerID = r.ID
		if parent, taken := st.DownstreamPlans[r.ID][planKey]; taken && (planID == 0 || parent != planID) {
			ps.add(a.at.pos("reseller"), domain.MsgDownstreamKeyTaken, r.ID, planKey)
		}
		if stored == nil {
			continue
		}
		for k := range a.Periods {
			if !stored.Periods[k] {
				ps.add(a.priceAt["periods/"+k], domain.MsgUnknownPeriod, k)
			}
		}
		for k := range a.Resources {
			if !stored.Resources[k] {
				ps.add(a.priceAt["resources/"+k], domain.MsgUnknownResource, k)
			}
		}
	}
}

func keySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
