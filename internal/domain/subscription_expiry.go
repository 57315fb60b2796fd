package domain

// The time-driven steps of a subscription whose period ends without a renewal, as
// the scheduler takes them (docs/lifecycle.md, "Time: what the scheduler does").

// PeriodEnded reports whether s is active and today is on or after the end of its
// period (ExpirationDate, the first day the period no longer covers): a renewal would
// have moved the date on. An endless period never ends; delivered subscriptions of
// non-recurring billing types are not active, so they never expire either.
func (s *Subscription) PeriodEnded(today Date) bool {
	return s.Status == SubscriptionStatusActive && !s.ExpirationDate.IsZero() && !today.Before(s.ExpirationDate)
}

// Lapse is what happens to a subscription whose period ended without a renewal.
type Lapse struct {
	// Event moves the subscription: grace, or the request to stop it
	// (ProvisionRequest, which waits for approval when the service term says so).
	Event SubscriptionEvent
	// GraceEndsOn is the day the grace ends and the stop is asked for; zero unless
	// Event is grace.
	GraceEndsOn Date
}

// LapseOf is what happens to s when its period ends without a renewal under terms.
// A subscription that auto-renews expected its renewal: it keeps working, graced, for
// the term's GracePeriod days (the renewal may still be paid), and is stopped when
// the grace ends. One whose auto-renew is off was not meant to go on: it is stopped
// on its expiration date, as is any subscription under a term without grace.
func LapseOf(s *Subscription, terms TermSettings) Lapse {
	if s.Autorenew && terms.GracePeriod > 0 {
		return Lapse{Event: SubscriptionEvent{Kind: SubscriptionEventGrace},
			GraceEndsOn: s.ExpirationDate.AddDays(terms.GracePeriod)}
	}
	return Lapse{Event: ProvisionRequest(ProvisionOpStop, terms)}
}

// DeletionDay is the day a subscription that stopped on stoppedOn is deleted under
// terms: StopPeriod days later.
func DeletionDay(stoppedOn Date, terms TermSettings) Date { return stoppedOn.AddDays(terms.StopPeriod) }

// EndsWaitingOrders reports whether ev begins the end of a subscription: the request
// of a stop or a deletion (ProvisionRequest), whether it starts at once or waits for
// a manager's approval. The subscription's order that still waits for its payment or
// its provisioning date is then cancelled with its payment (OrderEventSubscriptionStopped),
// whoever asked: nothing ordered could be provisioned from the statuses a stop or
// deletion leads to, and a late payment must not bring back what was stopped.
func (ev SubscriptionEvent) EndsWaitingOrders() bool {
	switch ev.Kind {
	case SubscriptionEventStart, SubscriptionEventAwaitApproval:
		return ev.Op == ProvisionOpStop || ev.Op == ProvisionOpDelete
	}
	return false
}

// PaidMonthEnded reports whether s, of a billing type whose months are paid one at a
// time through prolong orders (rules.Prolong), is active and today is on or after
// its paid-to date while its period goes on: the next month was not paid in time
// (its prolong order was not completed by then). The documentation stops such a
// subscription on that day; no grace applies, since the grace period follows the end
// of a period, not of a paid month. A trial is free and is not paid month by month.
func (s *Subscription) PaidMonthEnded(rules BillingRules, today Date) bool {
	return s.Status == SubscriptionStatusActive && rules.Prolong && !s.Trial && !s.PaidTo.IsZero() &&
		!s.ExpirationDate.IsZero() && s.PaidTo.Before(s.ExpirationDate) && !today.Before(s.PaidTo)
}
