package domain

// A subscription's periods are counted from an anchor day, not from each previous
// end: the n-th period ends on the anchor plus n periods, the day clamped to the
// month's end (NthPeriodEnd). So a monthly subscription bought on 31 January ends its
// periods on 28 February, 31 March, 30 April, where adding a month to each previous
// end would drift to the 28th for good. Months paid one at a time through prolong
// orders are counted the same way.
//
// The anchor is the start of the first period (StartDate) until a renewal begins a
// period that does not continue the series counted from it (a trial's end followed
// by a paid period, a period of another length): the count restarts on the day that
// period begins, the old expiration date, which Subscription.PeriodAnchor keeps.
// A switch out of a trial starts a new first period, and with it a new count.

// oneMonth is the series of months a prolonged subscription is paid through.
var oneMonth = PlanPeriod{Duration: 1, Unit: UnitMonths}

// Anchor is the day s's periods are counted from: PeriodAnchor once a renewal
// restarted the count, the start date before.
func (s *Subscription) Anchor() Date {
	if s.PeriodAnchor.IsZero() {
		return s.StartDate
	}
	return s.PeriodAnchor
}

// periodsTo is n when day is the end of the n-th period of p counted from anchor
// (0 for the anchor itself); ok is false when day is not on that series.
func periodsTo(anchor, day Date, p PlanPeriod) (n int, ok bool) {
	if p.Duration <= 0 || anchor.IsZero() || day.Before(anchor) {
		return 0, false
	}
	step := p.Duration
	switch p.Unit {
	case UnitDays:
		d := anchor.DaysUntil(day)
		return d / step, d%step == 0
	case UnitYears:
		step *= 12
	case UnitMonths:
	default:
		return 0, false
	}
	m := (day.Year-anchor.Year)*12 + int(day.Month) - int(anchor.Month)
	if m%step != 0 {
		return 0, false
	}
	n = m / step
	end, _ := NthPeriodEnd(anchor, p, n)
	return n, end == day
}

// NextPeriodEnd is the end of the period of p that begins on from, a day of the
// series counted from anchor, and the anchor the series goes on from: anchor itself
// when from is on its series of p, else from, where a new count starts.
func NextPeriodEnd(anchor, from Date, p PlanPeriod) (end, next Date, ok bool) {
	if n, on := periodsTo(anchor, from, p); on {
		end, ok = NthPeriodEnd(anchor, p, n+1)
		return end, anchor, ok
	}
	end, ok = PeriodEnd(from, p)
	return end, from, ok
}

// previousPeriodStart is the day the period of p that ends on end began, on the
// series counted from anchor (end less one period when end is not on it).
func previousPeriodStart(anchor, end Date, p PlanPeriod) Date {
	if n, on := periodsTo(anchor, end, p); on && n > 0 {
		start, _ := NthPeriodEnd(anchor, p, n-1)
		return start
	}
	return periodStartBefore(end, p)
}

// nextPaidTo is the paid-to date one month after paidTo, on the months counted from
// s's anchor.
func (s *Subscription) nextPaidTo(paidTo Date) Date {
	end, _, _ := NextPeriodEnd(s.Anchor(), paidTo, oneMonth)
	return end
}

// PaidMonthStart is the first day of the month that ends on s's paid-to date, on
// the months counted from s's anchor: from it the next month may be paid.
func (s *Subscription) PaidMonthStart() Date {
	return previousPeriodStart(s.Anchor(), s.PaidTo, oneMonth)
}
