package vendorkit

import "net/http"

// Event names a call: the X-Cascade-Event header carries it, and Path is where the
// call is made, relative to the product's API path.
type Event string

// The calls of the protocol.
const (
	EventCheck                Event = "check"
	EventSubscriptionCreate   Event = "subscription.create"
	EventSubscriptionUpdate   Event = "subscription.update"
	EventSubscriptionStop     Event = "subscription.stop"
	EventSubscriptionActivate Event = "subscription.activate"
	EventSubscriptionDelete   Event = "subscription.delete"
	EventSubscriptionRenew    Event = "subscription.renew"
	EventResourceValidation   Event = "subscription.resource_validation"
	EventUsageStatistics      Event = "subscription.usage"
	EventConsumption          Event = "subscription.consumption"
	EventOrderAttributes      Event = "order.attributes"
	EventAttributesValidation Event = "order.attributes_validation"
	EventUserCreate           Event = "user.create"
	EventUserUpdate           Event = "user.update"
	EventUserDelete           Event = "user.delete"
	EventUserActivate         Event = "user.activate"
	EventUserDeactivate       Event = "user.deactivate"
	EventUserPasswordReset    Event = "user.password_reset"
)

// Events lists every call.
var Events = []Event{EventCheck, EventSubscriptionCreate, EventSubscriptionUpdate, EventSubscriptionStop,
	EventSubscriptionActivate, EventSubscriptionDelete, EventSubscriptionRenew, EventResourceValidation,
	EventUsageStatistics, EventConsumption, EventOrderAttributes, EventAttributesValidation, EventUserCreate,
	EventUserUpdate, EventUserDelete, EventUserActivate, EventUserDeactivate, EventUserPasswordReset}

// Path is where e is called, below the product's API path: the event's name with
// its dots as slashes ("/subscription/create").
func (e Event) Path() string {
	b := []byte("/" + string(e))
	for i, c := range b {
		if c == '.' {
			b[i] = '/'
		}
	}
	return string(b)
}

// Method is the HTTP method of e: GET for the check, POST for every other call.
func (e Event) Method() string {
	if e == EventCheck {
		return http.MethodGet
	}
	return http.MethodPost
}

// Headers and query parameters of every call.
const (
	HeaderEventID   = "X-Cascade-Event-Id"
	HeaderEvent     = "X-Cascade-Event"
	HeaderSignature = "X-Cascade-Signature"
	QueryAPGUID     = "ap_guid"
	QueryResellerID = "reseller_id"
)
