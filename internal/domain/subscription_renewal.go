package domain

// The orders the scheduler makes by itself (docs/lifecycle.md, "Time: what the
// scheduler does"): the automatic renewal of an auto-renewing subscription and the
// monthly prolong order of a subscription paid month by month.

// CreatedBySystem is the CreatedBy label of an order the scheduler made.
const CreatedBySystem = "System"

// AutoRenewalDay is the day the automatic renewal order of s's current period is
// made under rules and terms: AutoRenewPoint days before the expiration date, never
// before the manual renew window opens (the renewal is checked like a manager's),
// and on the expiration date itself for a billing type that does not renew before
// expiry. It is zero when s does not renew by itself: auto-renew off, a billing type
// that does not recur, an endless period, or a trial (a trial is not renewed into
// another trial; it ends, and a manager turns it into a paid period by a renewal or
// a switch).
func (s *Subscription) AutoRenewalDay(rules BillingRules, terms TermSettings) Date {
	if !s.Autorenew || !rules.Recurring || s.Trial || s.ExpirationDate.IsZero() {
		return Date{}
	}
	if !rules.RenewBeforeExpiry {
		return s.ExpirationDate
	}
	day := s.ExpirationDate.AddDays(-terms.AutoRenewPoint)
	if terms.ManualRenewPoint != AlwaysOpen {
		if opens := s.ExpirationDate.AddDays(-terms.ManualRenewPoint); opens.After(day) {
			day = opens
		}
	}
	return day
}

// AutoProlongDay is the day the prolong order of s's next month is made under rules
// and terms: AutoRenewPoint days before the paid-to date, never before the paid
// month began (PaidMonthStart: months are paid one at a time). It is zero when s is not paid month by
// month (a billing type without prolong orders, or a trial) or its last month is
// paid (paid-to reached the expiration date: the renewal comes next). An endless
// period is prolonged month after month.
func (s *Subscription) AutoProlongDay(rules BillingRules, terms TermSettings) Date {
	if !rules.Prolong || s.Trial || s.PaidTo.IsZero() ||
		!s.ExpirationDate.IsZero() && !s.PaidTo.Before(s.ExpirationDate) {
		return Date{}
	}
	day := s.PaidTo.AddDays(-terms.AutoRenewPoint)
	if opens := s.PaidMonthStart(); opens.After(day) {
		day = opens
	}
	return day
}

// AutoRenewalExpiration is the last day the automatic renewal of s, made on a day
// whose usual order expiration is usual, may be paid: the usual day, or the last day
// of the grace that follows an unpaid renewal when that is later, so the customer
// may pay it as long as the subscription keeps working.
func (s *Subscription) AutoRenewalExpiration(usual Date, terms TermSettings) Date {
	if last := s.ExpirationDate.AddDays(terms.GracePeriod - 1); last.After(usual) {
		return last
	}
	return usual
}
