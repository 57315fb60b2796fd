package domain

// The catalogue: what a reseller sells. Categories group products; a product holds
// plans; a plan offers periods (with their fees) and resources (with quantities and
// unit prices), may be switched to other plans, and may ask for order attributes.
// Every catalogue object belongs to one reseller and carries a Key, stable across
// catalogue files, by which `cascade catalog apply` finds it again.

// ProductCategory groups products in the stores.
type ProductCategory struct {
	ID          int64
	ResellerID  int64
	Key         string
	Name        string
	Description string
	Priority    int
	Public      bool
	Logo        string // URL; empty when none
	Timestamps
}

// ProvisioningMode says how a product's subscriptions are provisioned on the vendor side.
type ProvisioningMode string

// Provisioning modes of seeds/product-integration-settings.txt.
const (
	ProvisioningManual    ProvisioningMode = "manual"    // every operation e-mailed to ManualEmail
	ProvisioningAutomatic ProvisioningMode = "automatic" // every operation called on APIPath
)

// Integration is a product's vendor integration settings.
type Integration struct {
	Mode        ProvisioningMode
	ManualEmail string // where manual mode sends its notifications
	APIPath     string // base URL of the vendor's API service, automatic mode
	// The four toggles of the automatic mode.
	AllowOrderAttributes    bool
	AllowUsageURL           bool
	AllowConsumptionURL     bool
	AllowResourceValidation bool
}

// Product is what a reseller sells: a vendor's service, grouped in a category.
type Product struct {
	ID          int64
	ResellerID  int64
	Key         string
	Name        string
	Type        string // product type: free text, filterable in the Customer Store
	CategoryID  int64
	Category    *ProductCategory // loaded with the product
	Description string
	Public      bool
	Priority    int
	VendorName  string
	Integration Integration
	Timestamps
}

// ServiceTerm (formerly plan class) is a reusable set of subscription terms; plans
// name it as plan_class_id.
type ServiceTerm struct {
	ID         int64
	ResellerID int64
	Key        string
	Name       string
	BillingDay int // day of the month charges are processed, 1..28
	TermSettings
	Timestamps
}

// PlanStatus is whether a plan can be sold.
type PlanStatus string

// Plan statuses; the last is a delegated plan switched off by the upstream reseller.
const (
	PlanActive                PlanStatus = "active"
	PlanInactive              PlanStatus = "inactive"
	PlanDeactivatedByProvider PlanStatus = "deactivated by provider"
)

// Plan is a priced offer of a product: periods, resources and terms. A delegated plan
// is the copy of an upstream plan made available to a downstream reseller, with that
// reseller's own prices; ParentID and Ancestry name where it came from.
type Plan struct {
	ID            int64
	ResellerID    int64
	ProductID     int64
	Key           string
	Name          string
	Description   string
	Status        PlanStatus
	Public        bool
	ServiceTermID int64 // the API's plan_class_id; 0 when none
	BillingType   BillingType
	Currency      string
	SKU           string
	FixedPrice    bool
	ParentID      int64  // the plan this one was delegated from; 0 for own plans
	Ancestry      string // ids of the delegation chain from the root, "1/7"; empty for own plans
	Periods       []PlanPeriod
	Resources     []PlanResource
	Timestamps
}

// PeriodUnit is the unit of a plan period's duration.
type PeriodUnit string

// Period units; an endless period never expires.
const (
	UnitDays    PeriodUnit = "days"
	UnitMonths  PeriodUnit = "months"
	UnitYears   PeriodUnit = "years"
	UnitEndless PeriodUnit = "endless"
)

// PlanPeriod is one term a plan is sold for, with its fees. A sales order charges
// setup + recurring; a renewal charges recurring + renewal.
type PlanPeriod struct {
	ID           int64
	PlanID       int64
	Key          string
	Duration     int // in Unit; 0 when Unit is endless
	Unit         PeriodUnit
	Trial        bool
	SetupFee     Amount
	RecurringFee Amount // per month
	RenewalFee   Amount
	TransferFee  Amount
	Position     int
}

// UnitOfMeasure is how a resource is counted.
type UnitOfMeasure string

// Units of measure: countable units, or an on/off feature.
const (
	MeasureUnit    UnitOfMeasure = "unit"
	MeasureBoolean UnitOfMeasure = "boolean"
)

// PlanResource is a resource a plan sells: included, minimum and maximum quantities,
// and per-unit prices for units beyond the included ones.
type PlanResource struct {
	ID            int64
	PlanID        int64
	Key           string
	Name          string
	UnitOfMeasure UnitOfMeasure
	Measurable    bool
	Included      int64
	Minimum       int64 // at least Included; Minimum-Included units are always charged
	Limit         int64 // the most that can be ordered; ignored when Unlimited
	Unlimited     bool
	SetupFee      Amount // per unit
	RecurringFee  Amount // per unit and month
	OveruseFee    Amount // per unit used beyond the included quantity
	RenewalFee    Amount // per unit
	Public        bool
	Position      int
}

// SwitchType is when a switch to another plan takes effect.
type SwitchType string

// Switch types of the switchable_plans filter.
const (
	SwitchImmediate SwitchType = "immediate_switch"
	SwitchDelayed   SwitchType = "delayed_switch" // at a later date, such as the renewal
)

// PlanSwitch allows subscriptions on PlanID to move to TargetID.
type PlanSwitch struct {
	PlanID   int64
	TargetID int64
	Type     SwitchType
}

// OrderAttributeType is the kind of value an order attribute takes.
type OrderAttributeType string

// Order attribute types.
const (
	AttrString   OrderAttributeType = "string"
	AttrText     OrderAttributeType = "text"
	AttrNumber   OrderAttributeType = "number"
	AttrCheckbox OrderAttributeType = "checkbox"
	AttrDate     OrderAttributeType = "date"
	AttrEmail    OrderAttributeType = "email"
	AttrList     OrderAttributeType = "list"
)

// OrderAttributeTypes lists every type, for validation and documentation.
var OrderAttributeTypes = []OrderAttributeType{AttrString, AttrText, AttrNumber, AttrCheckbox, AttrDate, AttrEmail, AttrList}

// OrderAttribute is a value a plan's provisioning needs from the customer at order
// time, such as a domain name.
type OrderAttribute struct {
	ID       int64
	PlanID   int64
	Key      string
	Label    string
	Type     OrderAttributeType
	Required bool
	Values   []string // allowed values; empty means any
	Position int
}
