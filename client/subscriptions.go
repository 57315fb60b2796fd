package client

import (
	"context"
	"encoding/json"
)

// Subscription is an account's subscription of a plan.
type Subscription struct {
	ID                     int64   `json:"-"`
	CreatedAt              string  `json:"created_at"`
	UpdatedAt              string  `json:"updated_at"`
	PlanID                 int64   `json:"plan_id"`
	AccountID              int64   `json:"account_id"`
	Name                   string  `json:"name"`
	Trial                  bool    `json:"trial"`
	Status                 string  `json:"status"`
	StartDate              *string `json:"start_date"`
	ExpirationDate         *string `json:"expiration_date"`
	HoldTo                 *string `json:"hold_to"` // billing held until this day (charges closed by hand)
	PlanPeriodID           int64   `json:"plan_period_id"`
	PromoCode              string  `json:"promo_code"`
	PaymentModel           string  `json:"payment_model"`
	PaymentModelParameters struct {
		CreditLimit json.Number `json:"credit_limit"`
		CurrentDebt json.Number `json:"current_debt"`
	} `json:"payment_model_parameters"`
	RenewalSettings struct {
		Autorenew        bool `json:"autorenew"`
		DisableAutorenew bool `json:"disable_autorenew"`
		AutorenewPoint   int  `json:"autorenew_point"`
		ManualRenewPoint int  `json:"manual_renew_point"`
	} `json:"renewal_settings"`
	FixedPrice  bool            `json:"fixed_price"`
	Ability     map[string]bool `json:"ability"`
	CustomPrice bool            `json:"custom_price"`
	// What the vendor answered and where provisioning stands (Cascade extensions).
	ExternalID        *string            `json:"external_id"`
	VendorAttributes  map[string]string  `json:"vendor_attributes"`
	ProvisioningError *ProvisioningError `json:"provisioning_error"`
	ProvisioningJobID *string            `json:"provisioning_job_id"`
}

// ProvisioningError is why a subscription's latest vendor operation failed: the
// vendor's HTTP status ("422"), or "no_answer", with its text and when.
type ProvisioningError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	At      string `json:"at"`
}

func (s *Subscription) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, s); err != nil {
		return err
	}
	var err error
	s.ID, err = parseID(res.ID)
	return err
}

// GetSubscription returns a subscription of a reseller; included objects go to
// included when it is not nil
// (GET /api/v3/resellers/{reseller_id}/subscriptions/{subscription_id}).
func (c *Client) GetSubscription(ctx context.Context, resellerID, id int64, included *[]Resource, opts ...RequestOption) (*Subscription, error) {
	var s Subscription
	return &s, c.getOne(ctx, pathf("/api/v3/resellers/%s/subscriptions/%s", resellerID, id), &s, included, opts...)
}

// ListSubscriptions lists the subscriptions of a reseller
// (GET /api/v3/resellers/{reseller_id}/subscriptions).
func (c *Client) ListSubscriptions(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Subscription], error) {
	return list[Subscription](ctx, c, pathf("/api/v3/resellers/%s/subscriptions", resellerID), o, opts...)
}
