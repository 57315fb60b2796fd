package domain

import "math/big"

// A subscription's period runs from its start date up to its end date, the day it
// expires: the start plus the period's duration, in calendar days, months or years,
// with the day clamped to the end of a shorter month (Date.AddMonths). Fees per month
// are charged for a period's length in months (PeriodMonths), and a change in the
// middle of a period is priced for the part that remains (Term.Remaining).

// DaysPerMonth is how many days a month counts when a period is measured in days:
// a seven-day period is 7/30 of a month, as charges state it (1 day ≈ 0.033).
const DaysPerMonth = 30

// PeriodEnd is the day a period of p that starts on start ends (its expiration date).
// An endless period never ends: ok is false.
func PeriodEnd(start Date, p PlanPeriod) (end Date, ok bool) {
	return NthPeriodEnd(start, p, 1)
}

// NthPeriodEnd is the end of the n-th period of p counted from anchor, the day the
// subscription first started. Counting from the anchor keeps a month-end start on the
// month's end: from 31 January the ends are 28 February, 31 March, 30 April, where
// adding one month to each previous end would drift to the 28th.
func NthPeriodEnd(anchor Date, p PlanPeriod, n int) (end Date, ok bool) {
	switch p.Unit {
	case UnitDays:
		return anchor.AddDays(p.Duration * n), true
	case UnitMonths:
		return anchor.AddMonths(p.Duration * n), true
	case UnitYears:
		return anchor.AddMonths(12 * p.Duration * n), true
	}
	return Date{}, false
}

// PeriodMonths is the length of p in months, exactly: n months, 12 per year, days
// over DaysPerMonth. An endless period is billed one month at a time, so its orders
// charge one month. A duration too large to count fails.
func PeriodMonths(p PlanPeriod) (Months, error) {
	d := big.NewInt(int64(p.Duration))
	switch p.Unit {
	case UnitDays:
		return monthsOf(new(big.Rat).SetFrac(d, big.NewInt(DaysPerMonth)))
	case UnitMonths:
		return monthsOf(new(big.Rat).SetInt(d))
	case UnitYears:
		return monthsOf(new(big.Rat).SetInt(d.Mul(d, big.NewInt(12))))
	}
	return WholeMonths(1), nil
}

// Term is the stretch of a subscription that one payment covers: from Start up to End
// (exclusive; the day it expires or is paid to) and how many months of recurring fees
// it holds. For most subscriptions it is the current period (PeriodTerm); for one paid
// month by month through prolong orders, or an endless one, it is the current month.
type Term struct {
	Start, End Date
	Months     Months
}

// PeriodTerm is the whole period of p that starts on start; for an endless period, its
// first month.
func PeriodTerm(start Date, p PlanPeriod) (Term, error) {
	end, ok := PeriodEnd(start, p)
	if !ok {
		return MonthTerm(start), nil
	}
	m, err := PeriodMonths(p)
	return Term{Start: start, End: end, Months: m}, err
}

// MonthTerm is the month that starts on start.
func MonthTerm(start Date) Term {
	return Term{Start: start, End: start.AddMonths(1), Months: WholeMonths(1)}
}

// Days is the number of days t covers.
func (t Term) Days() int { return t.Start.DaysUntil(t.End) }

// RemainingDays is the number of days of t from today (included) to its end: all of
// them before it starts, none once it is over.
func (t Term) RemainingDays(today Date) int {
	switch {
	case today.Before(t.Start):
		return t.Days()
	case !today.Before(t.End):
		return 0
	}
	return today.DaysUntil(t.End)
}

// Remaining is the part of t's months that remains on today: its months times the
// remaining days over all its days. A change made on the first day of a term has the
// whole term before it.
func (t Term) Remaining(today Date) (Months, error) {
	days := t.Days()
	if days <= 0 {
		return Months{}, nil
	}
	f := big.NewRat(int64(t.RemainingDays(today)), int64(days))
	return monthsOf(f.Mul(f, t.Months.Rat()))
}
