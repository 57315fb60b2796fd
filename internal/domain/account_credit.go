package domain

// OverCreditLimit reports whether a's available balance is below minus its
// effective credit limit: the account has spent more than it may owe.
func (a *Account) OverCreditLimit() bool {
	return a.AvailableBalance() < -a.EffectiveCreditLimit()
}

// CreditHoldMove is the status a's money puts it in, when that differs from its
// status: an active account over its credit limit goes on credit hold, and one on
// credit hold back within it is active again. An administrative hold is a
// manager's and is left as it is.
func (a *Account) CreditHoldMove() (AccountStatus, bool) {
	over := a.OverCreditLimit()
	switch {
	case over && a.Status == AccountStatusActive:
		return AccountStatusCreditHold, true
	case !over && a.Status == AccountStatusCreditHold:
		return AccountStatusActive, true
	}
	return a.Status, false
}
