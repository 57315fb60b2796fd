package domain

// Blocking for an expired invoice payment (docs/billing.md, "Postpaid debt and
// blocking"): a postpaid subscription is blocked while its debt is above its credit
// limit or an invoice it owes to has an expired payment, and unblocked only when
// neither holds. Nothing remembers which reason blocked it: each review asks both
// again, so a subscription blocked for two reasons comes back only when both are
// cleared, whichever clears last.

// BlockMove is the lifecycle event sub calls for under its credit limit and
// expired, whether an invoice it owes to has an expired payment; false when none.
// An active or graced postpaid subscription over its limit or with an expired
// invoice is blocked, a blocked one with neither unblocked (to the status it was
// blocked from). Any other status is left to the step that moves it.
func BlockMove(sub *Subscription, limit Amount, expired bool) (SubscriptionEventKind, bool) {
	if sub.PaymentModel != PaymentModelPostpay {
		return "", false
	}
	held := expired || OverDebtLimit(sub.CurrentDebt, limit)
	switch {
	case held && (sub.Status == SubscriptionStatusActive || sub.Status == SubscriptionStatusGraced):
		return SubscriptionEventBlock, true
	case !held && sub.Status == SubscriptionStatusBlocked:
		return SubscriptionEventUnblock, true
	}
	return "", false
}

// ExpiryDecides reports whether knowing whether sub has an expired invoice may change what
// BlockMove answers under limit, so that looking it up is worth it: a postpaid
// subscription active, graced or blocked, its debt within the limit (above it, it is
// blocked either way).
func ExpiryDecides(sub *Subscription, limit Amount) bool {
	if sub.PaymentModel != PaymentModelPostpay || OverDebtLimit(sub.CurrentDebt, limit) {
		return false
	}
	switch sub.Status {
	case SubscriptionStatusActive, SubscriptionStatusGraced, SubscriptionStatusBlocked:
		return true
	}
	return false
}
