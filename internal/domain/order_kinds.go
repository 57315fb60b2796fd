package domain

import "fmt"

// Orders on an existing subscription: change, switch, renewal and prolong orders.
// Their bodies share one shape (SubscriptionOrderInput); what each kind asks for is
// checked by its Validate, priced by its Quote function (pricing.go) and, once the
// vendor confirms it, applied to the subscription by Subscription.ApplyOrder.

// Pointers of the attributes of orders on a subscription.
const (
	PtrOrderSubscription = "/data/attributes/subscription_id"
	PtrOrderPlan         = "/data/attributes/plan_id"
	PtrOrderSwitchType   = "/data/attributes/switch_type"
)

// ResourceChange is one entry of a change order's resources list: a subscription
// resource and the additional quantity it is to have on top of the included one.
type ResourceChange struct {
	SubscriptionResourceID int64
	Additional             int64
}

// SubscriptionOrderInput is the body of a change, switch, renewal or prolong order
// as the API takes it; nil is absent. Kind says which, and so which fields it needs.
type SubscriptionOrderInput struct {
	Kind                 OrderKind
	SubscriptionID       *int64
	PlanID, PlanPeriodID *int64 // switch: both; renewal: the period
	SwitchType           *string
	Resources            []ResourceOrder  // switch, renewal and prolong orders
	Changes              []ResourceChange // change orders
	PromoCode            string
}

// SubscriptionOrderRequest is a checked SubscriptionOrderInput.
type SubscriptionOrderRequest struct {
	Kind                 OrderKind
	SubscriptionID       int64
	PlanID, PlanPeriodID int64
	SwitchType           SwitchType
	Resources            []ResourceOrder
	Changes              []ResourceChange
	PromoCode            string
}

// Validate checks what can be checked of in without the database, reporting every
// problem at once, each at its pointer.
func (in SubscriptionOrderInput) Validate() (SubscriptionOrderRequest, error) {
	var p Problems
	out := SubscriptionOrderRequest{Kind: in.Kind, Resources: in.Resources, Changes: in.Changes, PromoCode: in.PromoCode}
	id := func(v *int64, ptr string) int64 {
		switch {
		case v == nil:
			p.Add(ptr, MsgRequired)
		case *v <= 0:
			p.Add(ptr, MsgInvalidID)
		default:
			return *v
		}
		return 0
	}
	out.SubscriptionID = id(in.SubscriptionID, PtrOrderSubscription)
	switch in.Kind {
	case SwitchOrder:
		out.PlanID = id(in.PlanID, PtrOrderPlan)
		out.PlanPeriodID = id(in.PlanPeriodID, PtrPlanPeriod)
		if in.SwitchType == nil || SwitchType(*in.SwitchType) != SwitchImmediate && SwitchType(*in.SwitchType) != SwitchDelayed {
			p.Add(PtrOrderSwitchType, MsgSwitchTypeRequired)
		} else {
			out.SwitchType = SwitchType(*in.SwitchType)
		}
	case RenewalOrder:
		out.PlanPeriodID = id(in.PlanPeriodID, PtrPlanPeriod)
	}
	p.checkPromoCode(in.PromoCode)
	return out, p.Err()
}

// String renders a request for logs.
func (r SubscriptionOrderRequest) String() string {
	return fmt.Sprintf("%s of subscription %d", r.Kind, r.SubscriptionID)
}

// Quantities is the total quantity of each of s's resources, by plan resource id.
func (s *Subscription) Quantities() Quantities {
	q := make(Quantities, len(s.Resources))
	for _, r := range s.Resources {
		q[r.PlanResourceID] = r.Quantity()
	}
	return q
}

// ChangeOrders maps a change order's entries to the resources list the quantity
// rules take: each subscription resource to its plan resource (0 when s has no such
// resource, which the rules refuse) and its additional quantity to the total.
func (s *Subscription) ChangeOrders(changes []ResourceChange) []ResourceOrder {
	out := make([]ResourceOrder, len(changes))
	for i, c := range changes {
		out[i] = ResourceOrder{Quantity: c.Additional}
		for _, r := range s.Resources {
			if r.ID == c.SubscriptionResourceID {
				out[i] = ResourceOrder{PlanResourceID: r.PlanResourceID, Quantity: r.Included + c.Additional}
			}
		}
	}
	return out
}

