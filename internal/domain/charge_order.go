package domain

import (
	"strconv"
	"time"
)

// OrderChargeKey is the billing key of the charge made from line position (from 1)
// of order id. With the subscription it is unique, so making an order's charges a
// second time (a retried request or pass) is refused rather than doubled.
func OrderChargeKey(orderID int64, position int) string {
	return "order:" + strconv.FormatInt(orderID, 10) + ":" + strconv.Itoa(position)
}

// ChargesOfOrder turns o's quote lines into charges, one per line, so that they sum
// to o.Total exactly (a refund counting negative): each charge's amount is its
// line's, already rounded once. sub is o's subscription (its id set); at is when o
// is made, loc the installation's time zone.
//
//   - A setup, renewal or recurring fee line is a Charge::Setup, Charge::Renewal or
//     Charge::Recurring charge: new when prepaid, blocked when postpaid (postpaid
//     charges never wait for a payment).
//   - A line with a negative amount (the refund of a decrease, the credit of a
//     switch) is a Charge::Refund with a positive amount and quantity, waiting for
//     refund.
//   - A credit_kept line (the part of a switch's credit a billing type without
//     refunds does not pay out) is no charge: it lowers the order's refunds, the
//     first refund first, so what is refunded is what the order returns. Should it
//     exceed them it is kept as a recurring charge of its own.
//
// A recurring line pays for its months from the day the period it is bought for
// starts (OrderPeriodStart) to that day plus its months; a one-off fee is for the
// order's day, with no duration.
func ChargesOfOrder(o *Order, sub *Subscription, at time.Time, loc *time.Location) []*Charge {
	day := DateOf(at, loc)
	currency := o.PlanCurrency
	if currency == "" {
		currency = o.Currency
	}
	kept := Amount(0)
	for _, l := range o.QuoteLines {
		if l.Fee == FeeCreditKept {
			kept += l.Amount
		}
	}
	var out []*Charge
	for i, l := range o.QuoteLines {
		if l.Fee == FeeCreditKept {
			continue
		}
		c := &Charge{ResellerID: o.ResellerID, AccountID: o.AccountID, SubscriptionID: sub.ID, OrderID: o.ID,
			PlanResourceID: l.PlanResourceID, SubscriptionResourceID: subscriptionResourceID(sub, l.PlanResourceID),
			BillingKey: OrderChargeKey(o.ID, i+1), Type: chargeTypeOf(l.Fee), PaymentModel: o.PaymentModel,
			Quantity: l.Quantity, UnitPrice: l.UnitPrice, Currency: currency, Amount: l.Amount,
			ResellerCurrency: o.Currency, CurrencyRate: o.CurrencyRate, OperateFrom: day, OperateTo: day,
			CreatedAt: at, UpdatedAt: at}
		c.Status = chargeStatusAtCreation(o)
		if l.Fee == FeeRecurring {
			c.Duration = l.Months
			c.OperateFrom = OrderPeriodStart(o, sub, day)
			c.OperateTo = AddMonthsOf(c.OperateFrom, l.Months)
		}
		if l.Amount < 0 || l.Quantity < 0 {
			c.Type, c.Status, c.Amount, c.Quantity = ChargeRefund, ChargeWaitingForRefund, -l.Amount, abs64(l.Quantity)
			take := min(kept, c.Amount)
			c.Amount, kept = c.Amount-take, kept-take
			if c.Amount == 0 && take > 0 {
				continue // wholly kept: nothing to refund
			}
		}
		c.Description = chargeDescription(c.Type, l.PlanResourceID != 0)
		out = append(out, c)
	}
	if kept > 0 {
		// More credit kept than refunded: cannot come from a quote, whose kept part
		// never exceeds its credit, but the sum stays exact if it does.
		for i, l := range o.QuoteLines {
			if l.Fee == FeeCreditKept {
				out = append(out, &Charge{ResellerID: o.ResellerID, AccountID: o.AccountID, SubscriptionID: sub.ID,
					OrderID: o.ID, BillingKey: OrderChargeKey(o.ID, i+1), Type: ChargeRecurring,
					Status: chargeStatusAtCreation(o), PaymentModel: o.PaymentModel, Quantity: 1, Currency: currency,
					Amount: kept, ResellerCurrency: o.Currency, CurrencyRate: o.CurrencyRate, OperateFrom: day,
					OperateTo: day, Description: "Credit kept", CreatedAt: at, UpdatedAt: at})
				break
			}
		}
	}
	return out
}

// chargeStatusAtCreation is the status a fee charge of o starts in.
func chargeStatusAtCreation(o *Order) ChargeStatus {
	if o.PaymentModel == PaymentModelPrepay {
		return ChargeNew
	}
	return ChargeBlocked
}

// OrderPeriodStart is the first day of what o's recurring lines pay for: the
// expiration date of the period a renewal follows, the paid-to date a prolong
// extends, and otherwise (a sale, a change, a switch) day, the order's day. A date
// not set or already past is day.
func OrderPeriodStart(o *Order, sub *Subscription, day Date) Date {
	from := day
	switch o.Kind {
	case RenewalOrder:
		from = sub.ExpirationDate
	case ProlongOrder:
		from = sub.PaidTo
	}
	if from.IsZero() || from.Before(day) && o.Kind != RenewalOrder {
		return day
	}
	return from
}

// AddMonthsOf is from plus m months: the whole months by the calendar
// (Date.AddMonths), a fraction left as that share of 30 days, rounded to the
// nearest day.
func AddMonthsOf(from Date, m Months) Date {
	num, den := m.Fraction()
	if den == 0 {
		return from
	}
	whole := num / den
	days := (num%den*60 + den) / (2 * den) // the fraction of 30 days, rounded half up
	return from.AddMonths(int(whole)).AddDays(int(days))
}

// ChargeTotal is the signed sum of charges: refunds count negative. The charges of
// an order total the order's Total.
func ChargeTotal(charges []*Charge) Amount {
	var sum Amount
	for _, c := range charges {
		if c.Type == ChargeRefund {
			sum -= c.Amount
		} else {
			sum += c.Amount
		}
	}
	return sum
}

func chargeTypeOf(f FeeKind) ChargeType {
	switch f {
	case FeeSetup:
		return ChargeSetup
	case FeeRenewal:
		return ChargeRenewal
	}
	return ChargeRecurring
}

func chargeDescription(t ChargeType, resource bool) string {
	what := map[ChargeType]string{ChargeSetup: "Setup fee", ChargeRenewal: "Renewal fee",
		ChargeRecurring: "Recurring fee", ChargeRefund: "Refund"}[t]
	if resource {
		return what + " of a resource"
	}
	return what + " of the plan period"
}

func subscriptionResourceID(sub *Subscription, planResourceID int64) int64 {
	if planResourceID == 0 {
		return 0
	}
	for _, r := range sub.Resources {
		if r.PlanResourceID == planResourceID {
			return r.ID
		}
	}
	return 0
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
