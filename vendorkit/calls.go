package vendorkit

import "encoding/json"

// The requests and answers of each call (docs/vendor-protocol.md, Calls).

// SubscriptionRequest is the body of every subscription call: create, update,
// stop, activate, delete, renew and resource validation. ExternalID, the vendor's
// id of the subscription, is empty only on create. On update and resource
// validation, Plan carries the new plan and quantities.
type SubscriptionRequest struct {
	ExternalID   string       `json:"external_id,omitempty"`
	Reseller     Reseller     `json:"reseller"`
	Distributor  Distributor  `json:"distributor"`
	Tenant       Tenant       `json:"tenant"`
	Plan         Plan         `json:"plan"`
	Subscription Subscription `json:"subscription"`
	// User is the first user of the subscription, on create when the order names one.
	User *User `json:"user,omitempty"`
	// DryRun marks the calls of an integration check: answer as usual, keep nothing.
	DryRun bool `json:"dry_run,omitempty"`
}

// CreateAnswer is the answer to a subscription create: the vendor's id of the
// subscription, sent back as external_id on every later call, and the subscription
// attributes to show the customer.
type CreateAnswer struct {
	ExternalID string            `json:"external_id"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// AttributesAnswer is the optional answer to an update or a renewal: subscription
// attributes that changed.
type AttributesAnswer struct {
	Attributes map[string]string `json:"attributes,omitempty"`
}

// UsageRequest asks for the amount of each resource in use now.
type UsageRequest struct {
	ExternalID   string       `json:"external_id"`
	Reseller     Reseller     `json:"reseller"`
	Subscription Subscription `json:"subscription"`
	Plan         Plan         `json:"plan"`
}

// UsageAnswer lists the amount of each resource in use.
type UsageAnswer struct {
	Resources []ResourceUsage `json:"resources"`
}

// ResourceUsage is the amount of one resource in use.
type ResourceUsage struct {
	Key   string `json:"key"`
	Usage int64  `json:"usage"`
}

// ConsumptionRequest asks for the units consumed from From (inclusive) to To
// (exclusive), both RFC 3339 times.
type ConsumptionRequest struct {
	ExternalID   string       `json:"external_id"`
	Reseller     Reseller     `json:"reseller"`
	Subscription Subscription `json:"subscription"`
	From         string       `json:"from"`
	To           string       `json:"to"`
}

// ConsumptionAnswer lists the units of each resource consumed in the period asked.
type ConsumptionAnswer struct {
	Resources []ResourceConsumption `json:"resources"`
}

// ResourceConsumption is the units of one resource consumed. Quantity is a decimal
// number, kept exact as written.
type ResourceConsumption struct {
	Key      string      `json:"key"`
	Quantity json.Number `json:"quantity"`
}

// OrderAttributesRequest asks which attributes an order of the plan needs.
// AttributesFor is AttributesForManager or AttributesForCustomer.
type OrderAttributesRequest struct {
	Reseller      Reseller    `json:"reseller"`
	Distributor   Distributor `json:"distributor"`
	Tenant        *Tenant     `json:"tenant,omitempty"`
	Plan          Plan        `json:"plan"`
	AttributesFor string      `json:"attributes_for"`
}

// Panels an order's attributes are asked for.
const (
	AttributesForManager  = "manager"
	AttributesForCustomer = "customer"
)

// OrderAttributesAnswer lists the attributes an order needs.
type OrderAttributesAnswer struct {
	Attributes []OrderAttribute `json:"attributes"`
}

// OrderAttribute is one attribute an order asks for. Type is string, number,
// boolean or list; a list's Values are its choices.
type OrderAttribute struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Values   []string `json:"values,omitempty"`
}

// AttributesValidationRequest asks whether the values entered for an order's
// attributes are acceptable.
type AttributesValidationRequest struct {
	Reseller    Reseller          `json:"reseller"`
	Distributor Distributor       `json:"distributor"`
	Tenant      Tenant            `json:"tenant"`
	Plan        Plan              `json:"plan"`
	Attributes  map[string]string `json:"attributes"`
}

// UserCreateRequest is the body of a user create.
type UserCreateRequest = User

// UserCreateAnswer is the answer to a user create: the vendor's id of the user.
type UserCreateAnswer struct {
	ID string `json:"id"`
}

// UserUpdateRequest is the body of a user update.
type UserUpdateRequest struct {
	ID        string `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// UserRef names a user by the vendor's id: the body of a user delete, activate
// and deactivate.
type UserRef struct {
	ID string `json:"id"`
}

// UserPasswordResetRequest is the body of a password reset.
type UserPasswordResetRequest struct {
	ID       string `json:"id"`
	Password string `json:"password"`
}