// Lines are the order lines of a resources list of totals by plan resource.
func Lines(ordered []ResourceOrder) []OrderLine {
	out := make([]OrderLine, len(ordered))
	for i, r := range ordered {
		out[i] = OrderLine{PlanResourceID: r.PlanResourceID, Quantity: r.Quantity}
	}
	return out
}

// OrderedQuantities are the quantities an order's lines ask for over base: a listed
// plan resource takes its line's total quantity, the others keep base's.
func OrderedQuantities(lines []OrderLine, base Quantities) Quantities {
	out := make(Quantities, len(base)+len(lines))
	for id, q := range base {
		out[id] = q
	}
	for _, l := range lines {
		out[l.PlanResourceID] = l.Quantity
	}
	return out
}

// PaidTerm is the stretch of s that its last payment covers, which a change or a
// switch is prorated over: the current month for a subscription paid month by month
// (rules.Prolong) or an endless one, the current period of p otherwise. today places
// the month of an endless subscription.
func (s *Subscription) PaidTerm(p PlanPeriod, rules BillingRules, today Date) (Term, error) {
	switch {
	case s.ExpirationDate.IsZero():
		start := s.StartDate
		for n := 1; !start.AddMonths(1).After(today); n++ {
			start = s.StartDate.AddMonths(n)
		}
		return MonthTerm(start), nil
	case rules.Prolong && !s.PaidTo.IsZero():
		return Term{Start: s.PaidMonthStart(), End: s.PaidTo, Months: WholeMonths(1)}, nil
	}
	months, err := PeriodMonths(p)
	if err != nil {
		return Term{}, err
	}
	start := previousPeriodStart(s.Anchor(), s.ExpirationDate, p)
	if start.Before(s.StartDate) {
		start = s.StartDate
	}
	return Term{Start: start, End: s.ExpirationDate, Months: months}, nil
}

// periodStartBefore is the day a period of p that ends on end started.
func periodStartBefore(end Date, p PlanPeriod) Date {
	switch p.Unit {
	case UnitDays:
		return end.AddDays(-p.Duration)
	case UnitYears:
		return end.AddMonths(-12 * p.Duration)
	}
	return end.AddMonths(-p.Duration)
}

// RenewalProvisioningDate is the day a renewal ordered on today is provisioned:
// the expiration date for a billing type that renews late (DelayedRenewal) while it
// is still ahead, zero (as soon as accepted) otherwise.
func (s *Subscription) RenewalProvisioningDate(rules BillingRules, today Date) Date {
	if rules.DelayedRenewal && s.ExpirationDate.After(today) {
		return s.ExpirationDate
	}
	return Date{}
}

// ProlongProvisioningDate is the day a prolong order ordered on today is
// provisioned: its paid-to date when it changes quantities before then (the new
// quantities start with the month it pays), zero (as soon as accepted) otherwise.
func (s *Subscription) ProlongProvisioningDate(changes bool, today Date) Date {
	if changes && s.PaidTo.After(today) {
		return s.PaidTo
	}
	return Date{}
}

// CheckSwitch refuses a switch of s, on a plan whose billing rules are rules, to
// target by type st on today: the target must be active and among the switches the
// current plan declares with that type (422 Can not switch to plan with id); a delayed
// switch needs a billing type that has one and a subscription paid to its expiration
// date, and then waits for that date, which it returns (zero for an immediate switch).
func (s *Subscription) CheckSwitch(target *Plan, switches []PlanSwitch, st SwitchType, rules BillingRules, today Date) (Date, error) {
	declared := false
	for _, sw := range switches {
		declared = declared || sw.TargetID == target.ID && sw.Type == st
	}
	if !declared || target.Status != PlanActive || target.ID == s.PlanID {
		return Date{}, FieldError(PtrOrderPlan, MsgSwitchTargetRefused)
	}
	if st != SwitchDelayed {
		return Date{}, nil
	}
	if !rules.DelayedSwitch || s.ExpirationDate.IsZero() || s.PaidTo != s.ExpirationDate || !s.ExpirationDate.After(today) {
		return Date{}, FieldError(PtrOrderSwitchType, MsgDelayedSwitchRefused)
	}
	return s.ExpirationDate, nil
}

