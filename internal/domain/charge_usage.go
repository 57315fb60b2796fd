package domain

import (
	"errors"
	"fmt"
	"math/big"
	"time"
)

// UsagePeriod is what a subscription consumed of one plan resource over one billing
// period, as the vendor's consumption reads kept it: every read's decimal, exactly as
// written.
type UsagePeriod struct {
	Subscription *Subscription
	Resource     PlanResource
	From, To     Date // the billing period, To exclusive
	Reads        []string
}

// UsageKeyPrefix starts the billing key of a charge for consumed units.
const UsageKeyPrefix = "usage:"

// ErrUsageSyntax is what UsageCharge refuses in a consumption read.
var ErrUsageSyntax = errors.New("consumption is not a non-negative decimal")

// usageMaxDigits bounds a consumption read's text (the vendor's answer is bounded
// too; this keeps the arithmetic small whatever was stored).
const usageMaxDigits = 40

// UsageCharge is the charge for the units of u beyond what the subscription holds of
// the resource (its quantity, or the plan's included quantity when it has no line of
// it), at the resource's overuse fee (per unit): a Charge::Overuse in the plan's currency,
// converted by rate into the reseller's and rounded once. A pay-as-you-go resource
// includes nothing, so every unit it consumed is charged. It is nil when nothing was
// used beyond the included quantity, or the resource has no overuse fee. The
// charge's Quantity is the units over, rounded up (the API shows whole units); the
// exact figure is in its Description and its Amount is computed from the exact one.
// Its billing key names the resource and the period, so a billing pass run twice
// charges the period once.
func UsageCharge(u UsagePeriod, planCurrency, resellerCurrency string, rate Rate, at time.Time) (*Charge, error) {
	used := new(big.Rat)
	for _, read := range u.Reads {
		q, err := parseUsage(read)
		if err != nil {
			return nil, err
		}
		used.Add(used, q)
	}
	sub := u.Subscription
	held, line := heldUnits(sub, u.Resource)
	over := new(big.Rat).Sub(used, big.NewRat(held, 1))
	if over.Sign() <= 0 || u.Resource.OveruseFee == 0 {
		return nil, nil
	}
	exact := new(big.Rat).Mul(over, new(big.Rat).SetInt64(int64(u.Resource.OveruseFee)))
	exact.Mul(exact, rate.Rat())
	amount, err := roundAmount(exact, resellerCurrency)
	if err != nil {
		return nil, err
	}
	units := new(big.Int).Quo(new(big.Int).Add(over.Num(), new(big.Int).Sub(over.Denom(), big.NewInt(1))), over.Denom())
	if !units.IsInt64() {
		return nil, errPriceRange()
	}
	return &Charge{ResellerID: sub.ResellerID, AccountID: sub.AccountID, SubscriptionID: sub.ID,
		PlanResourceID: u.Resource.ID, SubscriptionResourceID: line,
		BillingKey: fmt.Sprintf("%s%d:%s", UsageKeyPrefix, u.Resource.ID, u.From), Type: ChargeOveruse,
		PaymentModel: sub.PaymentModel, Quantity: units.Int64(), UnitPrice: u.Resource.OveruseFee,
		Currency: planCurrency, Amount: amount, ResellerCurrency: resellerCurrency, CurrencyRate: rate,
		Description: fmt.Sprintf("%s: %s used beyond the %d held, %s to %s", u.Resource.Name,
			decimalText(over), held, u.From, u.To.AddDays(-1)),
		OperateFrom: u.From, OperateTo: u.To.AddDays(-1), Duration: monthsBetween(u.From, u.To),
		CreatedAt: at, UpdatedAt: at}, nil
}

// parseUsage reads one consumption read: a non-negative decimal without exponent.
func parseUsage(s string) (*big.Rat, error) {
	r, ok := parseDecimal(s, usageMaxDigits)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUsageSyntax, s)
	}
	return r, nil
}

// heldUnits is what sub holds of plan resource r and the id of its line of it; the
// plan's included quantity and 0 when it has no line.
func heldUnits(sub *Subscription, r PlanResource) (int64, int64) {
	for _, line := range sub.Resources {
		if line.PlanResourceID == r.ID {
			return line.Quantity(), line.ID
		}
	}
	return r.Included, 0
}

// monthsBetween is the length from from to to in months: whole months when to is a
// whole number of months after from, otherwise days over 30 (the platform's
// convention that a day is about 0.033 of a month).
func monthsBetween(from, to Date) Months {
	for n := 1; n <= 1200; n++ {
		if e := from.AddMonths(n); !e.Before(to) {
			if e == to {
				return WholeMonths(int64(n))
			}
			break
		}
	}
	m, _ := MonthsFraction(int64(from.DaysUntil(to)), 30)
	return m
}
