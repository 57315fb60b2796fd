package domain

import "fmt"

// SalesDelayDays is how far ahead a sales order's provisioning date may be: from
// today to today plus this many days, in the installation's zone.
const SalesDelayDays = 15

// Pointers of a sales order's attributes.
const (
	PtrSalesAccount          = "/data/attributes/account_id"
	PtrSalesPlan             = "/data/attributes/plan_id"
	PtrSalesPaymentModel     = "/data/attributes/payment_model"
	PtrSalesAsyncTask        = "/data/attributes/async_task_id"
	PtrSalesProvisioningDate = "/data/attributes/provisioning_date"
	PtrSalesCreditLimit      = "/data/attributes/subscription_credit_limit"
)

// SalesOrderInput is the body of a sales order as the API takes it; nil is absent.
type SalesOrderInput struct {
	AccountID, PlanID, PlanPeriodID *int64
	PaymentModel                    *string
	Resources                       []ResourceOrder
	PromoCode                       string
	CreditLimitUseSystem            *bool
	CreditLimit                     *string
	AsyncTaskID                     string
	ProvisioningDate                *string
}

// SalesOrderRequest is a checked SalesOrderInput.
type SalesOrderRequest struct {
	AccountID, PlanID, PlanPeriodID int64
	PaymentModel                    PaymentModel
	Resources                       []ResourceOrder
	PromoCode                       string
	CreditLimitUseSystem            bool
	CreditLimit                     Amount
	AsyncTaskID                     string
	ProvisioningDate                Date // zero: provision as soon as accepted
}

// Validate checks what can be checked of in without the database, reporting every
// problem at once, each at its pointer.
func (in SalesOrderInput) Validate() (SalesOrderRequest, error) {
	var (
		p   Problems
		out = SalesOrderRequest{Resources: in.Resources, PromoCode: in.PromoCode, AsyncTaskID: in.AsyncTaskID,
			CreditLimitUseSystem: true}
	)
	id := func(v *int64, ptr string) int64 {
		switch {
		case v == nil:
			p.Add(ptr, MsgRequired)
		case *v <= 0:
			p.Add(ptr, MsgInvalidID)
		default:
			return *v
		}
		return 0
	}
	out.AccountID = id(in.AccountID, PtrSalesAccount)
	out.PlanID = id(in.PlanID, PtrSalesPlan)
	out.PlanPeriodID = id(in.PlanPeriodID, PtrPlanPeriod)
	switch {
	case in.PaymentModel == nil:
		p.Add(PtrSalesPaymentModel, MsgRequired)
	case !PaymentModel(*in.PaymentModel).Valid():
		p.Add(PtrSalesPaymentModel, MsgPaymentModelValue)
	default:
		out.PaymentModel = PaymentModel(*in.PaymentModel)
	}
	if in.CreditLimitUseSystem != nil {
		out.CreditLimitUseSystem = *in.CreditLimitUseSystem
	}
	if in.CreditLimit != nil {
		a, err := ParseAmount(*in.CreditLimit)
		if err != nil || a < 0 {
			p.Add(PtrSalesCreditLimit, MsgCreditLimitValue)
		}
		out.CreditLimit = a
	}
	if in.ProvisioningDate != nil && *in.ProvisioningDate != "" {
		d, err := ParseDate(*in.ProvisioningDate)
		if err != nil {
			p.Add(PtrSalesProvisioningDate, MsgMustBeDate)
		}
		out.ProvisioningDate = d
	}
	p.checkPromoCode(in.PromoCode)
	return out, p.Err()
}

// CheckProvisioningDate refuses a sales order's provisioning date outside today …
// today + SalesDelayDays; a zero date (none) passes.
func (r SalesOrderRequest) CheckProvisioningDate(today Date) error {
	last := today.AddDays(SalesDelayDays)
	if r.ProvisioningDate.IsZero() || !r.ProvisioningDate.Before(today) && !r.ProvisioningDate.After(last) {
		return nil
	}
	return FieldError(PtrSalesProvisioningDate, MsgProvisioningDateRange, today.String(), last.String())
}

// AllowsPaymentModel reports whether an account of a class charging by m may order
// subscriptions paid by p: only by its own model, since a prepaid account has no
// credit to run a postpaid subscription on, and a postpaid account's invoices are
// how it pays.
func (m ChargingModel) AllowsPaymentModel(p PaymentModel) bool { return PaymentModel(m) == p }

// CheckPaymentModel refuses an order paid by p for an account of class c.
func (c AccountClass) CheckPaymentModel(p PaymentModel) error {
	if c.ChargingModel.AllowsPaymentModel(p) {
		return nil
	}
	return FieldError(PtrSalesPaymentModel, MsgPaymentModelNotAllowed, string(c.ChargingModel))
}

// SubscriptionName is the name a new subscription of plan gets.
func SubscriptionName(plan Plan) string { return plan.Name }

// ActivePeriod returns what a subscription's dates become when its create is done on
// today: it starts today and runs to the period's end (zero for an endless period);
// PaidTo follows the expiration for every billing type (a prolonged subscription is
// paid a month at a time from its start).
func ActivePeriod(today Date, p PlanPeriod, rules BillingRules) (start, expiration, paidTo Date) {
	end, ok := PeriodEnd(today, p)
	if !ok {
		return today, Date{}, Date{}
	}
	if rules.Prolong {
		return today, end, today.AddMonths(1)
	}
	return today, end, end
}

// String renders a sales order request for logs.
func (r SalesOrderRequest) String() string {
	return fmt.Sprintf("sales order of plan %d period %d for account %d", r.PlanID, r.PlanPeriodID, r.AccountID)
}
