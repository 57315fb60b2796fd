// Package vendorkit is the vendor's side of Cascade's provisioning protocol
// (docs/vendor-protocol.md): the typed payloads of every call, the verification of
// their signatures, deduplication by event id, and an http.Handler that routes the
// documented paths to a vendor's functions. Cascade's own client uses the same
// types, so both sides read one definition.
package vendorkit

// The shared payload objects. Field names are those of the protocol; attribute maps
// hold the product attributes a vendor defined, key to value.

// Reseller is the reseller that sold the subscription.
type Reseller struct {
	ID             int64             `json:"id"`
	Name           string            `json:"name"`
	CompanyName    string            `json:"company_name"`
	FirstAddress   string            `json:"first_address"`
	SecondAddress  string            `json:"second_address"`
	City           string            `json:"city"`
	Region         string            `json:"region"`
	Zip            string            `json:"zip"`
	Country        string            `json:"country"`
	CompanyPhone   string            `json:"company_phone"`
	CompanyEmail   string            `json:"company_email"`
	Currency       string            `json:"currency"`
	Attributes     map[string]string `json:"attributes"`
	CoreAttributes map[string]string `json:"core_attributes"`
}

// Distributor is the reseller that received the vendor's product: the operator of
// the installation.
type Distributor struct {
	ID         int64             `json:"id"`
	Name       string            `json:"name"`
	Region     string            `json:"region"`
	Currency   string            `json:"currency"`
	Attributes map[string]string `json:"attributes"`
}

// Tenant is the customer's account.
type Tenant struct {
	ID          int64   `json:"id"`
	CompanyName string  `json:"company_name"`
	Type        string  `json:"type"`
	Contact     Contact `json:"contact"`
	Owner       Owner   `json:"owner"`
}

// Contact is a tenant's general contact information.
type Contact struct {
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Zip          string `json:"zip"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country"` // ISO 3166-1 alpha-2
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	Fax          string `json:"fax"`
	AddressLine1 string `json:"address_line_1"`
	AddressLine2 string `json:"address_line_2"`
}

// Owner is the user with owner rights in a tenant.
type Owner struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Phone     string `json:"phone"`
}

// Plan is the service plan subscribed to, with the resources as ordered.
type Plan struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	SKU         string         `json:"sku"`
	Resources   []PlanResource `json:"resources"`
	Period      Period         `json:"period"`
}

// PlanResource is one ordered resource of a plan.
type PlanResource struct {
	Resource string `json:"resource"` // the resource's id in the installation
	Key      string `json:"key"`      // the resource's key in the catalogue
	Quantity int64  `json:"quantity"`
}

// Period is a plan's duration.
type Period struct {
	Value int    `json:"value"`
	Type  string `json:"type"` // PeriodDay, PeriodMonth or PeriodYear
}

// Units of a Period.
const (
	PeriodDay   = "Day"
	PeriodMonth = "Month"
	PeriodYear  = "Year"
)

// Subscription is the installation's subscription.
type Subscription struct {
	ID         string            `json:"id"`
	Attributes map[string]string `json:"attributes"`
}

// User is a user as created on the vendor's side.
type User struct {
	Password  string `json:"password"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}
