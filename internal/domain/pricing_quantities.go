package domain

import "fmt"

// Quantities are the total quantities of resources, by plan resource id: what a
// subscription has, or what an order asks for.
type Quantities map[int64]int64

// ResourceOrder is one entry of an order's resources list: a plan resource and the
// total quantity wanted. A change order's entries name subscription resources and
// additional quantities: the caller maps each to its plan resource (0 when the id names
// none of the subscription's) and to the total, included plus additional.
type ResourceOrder struct {
	PlanResourceID int64
	Quantity       int64
}

// LowestQuantity is the smallest total quantity r may have: its minimum, and never
// fewer than the included units.
func (r PlanResource) LowestQuantity() int64 { return max(r.Included, r.Minimum) }

// Allows reports whether q is a total quantity r may be ordered in: at least its
// lowest quantity, at most its limit unless unlimited, and 0 or 1 for an on/off feature.
func (r PlanResource) Allows(q int64) bool {
	switch {
	case q < r.LowestQuantity():
		return false
	case r.UnitOfMeasure == MeasureBoolean && q > 1:
		return false
	case !r.Unlimited && q > r.Limit:
		return false
	}
	return true
}

// ChargedUnits is how many units of a total quantity q are paid for: the additional
// units beyond the included ones, and never fewer than minimum minus included (with
// included 10 and minimum 15, at least 5 units are paid).
func (r PlanResource) ChargedUnits(q int64) int64 { return max(0, max(q, r.Minimum)-r.Included) }

// SalesQuantities checks the resources list of a sales order against t and returns the
// quantity of every resource of t. A resource left out gets none, unless it has a
// minimum (or included units): then it must be ordered.
func SalesQuantities(t Tariff, ordered []ResourceOrder) (Quantities, error) {
	return resolveQuantities(t, nil, ordered, quantityPolicy{missing: mustOrderAboveZero})
}

// SwitchQuantities checks the resources list of a switch order against the target
// tariff, as SalesQuantities does.
func SwitchQuantities(t Tariff, ordered []ResourceOrder) (Quantities, error) {
	return SalesQuantities(t, ordered)
}

// RenewalQuantities checks the resources list of a renewal order for a subscription
// with quantities current. Where the billing type lets a renewal change quantities, a
// resource the subscription has or must have has to be listed; where it does not, a
// listed quantity must equal the current one and a resource left out keeps it.
func RenewalQuantities(t Tariff, current Quantities, ordered []ResourceOrder) (Quantities, error) {
	return renewalQuantities(t, current, ordered, t.BillingType.Rules())
}

func renewalQuantities(t Tariff, current Quantities, ordered []ResourceOrder, rules BillingRules) (Quantities, error) {
	if !rules.RenewalQuantityChange {
		return resolveQuantities(t, current, ordered, quantityPolicy{missing: keepCurrent, fixed: true})
	}
	return resolveQuantities(t, current, ordered, quantityPolicy{missing: mustOrderHeld, decrease: true})
}

// ProlongQuantities checks the resources list of a prolong order: only the resources
// whose quantity changes for the next month are listed; the others keep theirs. A
// decrease needs a billing type that allows it on prolongation.
func ProlongQuantities(t Tariff, current Quantities, ordered []ResourceOrder) (Quantities, error) {
	return resolveQuantities(t, current, ordered, quantityPolicy{
		missing: keepCurrent, decrease: t.BillingType.Rules().DecreaseByProlong})
}

// ChangeQuantities checks the resources list of a change order (totals, see
// ResourceOrder): each listed quantity must differ from the current one, a decrease
// needs a billing type that allows it, and resources left out keep their quantity.
func ChangeQuantities(t Tariff, current Quantities, ordered []ResourceOrder) (Quantities, error) {
	return changeQuantities(t, current, ordered, t.BillingType.Rules())
}

func changeQuantities(t Tariff, current Quantities, ordered []ResourceOrder, rules BillingRules) (Quantities, error) {
	return resolveQuantities(t, current, ordered, quantityPolicy{
		missing: keepCurrent, decrease: rules.DecreaseByChange, mustDiffer: true,
		idField: "resource_id", qtyField: "additional"})
}

// quantityPolicy is how one kind of order treats its resources list.
type quantityPolicy struct {
	// missing is the quantity of a resource the list leaves out, or ok false when it
	// must be listed.
	missing    func(r PlanResource, current int64) (q int64, ok bool)
	fixed      bool // a listed quantity must equal the current one
	mustDiffer bool // a listed quantity must differ from the current one
	decrease   bool // a listed quantity may be below the current one
	// The names of an entry's members, for error pointers (plan_resource_id, quantity
	// unless set).
	idField, qtyField string
}

func mustOrderAboveZero(r PlanResource, _ int64) (int64, bool) {
	return 0, r.LowestQuantity() == 0
}

func mustOrderHeld(r PlanResource, current int64) (int64, bool) {
	return 0, r.LowestQuantity() == 0 && current == 0
}

func keepCurrent(_ PlanResource, current int64) (int64, bool) { return current, true }

// PtrOrderResources is where an order lists its resources.
const PtrOrderResources = "/data/attributes/resources"

func resolveQuantities(t Tariff, current Quantities, ordered []ResourceOrder, pol quantityPolicy) (Quantities, error) {
	if len(ordered) > len(t.Resources) {
		// Such a list repeats a resource or names one the plan lacks: refuse it whole
		// rather than answer a problem for each of its (up to the body limit) entries.
		return nil, FieldError(PtrOrderResources, MsgTooManyValues, len(t.Resources))
	}
	idField, qtyField := "plan_resource_id", "quantity"
	if pol.idField != "" {
		idField, qtyField = pol.idField, pol.qtyField
	}
	var p Problems
	out := make(Quantities, len(t.Resources))
	listed := make(map[int64]bool, len(ordered))
	for i, o := range ordered {
		at := fmt.Sprintf("%s/data/%d/", PtrOrderResources, i)
		r, ok := t.resource(o.PlanResourceID)
		switch {
		case !ok:
			p.Add(at+idField, MsgResourceNotInPlan)
			continue
		case listed[o.PlanResourceID]:
			p.Add(at+idField, MsgResourceOrderedTwice)
			continue
		}
		listed[o.PlanResourceID] = true
		cur := current[o.PlanResourceID]
		switch {
		case pol.fixed && o.Quantity != cur:
			p.Add(at+qtyField, MsgResourceQuantityFixed, cur)
		case !r.Allows(o.Quantity):
			p.Add(at+qtyField, MsgResourceAmountInvalid)
		case pol.mustDiffer && o.Quantity == cur:
			p.Add(at+qtyField, MsgResourceUnchanged)
		case current != nil && !pol.fixed && !pol.decrease && o.Quantity < cur:
			p.Add(at+qtyField, MsgResourceDowngrade)
		}
		out[o.PlanResourceID] = o.Quantity
	}
	for _, r := range t.Resources {
		if listed[r.ID] {
			continue
		}
		q, ok := pol.missing(r, current[r.ID])
		if !ok {
			p.Add(PtrOrderResources, MsgResourceMustBeOrdered)
			continue
		}
		out[r.ID] = q
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
