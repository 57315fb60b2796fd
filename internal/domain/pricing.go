package domain

import (
	"fmt"
	"math/big"
)

// Pricing of orders. Every order kind has its function: it takes the tariff (the plan
// period and resources at the prices that apply, see Tariff) and the checked
// quantities (SalesQuantities and its siblings), and returns a Quote whose lines sum to
// its total exactly. Each line is rounded once, to the currency's minor unit. A trial
// costs nothing; a non-recurring billing type charges setup fees only. Callers check
// first that the order is allowed at all (the subscription's abilities): pricing
// answers what an order costs, not whether it may be made. docs/lifecycle.md works
// through examples.

// QuoteSales prices a sales order: the setup fees of the period and of the charged
// units, and the recurring fees of the period and the charged units for the period's
// months (one month for an endless period).
func QuoteSales(t Tariff, q Quantities) (Quote, error) {
	b := newQuote(t.Currency)
	if t.Period.Trial {
		return b.done()
	}
	b.setupLines(t, true, nil, q)
	if t.BillingType.Rules().Recurring {
		months, err := PeriodMonths(t.Period)
		if err != nil {
			return Quote{}, err
		}
		b.recurringLines(t, q, months, 1)
	}
	return b.done()
}

// QuoteRenewal prices a renewal order for the new period of t at quantities q: the
// recurring fees for the period's months, and the renewal fees of the period and of the
// charged units. Units added by the renewal pay their setup fees too.
func QuoteRenewal(t Tariff, current, q Quantities) (Quote, error) {
	b := newQuote(t.Currency)
	if t.Period.Trial {
		return b.done()
	}
	b.setupLines(t, false, current, q)
	if t.BillingType.Rules().Recurring {
		months, err := PeriodMonths(t.Period)
		if err != nil {
			return Quote{}, err
		}
		b.recurringLines(t, q, months, 1)
		b.add(FeeRenewal, t.PlanID, 0, 1, t.Period.RenewalFee, Months{}, false)
		for _, r := range t.Resources {
			b.add(FeeRenewal, t.PlanID, r.ID, r.ChargedUnits(q[r.ID]), r.RenewalFee, Months{}, false)
		}
	}
	return b.done()
}

// QuoteProlong prices a prolong order: one month of recurring fees at the quantities
// next, at the subscription's locked prices (t from Tariff.WithPrices). Units added
// for the next month pay their setup fees.
func QuoteProlong(t Tariff, current, next Quantities) (Quote, error) {
	b := newQuote(t.Currency)
	if t.Period.Trial {
		return b.done()
	}
	b.setupLines(t, false, current, next)
	if t.BillingType.Rules().Recurring {
		b.recurringLines(t, next, WholeMonths(1), 1)
	}
	return b.done()
}

// Change is what a change order is priced from.
type Change struct {
	Tariff   Tariff     // the subscription's plan at its locked prices (Tariff.WithPrices)
	From, To Quantities // the subscription's quantities and the ordered ones
	Term     Term       // the paid term the change falls in (see Term)
	Today    Date       // the day the change is priced on
	Rule     ProrationRule
}

// QuoteChange prices a change order: added units pay their setup fees, then the
// difference in charged units is priced by the proration rule. immediate_prorated
// charges the remaining part of the term; immediate_full charges the whole term;
// next_period charges nothing now. A decrease is refunded (negative lines) only where
// the billing type refunds decreases, and only for the remaining part of the term:
// time already used is never paid back.
func QuoteChange(c Change) (Quote, error) {
	return quoteChange(c, c.Tariff.BillingType.Rules())
}

func quoteChange(c Change, rules BillingRules) (Quote, error) {
	t := c.Tariff
	b := newQuote(t.Currency)
	if t.Period.Trial {
		return b.done()
	}
	b.setupLines(t, false, c.From, c.To)
	if !rules.Recurring {
		return b.done()
	}
	charge, refund, err := prorate(c.Term, c.Today, c.Rule)
	if err != nil {
		return Quote{}, err
	}
	for _, r := range t.Resources {
		d := r.ChargedUnits(c.To[r.ID]) - r.ChargedUnits(c.From[r.ID])
		switch {
		case d > 0:
			b.add(FeeRecurring, t.PlanID, r.ID, d, r.RecurringFee, charge, true)
		case d < 0 && rules.RefundOnDecrease:
			b.add(FeeRecurring, t.PlanID, r.ID, d, r.RecurringFee, refund, true)
		}
	}
	return b.done()
}

// prorate is, under rule, the months a change charges and the months it refunds or
// credits, on today within term.
func prorate(term Term, today Date, rule ProrationRule) (charge, refund Months, err error) {
	switch rule {
	case ProrateNextPeriod:
		return Months{}, Months{}, nil
	case ProrateImmediate, ProrateImmediateFull:
		refund, err = term.Remaining(today)
		if rule == ProrateImmediateFull {
			return term.Months, refund, err
		}
		return refund, refund, err
	}
	return Months{}, Months{}, fmt.Errorf("price with proration rule %q: unknown rule", rule)
}

// Switch is what a switch order is priced from.
type Switch struct {
	From  Tariff     // the current plan at the subscription's locked prices
	FromQ Quantities // the subscription's quantities
	To    Tariff     // the target plan and period at their current prices (SwitchTariff)
	ToQ   Quantities // the ordered quantities (SwitchQuantities)
	Term  Term       // the paid term the switch falls in; the subscription keeps its dates
	Today Date
	Rule  ProrationRule // the current plan's service term's
}

// QuoteSwitch prices a switch order: the target plan's setup fees (period and charged
// units), its recurring fees under the proration rule (the remaining part of the term,
// the whole term, or nothing now), minus the unused part of the current plan's
// recurring fees (the remaining part of the term; nothing under next_period). Where
// the current billing type refunds no decreases, a credit larger than the new price is
// kept (a FeeCreditKept line brings the total to zero). A switch out of a trial starts
// a new period on the target plan and is priced as a sales order of it.
func QuoteSwitch(s Switch) (Quote, error) {
	return quoteSwitch(s, s.From.BillingType.Rules())
}

func quoteSwitch(s Switch, fromRules BillingRules) (Quote, error) {
	if s.From.Currency != s.To.Currency {
		// The unused part of the current plan cannot be netted against a price in
		// another currency.
		return Quote{}, FieldError("/data/attributes/plan_id", MsgSwitchCurrency)
	}
	if s.From.Period.Trial {
		return QuoteSales(s.To, s.ToQ)
	}
	b := newQuote(s.To.Currency)
	if s.To.Period.Trial {
		return b.done()
	}
	charge, credit, err := prorate(s.Term, s.Today, s.Rule)
	if err != nil {
		return Quote{}, err
	}
	b.setupLines(s.To, true, nil, s.ToQ)
	if s.To.BillingType.Rules().Recurring {
		b.recurringLines(s.To, s.ToQ, charge, 1)
	}
	if fromRules.Recurring {
		b.recurringLines(s.From, s.FromQ, credit, -1)
	}
	if !fromRules.RefundOnDecrease && b.err == nil && b.total.Sign() < 0 {
		kept := new(big.Int).Neg(&b.total)
		if !kept.IsInt64() {
			return Quote{}, errPriceRange()
		}
		b.add(FeeCreditKept, s.From.PlanID, 0, 1, Amount(kept.Int64()), Months{}, false)
	}
	return b.done()
}
