package domain

// Tariff is what an order is priced by: one period of a plan with its fees, and the
// plan's resources with their quantity rules and unit fees, in the plan's currency.
//
// Prices are locked: a subscription keeps the prices it was bought (or last renewed or
// switched) at until its next renewal. Sales, renewal and switch orders are priced by
// the plan's current prices (SalesTariff, RenewalTariff, SwitchTariff); the
// subscription stores their Snapshot, and its change and prolong orders are priced by
// the plan's current rules with the stored fees (WithPrices).
type Tariff struct {
	PlanID      int64
	Currency    string
	BillingType BillingType
	Period      PlanPeriod
	Resources   []PlanResource
}

// PeriodFees are a period's fees, as a subscription stores them.
type PeriodFees struct {
	Setup, Recurring, Renewal, Transfer Amount
}

// ResourceFees are a plan resource's unit fees, as a subscription stores them.
type ResourceFees struct {
	Setup, Recurring, Overuse, Renewal Amount
}

// PriceSnapshot is the prices a subscription was bought at: its period's fees and
// each plan resource's unit fees, by plan resource id.
type PriceSnapshot struct {
	Currency  string
	Period    PeriodFees
	Resources map[int64]ResourceFees
}

// Snapshot is t's prices, for the subscription an order on t creates, renews or switches.
func (t Tariff) Snapshot() PriceSnapshot {
	s := PriceSnapshot{
		Currency:  t.Currency,
		Period:    PeriodFees{t.Period.SetupFee, t.Period.RecurringFee, t.Period.RenewalFee, t.Period.TransferFee},
		Resources: make(map[int64]ResourceFees, len(t.Resources)),
	}
	for _, r := range t.Resources {
		s.Resources[r.ID] = ResourceFees{r.SetupFee, r.RecurringFee, r.OveruseFee, r.RenewalFee}
	}
	return s
}

// WithPrices is t with the fees of s: the plan's current resources and rules at the
// prices a subscription was bought at. A resource the snapshot does not know (added to
// the plan since) keeps the plan's current price.
func (t Tariff) WithPrices(s PriceSnapshot) Tariff {
	t.Currency = s.Currency
	f := s.Period
	t.Period.SetupFee, t.Period.RecurringFee, t.Period.RenewalFee, t.Period.TransferFee = f.Setup, f.Recurring, f.Renewal, f.Transfer
	rs := make([]PlanResource, len(t.Resources))
	for i, r := range t.Resources {
		if f, ok := s.Resources[r.ID]; ok {
			r.SetupFee, r.RecurringFee, r.OveruseFee, r.RenewalFee = f.Setup, f.Recurring, f.Overuse, f.Renewal
		}
		rs[i] = r
	}
	t.Resources = rs
	return t
}

// PtrPlanPeriod is where an order names its period.
const PtrPlanPeriod = "/data/attributes/plan_period_id"

// SalesTariff is the plan at its current prices for the period a sales order names;
// any of the plan's periods may be bought, a trial too.
func SalesTariff(plan Plan, periodID int64) (Tariff, error) {
	return planTariff(plan, periodID, func(PlanPeriod) bool { return true })
}

// SwitchTariff is the target plan of a switch order at its current prices: any of its
// periods but a trial, which only a new subscription may start with.
func SwitchTariff(plan Plan, periodID int64) (Tariff, error) {
	return planTariff(plan, periodID, func(p PlanPeriod) bool { return !p.Trial })
}

// RenewalTariff is the plan at its current prices for the period a renewal order
// names: a paid period that ends (a trial is not renewed into, an endless period is
// never renewed).
func RenewalTariff(plan Plan, periodID int64) (Tariff, error) {
	return planTariff(plan, periodID, func(p PlanPeriod) bool { return !p.Trial && p.Unit != UnitEndless })
}

func planTariff(plan Plan, periodID int64, allowed func(PlanPeriod) bool) (Tariff, error) {
	for _, p := range plan.Periods {
		if p.ID == periodID && allowed(p) {
			return Tariff{PlanID: plan.ID, Currency: plan.Currency, BillingType: plan.BillingType,
				Period: p, Resources: plan.Resources}, nil
		}
	}
	return Tariff{}, FieldError(PtrPlanPeriod, MsgPeriodNotInPlan)
}

// resource is the plan resource id of t, if t has it.
func (t Tariff) resource(id int64) (PlanResource, bool) {
	for _, r := range t.Resources {
		if r.ID == id {
			return r, true
		}
	}
	return PlanResource{}, false
}
