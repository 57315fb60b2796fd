package vendorkit

import (
	"context"
	"net/http"
)

// Call is what every call says of itself, besides its body.
type Call struct {
	Event      Event
	EventID    string // the same on every retry of one event
	APGUID     string // the calling installation
	ResellerID string // the reseller that sold the subscription or user
}

// Service is a vendor's service: one method per call of the protocol. A method
// answers a refusal with an *Error (its status and text reach Cascade); any other
// error answers 500, which Cascade retries. Embed Unimplemented to answer the
// optional calls a product does not use.
type Service interface {
	Check(ctx context.Context, c Call) error
	SubscriptionCreate(ctx context.Context, c Call, r *SubscriptionRequest) (*CreateAnswer, error)
	SubscriptionUpdate(ctx context.Context, c Call, r *SubscriptionRequest) (*AttributesAnswer, error)
	SubscriptionStop(ctx context.Context, c Call, r *SubscriptionRequest) error
	SubscriptionActivate(ctx context.Context, c Call, r *SubscriptionRequest) error
	SubscriptionDelete(ctx context.Context, c Call, r *SubscriptionRequest) error
	SubscriptionRenew(ctx context.Context, c Call, r *SubscriptionRequest) (*AttributesAnswer, error)
	ResourceValidation(ctx context.Context, c Call, r *SubscriptionRequest) error
	UsageStatistics(ctx context.Context, c Call, r *UsageRequest) (*UsageAnswer, error)
	Consumption(ctx context.Context, c Call, r *ConsumptionRequest) (*ConsumptionAnswer, error)
	OrderAttributes(ctx context.Context, c Call, r *OrderAttributesRequest) (*OrderAttributesAnswer, error)
	AttributesValidation(ctx context.Context, c Call, r *AttributesValidationRequest) error
	UserCreate(ctx context.Context, c Call, r *UserCreateRequest) (*UserCreateAnswer, error)
	UserUpdate(ctx context.Context, c Call, r *UserUpdateRequest) error
	UserDelete(ctx context.Context, c Call, r *UserRef) error
	UserActivate(ctx context.Context, c Call, r *UserRef) error
	UserDeactivate(ctx context.Context, c Call, r *UserRef) error
	UserPasswordReset(ctx context.Context, c Call, r *UserPasswordResetRequest) error
}

// Unimplemented answers every call 404 "not supported", which fails the operation
// at once. Embed it in a Service and define the calls the product supports.
type Unimplemented struct{}

func notSupported(c Call) error {
	return Refuse(http.StatusNotFound, string(c.Event)+" is not supported")
}

// Check implements Service.
func (Unimplemented) Check(_ context.Context, c Call) error { return notSupported(c) }

// SubscriptionCreate implements Service.
func (Unimplemented) SubscriptionCreate(_ context.Context, c Call, _ *SubscriptionRequest) (*CreateAnswer, error) {
	return nil, notSupported(c)
}

// SubscriptionUpdate implements Service.
func (Unimplemented) SubscriptionUpdate(_ context.Context, c Call, _ *SubscriptionRequest) (*AttributesAnswer, error) {
	return nil, notSupported(c)
}

// SubscriptionStop implements Service.
func (Unimplemented) SubscriptionStop(_ context.Context, c Call, _ *SubscriptionRequest) error {
	return notSupported(c)
}

// SubscriptionActivate implements Service.
func (Unimplemented) SubscriptionActivate(_ context.Context, c Call, _ *SubscriptionRequest) error {
	return notSupported(c)
}

// SubscriptionDelete implements Service.
func (Unimplemented) SubscriptionDelete(_ context.Context, c Call, _ *SubscriptionRequest) error {
	return notSupported(c)
}

// SubscriptionRenew implements Service.
func (Unimplemented) SubscriptionRenew(_ context.Context, c Call, _ *SubscriptionRequest) (*AttributesAnswer, error) {
	return nil, notSupported(c)
}

// ResourceValidation implements Service.
func (Unimplemented) ResourceValidation(_ context.Context, c Call, _ *SubscriptionRequest) error {
	return notSupported(c)
}

// UsageStatistics implements Service.
func (Unimplemented) UsageStatistics(_ context.Context, c Call, _ *UsageRequest) (*UsageAnswer, error) {
	return nil, notSupported(c)
}

// Consumption implements Service.
func (Unimplemented) Consumption(_ context.Context, c Call, _ *ConsumptionRequest) (*ConsumptionAnswer, error) {
	return nil, notSupported(c)
}

// OrderAttributes implements Service.
func (Unimplemented) OrderAttributes(_ context.Context, c Call, _ *OrderAttributesRequest) (*OrderAttributesAnswer, error) {
	return nil, notSupported(c)
}

// AttributesValidation implements Service.
func (Unimplemented) AttributesValidation(_ context.Context, c Call, _ *AttributesValidationRequest) error {
	return notSupported(c)
}

// UserCreate implements Service.
func (Unimplemented) UserCreate(_ context.Context, c Call, _ *UserCreateRequest) (*UserCreateAnswer, error) {
	return nil, notSupported(c)
}

// UserUpdate implements Service.
func (Unimplemented) UserUpdate(_ context.Context, c Call, _ *UserUpdateRequest) error {
	return notSupported(c)
}

// UserDelete implements Service.
func (Unimplemented) UserDelete(_ context.Context, c Call, _ *UserRef) error { return notSupported(c) }

// UserActivate implements Service.
func (Unimplemented) UserActivate(_ context.Context, c Call, _ *UserRef) error {
	return notSupported(c)
}

// UserDeactivate implements Service.
func (Unimplemented) UserDeactivate(_ context.Context, c Call, _ *UserRef) error {
	return notSupported(c)
}

// UserPasswordReset implements Service.
func (Unimplemented) UserPasswordReset(_ context.Context, c Call, _ *UserPasswordResetRequest) error {
	return notSupported(c)
}
