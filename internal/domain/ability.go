package domain

// AbilityKey names one operation a subscription's Ability answers for; the value is
// the key of the API's ability object.
type AbilityKey string

// The ability keys, as the API names them.
const (
	AbilityStop                          AbilityKey = "stop"
	AbilityActivate                      AbilityKey = "activate"
	AbilityDestroy                       AbilityKey = "destroy"
	AbilityAdjust                        AbilityKey = "adjust"
	AbilitySwitchPlan                    AbilityKey = "switch_plan"
	AbilityRenew                         AbilityKey = "renew"
	AbilityChangeAutoRenewOption         AbilityKey = "change_auto_renew_option"
	AbilityProlong                       AbilityKey = "prolong"
	AbilityChangeResourcesRenewalOrder   AbilityKey = "change_resources_renewal_order"
	AbilityDecreaseResourcesChangeOrder  AbilityKey = "decrease_resources_change_order"
	AbilityDecreaseResourcesProlongOrder AbilityKey = "decrease_resources_prolong_order"
)

// AbilityKeys lists the keys in the API's order.
var AbilityKeys = []AbilityKey{
	AbilityStop, AbilityActivate, AbilityDestroy, AbilityAdjust, AbilitySwitchPlan,
	AbilityRenew, AbilityChangeAutoRenewOption, AbilityProlong,
	AbilityChangeResourcesRenewalOrder, AbilityDecreaseResourcesChangeOrder,
	AbilityDecreaseResourcesProlongOrder,
}

// Ability is what may be done to a subscription now, as the API shows it. Every
// endpoint that changes a subscription asks it (through Allows) and answers 403 This
// action is forbidden when the flag is false.
type Ability struct {
	Stop                          bool `json:"stop"`
	Activate                      bool `json:"activate"`
	Destroy                       bool `json:"destroy"`
	Adjust                        bool `json:"adjust"`
	SwitchPlan                    bool `json:"switch_plan"`
	Renew                         bool `json:"renew"`
	ChangeAutoRenewOption         bool `json:"change_auto_renew_option"`
	Prolong                       bool `json:"prolong"`
	ChangeResourcesRenewalOrder   bool `json:"change_resources_renewal_order"`
	DecreaseResourcesChangeOrder  bool `json:"decrease_resources_change_order"`
	DecreaseResourcesProlongOrder bool `json:"decrease_resources_prolong_order"`
}

// Allows reports the flag of key k; an unknown key allows nothing.
func (a Ability) Allows(k AbilityKey) bool {
	switch k {
	case AbilityStop:
		return a.Stop
	case AbilityActivate:
		return a.Activate
	case AbilityDestroy:
		return a.Destroy
	case AbilityAdjust:
		return a.Adjust
	case AbilitySwitchPlan:
		return a.SwitchPlan
	case AbilityRenew:
		return a.Renew
	case AbilityChangeAutoRenewOption:
		return a.ChangeAutoRenewOption
	case AbilityProlong:
		return a.Prolong
	case AbilityChangeResourcesRenewalOrder:
		return a.ChangeResourcesRenewalOrder
	case AbilityDecreaseResourcesChangeOrder:
		return a.DecreaseResourcesChangeOrder
	case AbilityDecreaseResourcesProlongOrder:
		return a.DecreaseResourcesProlongOrder
	}
	return false
}

// Check is nil when k is allowed and the forbidden error otherwise.
func (a Ability) Check(k AbilityKey) error {
	if a.Allows(k) {
		return nil
	}
	return Forbidden()
}

// PendingOrder is the order of a subscription that is not closed yet, if any.
type PendingOrder struct {
	Kind   OrderKind // "" when there is none
	Status OrderStatus
}

// AbilityInput is everything a subscription's Ability depends on. The service loads it
// in the transaction that answers or acts.
type AbilityInput struct {
	Status       SubscriptionStatus
	Rules        BillingRules // of the plan's billing type
	PaymentModel PaymentModel
	Trial        bool
	Endless      bool // the period never expires (ExpirationDate is zero)
	Terms        TermSettings
	Today        Date // in the installation's zone
	StartDate    Date
	// ExpirationDate and PaidTo as on the Subscription.
	ExpirationDate Date
	PaidTo         Date
	// PaidMonthStart is the first day of the month ending on PaidTo, counted from
	// the subscription's anchor (Subscription.PaidMonthStart); zero for one
	// calendar month before PaidTo.
	PaidMonthStart Date
	CreditHold     bool         // the account is on credit hold
	Pending        PendingOrder // the subscription's order in flight
	Autorenew      bool
	// DisableAutorenew: the auto-renew option is locked for the account.
	DisableAutorenew bool
	PlanActive       bool // the subscription's plan may still be sold
	SwitchTargets    bool // the plan has active plans to switch to
}
