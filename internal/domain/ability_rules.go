package domain

// SubscriptionAbility computes what may be done to a subscription now. It is the one
// place these rules live; docs/lifecycle.md states them in words.
func SubscriptionAbility(in AbilityInput) Ability {
	// While the vendor works, after it failed, before the subscription exists and while a
	// stop or deletion waits for approval, nothing may start.
	if in.Status.Kind() != StatusStable || in.Status == SubscriptionStatusOrdered ||
		in.Status == SubscriptionStatusWaitingForManualApprove {
		return Ability{}
	}
	st := in.Status
	is := func(list ...SubscriptionStatus) bool {
		for _, s := range list {
			if st == s {
				return true
			}
		}
		return false
	}
	free := in.Pending.Kind == "" || in.Pending.Status.Closed()
	var a Ability
	a.Stop = is(SubscriptionStatusActive, SubscriptionStatusGraced)
	a.Activate = st == SubscriptionStatusStopped && !(in.CreditHold && in.PaymentModel == PaymentModelPrepay)
	a.Destroy = st == SubscriptionStatusStopped ||
		is(SubscriptionStatusActive, SubscriptionStatusDelivered, SubscriptionStatusGraced, SubscriptionStatusBlocked) &&
			in.Today.Before(in.StartDate.AddDays(in.Terms.DeletionPeriod))
	a.Renew = is(SubscriptionStatusActive, SubscriptionStatusGraced, SubscriptionStatusStopped) && in.Rules.Recurring &&
		!in.Endless && in.PlanActive && free && in.renewWindowOpen()
	a.Prolong = is(SubscriptionStatusActive, SubscriptionStatusStopped) && in.Rules.Prolong && !in.Trial && free &&
		in.prolongWindowOpen()
	a.Adjust = st == SubscriptionStatusActive && in.Rules.Recurring && !in.Trial && free
	a.SwitchPlan = st == SubscriptionStatusActive && in.Rules.Switch && in.SwitchTargets && free &&
		in.switchWindowOpen()
	a.ChangeAutoRenewOption = is(SubscriptionStatusActive, SubscriptionStatusGraced,
		SubscriptionStatusBlocked, SubscriptionStatusStopped) && in.Rules.Recurring && !in.Endless && !in.DisableAutorenew
	a.ChangeResourcesRenewalOrder = is(SubscriptionStatusActive, SubscriptionStatusGraced) &&
		in.Rules.DelayedRenewal && in.Rules.RenewalQuantityChange &&
		in.Pending.Kind == RenewalOrder && in.Pending.Status == OrderStatusWaitingForProvisioning
	a.DecreaseResourcesChangeOrder = a.Adjust && in.Rules.DecreaseByChange
	a.DecreaseResourcesProlongOrder = a.Prolong && in.Rules.DecreaseByProlong
	return a
}

// windowOpen reports whether a window that opens days before the expiration date
// (AlwaysOpen for the whole period) is open today. It stays open after the expiration.
func (in AbilityInput) windowOpen(days int) bool {
	return days == AlwaysOpen || !in.Today.Before(in.ExpirationDate.AddDays(-days))
}

// renewWindowOpen: a trial may always be renewed into a paid period; a billing type that
// does not renew before expiry opens on the expiration date; the others open at the
// service term's manual renew point.
func (in AbilityInput) renewWindowOpen() bool {
	switch {
	case in.Trial:
		return true
	case !in.Rules.RenewBeforeExpiry:
		return in.windowOpen(0)
	}
	return in.windowOpen(in.Terms.ManualRenewPoint)
}

// switchWindowOpen: a trial may always switch to a paid plan. An endless period has no
// expiration to count back from, so it switches only when the window is always open,
// and never under a billing type whose switches wait for the renewal.
func (in AbilityInput) switchWindowOpen() bool {
	switch {
	case in.Trial:
		return true
	case in.Endless:
		return in.Terms.ManualSwitchPoint == AlwaysOpen && !in.Rules.DelayedSwitch
	}
	return in.windowOpen(in.Terms.ManualSwitchPoint)
}

// prolongWindowOpen: the next month may be paid once the current paid month has begun
// (PaidMonthStart), and only while PaidTo is before the expiration date; so months
// are paid one at a time, never far ahead.
func (in AbilityInput) prolongWindowOpen() bool {
	if in.PaidTo.IsZero() || !in.Endless && !in.PaidTo.Before(in.ExpirationDate) {
		return false
	}
	opens := in.PaidMonthStart
	if opens.IsZero() {
		opens = in.PaidTo.AddMonths(-1)
	}
	return !in.Today.Before(opens)
}
