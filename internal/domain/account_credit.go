package domain

import "time"

// SubzeroUnlimited is the subzero period of a class whose accounts may stay below
// zero (within their credit limit) for ever.
const SubzeroUnlimited = -1

// MaxSubzeroPeriod is the longest subzero period, in days (a hundred years): a
// longer one would overflow the period's duration (SubzeroExpired) and the
// subzero pass's arithmetic in microseconds.
const MaxSubzeroPeriod = 36500

// OverCreditLimit reports whether a's available balance is below minus its
// effective credit limit: the account has spent more than it may owe.
func (a *Account) OverCreditLimit() bool {
	return a.AvailableBalance() < -a.EffectiveCreditLimit()
}

// NegativeSinceAfter is what a.NegativeSince becomes once a's money has moved at
// now: the start of the current stretch below zero, kept while the available
// balance stays below zero, now when it has just gone below, nil at or above zero.
func (a *Account) NegativeSinceAfter(now time.Time) *time.Time {
	switch {
	case a.AvailableBalance() >= 0:
		return nil
	case a.NegativeSince != nil:
		return a.NegativeSince
	}
	return &now
}

// SubzeroExpired reports whether a has been below zero, on day now, for more
// than its class's subzero period (whole days of 24 hours).
func (a *Account) SubzeroExpired(now time.Time) bool {
	period := a.Class.SubzeroPeriod
	if a.NegativeSince == nil || period < 0 {
		return false
	}
	return now.After(a.NegativeSince.Add(time.Duration(period) * 24 * time.Hour))
}

// CreditHoldMove is the status a's money puts it in on day now, when that differs
// from its status: an active account over its credit limit, or below zero for
// longer than its subzero period, goes on credit hold, and one on credit hold back
// within both rules is active again. An administrative hold is a manager's and is
// left as it is.
func (a *Account) CreditHoldMove(now time.Time) (AccountStatus, bool) {
	over := a.OverCreditLimit() || a.SubzeroExpired(now)
	switch {
	case over && a.Status == AccountStatusActive:
		return AccountStatusCreditHold, true
	case !over && a.Status == AccountStatusCreditHold:
		return AccountStatusActive, true
	}
	return a.Status, false
}
