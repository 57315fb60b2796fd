// Package catalogfile reads and checks declarative catalogue files: one YAML (or
// JSON) document listing a reseller's service terms, categories, products and plans,
// each under a stable key, and the reseller's payment methods. Parse checks the document on its own; Check checks its
// references against what is already stored. Both list every problem they find, with
// its line, column and field path, so a bad file is refused whole in one answer.
// The package knows neither SQL nor HTTP.
package catalogfile

import "github.com/cascade-billing/cascade/internal/domain"

// File is a parsed catalogue file. Keys name objects: a reference such as a plan's
// product is the key of an object of this file or of the stored catalogue.
type File struct {
	ServiceTerms []ServiceTerm
	// PaymentMethods are the ways the reseller's customers may pay.
	PaymentMethods []PaymentMethod
	Categories     []Category
	Products       []Product
	Plans          []Plan
	// Delegated lists plans this reseller received from upstream, to make them
	// available further down.
	Delegated []Delegation
	// Invoices are the reseller's invoices settings; nil when the file has none.
	Invoices *InvoiceSettings
	// AccountClasses are the installation's account classes, in the operator's
	// file only (account_classes.go).
	AccountClasses []AccountClass

	hasClasses bool // the file has the account_classes section
	classesAt  Pos  // where the section stands

	lim     Limits // the limits the file was read under
	entries int    // counted towards lim.Entries by Parse; Check adds delegated copies
}

// InvoiceSettings is the invoices entry: whether an external system (an ERP)
// manages the reseller's postpaid invoices, for it and the resellers below it that
// do not say otherwise.
type InvoiceSettings struct {
	ExternalManagement bool
}

// ServiceTerm is a service_terms entry.
type ServiceTerm struct {
	domain.ServiceTerm
	at *object
}

// PaymentMethod is a payment_methods entry.
type PaymentMethod struct {
	domain.PaymentMethod
	at *object
}

// Category is a categories entry.
type Category struct {
	domain.ProductCategory
	at *object
}

// Product is a products entry; CategoryKey names its category.
type Product struct {
	domain.Product
	CategoryKey string
	at          *object
	integration *object // the integration mapping; nil when absent or not a mapping
}

// Plan is a plans entry. Its Periods, Resources and OrderAttributes are in file
// order, which becomes their position.
type Plan struct {
	domain.Plan
	ProductKey      string
	ServiceTermKey  string // "" when none
	SwitchTo        []Switch
	OrderAttributes []domain.OrderAttribute
	AvailableTo     []Availability
	at              *object
}

// Switch is a switch_to entry: subscriptions of the plan may move to PlanKey.
type Switch struct {
	PlanKey string
	Type    domain.SwitchType
	at      *object
}

// Availability makes a plan available to a reseller strictly below the one applying
// the file, with that reseller's own prices.
type Availability struct {
	// Reseller is the reference as written: an id ("2") or a domain.
	Reseller string
	// ResellerID is the resolved reseller, set by Check.
	ResellerID int64
	Status     domain.PlanStatus
	Public     *bool // nil: as the plan
	// Prices override fees by period and resource key; a fee left out is the plan's.
	Periods   map[string]Fees
	Resources map[string]Fees
	at        *object
	priceAt   map[string]Pos // "periods/KEY" and "resources/KEY" -> where the key stands
}

// Fees are fee overrides; nil leaves the fee as the plan has it.
type Fees struct {
	Setup, Recurring, Renewal, Transfer, Overuse *domain.Amount
}

// Delegation is a delegated entry: a plan received from upstream, made available
// further down.
type Delegation struct {
	PlanKey     string
	AvailableTo []Availability
	at          *object
}

// ResellerRefs returns every reseller reference of the file, as written, for the
// caller to resolve before Check.
func (f *File) ResellerRefs() []string {
	var out []string
	for _, p := range f.Plans {
		for _, a := range p.AvailableTo {
			out = append(out, a.Reseller)
		}
	}
	for _, d := range f.Delegated {
		for _, a := range d.AvailableTo {
			out = append(out, a.Reseller)
		}
	}
	return out
}
