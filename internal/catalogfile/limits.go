package catalogfile

import "github.com/cascade-billing/cascade/internal/domain"

// Limits cap what one catalogue file may hold. Applying a file writes everything it
// describes in one transaction that holds the catalogue lock, and reading it costs
// memory in proportion to its entries, so no file, however it is written, may ask for
// unbounded time or memory. A file over a limit is refused with a problem naming the
// limit and its value, before the database is touched.
type Limits struct {
	ServiceTerms int // entries of service_terms
	// PaymentMethods caps the entries of payment_methods.
	PaymentMethods int
	Categories     int // entries of categories
	Products       int // entries of products
	Plans          int // entries of plans, and of delegated
	Periods        int // periods of a plan, and period prices of an available_to entry
	Resources      int // resources of a plan, and resource prices of an available_to entry
	Attributes     int // order attributes of a plan
	Values         int // values of an order attribute
	Switches       int // switch_to entries of a plan
	Targets        int // available_to entries of a plan or of a delegated entry
	// Entries caps everything the file writes together: its service terms,
	// payment methods, categories, products and plans, each plan's periods, resources, switches, order
	// attributes and their values, all of a plan counted once more for every reseller
	// it is made available to (each gets a copy).
	Entries int
}

// Names of the limits, as problems and configuration show them.
const (
	LimitServiceTerms   = "max_service_terms"
	LimitPaymentMethods = "max_payment_methods"
	LimitCategories     = "max_categories"
	LimitProducts       = "max_products"
	LimitPlans          = "max_plans"
	LimitPeriods        = "max_periods"
	LimitResources      = "max_resources"
	LimitAttributes     = "max_attributes"
	LimitValues         = "max_values"
	LimitSwitches       = "max_switches"
	LimitTargets        = "max_targets"
	LimitEntries        = "max_entries"
)

// DefaultLimits returns limits well above real catalogues that still keep the
// largest file they allow to seconds of work on either engine (docs/catalog.md).
func DefaultLimits() Limits {
	return Limits{ServiceTerms: 1000, PaymentMethods: 100, Categories: 1000, Products: 10_000, Plans: 10_000, Periods: 100,
		Resources: 200, Attributes: 100, Values: 1000, Switches: 1000, Targets: 1000, Entries: 100_000}
}

// LimitSetting is one limit as configuration names it.
type LimitSetting struct {
	Name  string // e.g. max_plans
	Usage string // what it caps
	Value *int
}

// Settings lists the limits of l with their names, so that configuration can set
// each through Value.
func (l *Limits) Settings() []LimitSetting {
	return []LimitSetting{
		{LimitServiceTerms, "service terms per catalogue file", &l.ServiceTerms},
		{LimitPaymentMethods, "payment methods per catalogue file", &l.PaymentMethods},
		{LimitCategories, "categories per catalogue file", &l.Categories},
		{LimitProducts, "products per catalogue file", &l.Products},
		{LimitPlans, "plans (and delegated entries) per catalogue file", &l.Plans},
		{LimitPeriods, "periods per plan", &l.Periods},
		{LimitResources, "resources per plan", &l.Resources},
		{LimitAttributes, "order attributes per plan", &l.Attributes},
		{LimitValues, "values per order attribute", &l.Values},
		{LimitSwitches, "switch_to entries per plan", &l.Switches},
		{LimitTargets, "available_to entries per plan or delegated entry", &l.Targets},
		{LimitEntries, "entries one catalogue file writes, delegated copies included", &l.Entries},
	}
}

// PlanEntries is what a plan with these parts counts towards Limits.Entries, for
// itself and again for each copy of it: the plan, its periods, resources and switches,
// and its order attributes with their values.
func PlanEntries(periods, resources, switches int, attrs []domain.OrderAttribute) int {
	n := 1 + periods + resources + switches
	for _, a := range attrs {
		n += 1 + len(a.Values)
	}
	return n
}
