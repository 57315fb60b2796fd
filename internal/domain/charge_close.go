package domain

import (
	"fmt"
	"slices"
	"time"
)

// ClosingKeyPrefix starts the billing key of every charge a closing makes, which
// a later closing leaves alone.
const ClosingKeyPrefix = "close:"

// ClosingOf is what closing a subscription's charges by hand makes of them (the
// close_charges operation, docs/billing.md "Closing charges"): the opened and
// blocked charges given, which the caller deletes, are replaced by one charge for the
// plan and one per plan resource, each covering the whole period of the charges it
// replaces (the earliest start to the latest end) for exactly their summed amount.
// The replacements are closed on day for a prepaid subscription (the balance pays
// them at once) and blocked for a postpaid one (the billing pass closes them into
// the next invoice: postpaid charges never touch the balance). HoldTo is the latest
// end of what was closed: billing creates nothing for the subscription until then.
type ClosingOf struct {
	Replacements []*Charge
	HoldTo       Date
}

// CloseChargesOf computes the closing of charges (opened or blocked, of one
// subscription and payment model) on day at at. The billing keys name the first
// replaced charge, so a later closing of later charges never collides with them.
func CloseChargesOf(charges []*Charge, day Date, at time.Time) ClosingOf {
	var out ClosingOf
	byResource := map[int64]*Charge{}
	var order []int64
	for _, c := range charges {
		if c.OperateTo.After(out.HoldTo) {
			out.HoldTo = c.OperateTo
		}
		r := byResource[c.PlanResourceID]
		if r == nil {
			r = &Charge{ResellerID: c.ResellerID, AccountID: c.AccountID, SubscriptionID: c.SubscriptionID,
				SubscriptionResourceID: c.SubscriptionResourceID, PlanResourceID: c.PlanResourceID,
				Type: ChargeRecurring, PaymentModel: c.PaymentModel, Quantity: c.Quantity, UnitPrice: c.UnitPrice,
				Currency: c.Currency, ResellerCurrency: c.ResellerCurrency, CurrencyRate: c.CurrencyRate,
				OperateFrom: c.OperateFrom, OperateTo: c.OperateTo, CreatedAt: at, UpdatedAt: at}
			key := "plan"
			if c.PlanResourceID != 0 {
				key = fmt.Sprintf("resource:%d", c.PlanResourceID)
			}
			r.BillingKey = fmt.Sprintf("%s%d:%s", ClosingKeyPrefix, c.ID, key)
			byResource[c.PlanResourceID] = r
			order = append(order, c.PlanResourceID)
		}
		r.Amount += c.Amount
		r.DiscountAmount += c.DiscountAmount
		r.Quantity = max(r.Quantity, c.Quantity)
		if c.OperateFrom.Before(r.OperateFrom) {
			r.OperateFrom = c.OperateFrom
		}
		if c.OperateTo.After(r.OperateTo) {
			r.OperateTo = c.OperateTo
		}
	}
	slices.Sort(order)
	for _, id := range order {
		r := byResource[id]
		r.Duration = monthsBetween(r.OperateFrom, r.OperateTo)
		r.Description = fmt.Sprintf("Charges closed on %s for %s to %s", day, r.OperateFrom, r.OperateTo)
		r.Status = ChargeBlocked
		if r.PaymentModel == PaymentModelPrepay {
			r.Status, r.CloseDate = ChargeClosed, day
		}
		out.Replacements = append(out.Replacements, r)
	}
	return out
}
