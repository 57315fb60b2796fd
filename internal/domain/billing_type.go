package domain

// BillingType is how a plan's subscriptions are billed and what their lifecycle allows:
// prolong orders, delayed renewal, decreases and refunds, switches. The list is closed;
// each type's rules live in one table below (BillingRules) and nowhere else.
type BillingType string

// The billing types, with the API values. csp_annual and csp_monthly are the values the
// documentation shows; the others are the snake_case of the documented UI names.
const (
	BillingPayAsYouGo        BillingType = "pay_as_you_go"      // Pay as you go
	BillingMonthlyCommitment BillingType = "monthly_commitment" // Monthly Commitment
	BillingCSPMonthly        BillingType = "csp_monthly"        // Monthly Prolongation (CSP monthly)
	BillingCSPAnnual         BillingType = "csp_annual"         // Monthly Long-term (CSP annual)
	BillingPayInFull         BillingType = "pay_in_full"        // Pay in full
	BillingNonRefund         BillingType = "non_refund"         // Non-refund
	BillingNonRecurring      BillingType = "non_recurring"      // Non-Recurring Subscription
)

// BillingTypes lists every billing type in the order the docs name them.
var BillingTypes = []BillingType{
	BillingPayAsYouGo, BillingMonthlyCommitment, BillingCSPMonthly, BillingCSPAnnual,
	BillingPayInFull, BillingNonRefund, BillingNonRecurring,
}

// DefaultBillingType is the type of a plan that names none.
const DefaultBillingType = BillingPayAsYouGo

// Valid reports whether t is one of BillingTypes.
func (t BillingType) Valid() bool {
	_, ok := billingRules[t]
	return ok
}

// BillingRules are what a billing type allows. Every lifecycle decision that depends
// on the billing type reads one of these fields.
type BillingRules struct {
	// Recurring: the subscription has periods that renew. A non-recurring subscription
	// is bought once, charged its setup fee only, and ends in delivered.
	Recurring bool
	// Prolong: the subscription is paid month by month within a longer period through
	// prolong orders, which move its paid-to date.
	Prolong bool
	// DelayedRenewal: a renewal order waits until the expiration date (its provisioning
	// date), and quantities may still change before then.
	DelayedRenewal bool
	// RenewBeforeExpiry: a manual renewal may be ordered before the expiration date
	// (inside the service term's manual renew window).
	RenewBeforeExpiry bool
	// RenewalQuantityChange: a renewal order may order other quantities than the
	// subscription has; otherwise it must repeat them.
	RenewalQuantityChange bool
	// DecreaseByChange: a change order may lower quantities mid-period.
	DecreaseByChange bool
	// DecreaseByProlong: a prolong order may lower quantities for the next month.
	DecreaseByProlong bool
	// RefundOnDecrease and RefundOnStop: money for the unused part of the period goes
	// back when quantities drop or the subscription stops mid-period.
	RefundOnDecrease bool
	RefundOnStop     bool
	// Switch: the subscription may move to a switchable plan; DelayedSwitch: the move
	// may also wait for the renewal (the delayed_switch type).
	Switch        bool
	DelayedSwitch bool
	// Delivered: activation ends in delivered instead of active.
	Delivered bool
}

var billingRules = map[BillingType]BillingRules{
	BillingPayAsYouGo: {
		Recurring: true, RenewBeforeExpiry: true, RenewalQuantityChange: true,
		DecreaseByChange: true, RefundOnDecrease: true, RefundOnStop: true, Switch: true,
	},
	BillingMonthlyCommitment: {
		Recurring: true, Prolong: true, DelayedRenewal: true, RenewBeforeExpiry: true,
		RenewalQuantityChange: true, DecreaseByProlong: true, Switch: true, DelayedSwitch: true,
	},
	BillingCSPMonthly: {
		Recurring: true, Prolong: true, DelayedRenewal: true, RenewBeforeExpiry: true,
		RenewalQuantityChange: true, DecreaseByProlong: true, Switch: true,
	},
	BillingCSPAnnual: {
		Recurring: true, DelayedRenewal: true, RenewBeforeExpiry: true,
		RenewalQuantityChange: true, Switch: true, DelayedSwitch: true,
	},
	BillingPayInFull: {
		Recurring: true, DelayedRenewal: true, RenewBeforeExpiry: true, RenewalQuantityChange: true,
		DecreaseByChange: true, RefundOnDecrease: true, RefundOnStop: true, Switch: true,
	},
	BillingNonRefund: {
		Recurring: true,
	},
	BillingNonRecurring: {
		Delivered: true,
	},
}

// Rules returns what t allows; an unknown type allows what the default type does, so
// a caller that skipped validation still gets a sane answer.
func (t BillingType) Rules() BillingRules {
	if r, ok := billingRules[t]; ok {
		return r
	}
	return billingRules[DefaultBillingType]
}