// setQuantities makes s's resources those of t at quantities q: each keeps its row
// (by plan resource) when it has one, with t's included units and the rest additional.
// Resources of s that t does not have are left out.
func (s *Subscription) setQuantities(t Tariff, q Quantities) {
	have := make(map[int64]SubscriptionResource, len(s.Resources))
	for _, r := range s.Resources {
		have[r.PlanResourceID] = r
	}
	out := make([]SubscriptionResource, 0, len(t.Resources))
	for _, pr := range t.Resources {
		r := have[pr.ID]
		r.PlanResourceID, r.Included, r.Additional = pr.ID, pr.Included, max(0, q[pr.ID]-pr.Included)
		out = append(out, r)
	}
	s.Resources = out
}

// Completion is what a completed order changes on its subscription: the order, the
// tariff it moves the subscription to (the current plan for a change or prolong order,
// the target plan for a switch, the renewed period for a renewal; prices are taken
// from it only for a switch or renewal), and the day it completes on.
type Completion struct {
	Order  *Order
	Tariff Tariff
	Plan   *Plan // the plan of Tariff
	Today  Date
}

// ApplyOrder makes s what its order asked for, once the vendor has confirmed it:
//   - change: the listed resources take their new additional quantities;
//   - prolong: the listed quantities, and paid-to one month on, counted from the
//     anchor (never past expiration);
//   - renewal: the period and the prices of the renewal, the quantities ordered, and
//     the expiration date one period on from the current one, counted from the
//     subscription's anchor (period_anchor.go);
//   - switch: the target plan, period, resources and prices; the dates stay, but a
//     switch out of a trial starts a new period today.
func (s *Subscription) ApplyOrder(c Completion) {
	o, t := c.Order, c.Tariff
	rules := t.BillingType.Rules()
	switch o.Kind {
	case ChangeOrder:
		for i := range s.Resources {
			for _, l := range o.Lines {
				if s.Resources[i].ID == l.SubscriptionResourceID {
					s.Resources[i].Additional = l.Quantity
				}
			}
		}
	case ProlongOrder:
		s.setQuantities(t, OrderedQuantities(o.Lines, s.Quantities()))
		s.PaidTo = s.nextPaidTo(s.PaidTo)
		if !s.ExpirationDate.IsZero() && s.PaidTo.After(s.ExpirationDate) {
			s.PaidTo = s.ExpirationDate
		}
	case RenewalOrder:
		s.setQuantities(t, OrderedQuantities(o.Lines, s.Quantities()))
		s.PlanPeriodID, s.Trial, s.Prices = t.Period.ID, false, t.Snapshot()
		from, anchor := s.ExpirationDate, s.Anchor()
		if from.IsZero() {
			from, anchor = c.Today, c.Today
		}
		s.ExpirationDate, anchor, _ = NextPeriodEnd(anchor, from, t.Period)
		if anchor != s.StartDate {
			s.PeriodAnchor = anchor
		}
		s.PaidTo = s.ExpirationDate
		if rules.Prolong {
			s.PaidTo = s.nextPaidTo(from)
		}
	case SwitchOrder:
		q := OrderedQuantities(o.Lines, Quantities{})
		s.setQuantities(t, q)
		wasTrial := s.Trial
		s.PlanID, s.PlanPeriodID, s.Trial, s.Prices = t.PlanID, t.Period.ID, t.Period.Trial, t.Snapshot()
		if c.Plan != nil {
			s.Name, s.FixedPrice = SubscriptionName(*c.Plan), c.Plan.FixedPrice
		}
		if wasTrial {
			s.StartDate, s.ExpirationDate, s.PaidTo = ActivePeriod(c.Today, t.Period, rules)
			s.PeriodAnchor = Date{} // a new first period: the count starts on its start
		}
	}
}
