package domain

// Postpaid debt and blocking (docs/billing.md, "Postpaid debt and blocking"): a
// postpaid subscription's current debt is what it owes and has not paid yet; above
// its credit limit it is blocked, and back within the limit it is unblocked.

// SubscriptionCreditLimit is the credit limit of sub, whose account is acc: its own
// when it does not use the system's, else the account's effective limit (its
// class's or its own, Account.EffectiveCreditLimit). For a postpaid subscription 0
// means no limit: a postpaid account does not move its balance, so no balance stands
// behind the debt and a limit of 0 would block every postpaid subscription at its
// first charge.
func SubscriptionCreditLimit(sub *Subscription, acc *Account) Amount {
	if !sub.CreditLimitUseSystem {
		return sub.CreditLimit
	}
	return acc.EffectiveCreditLimit()
}

// OverDebtLimit reports whether debt is above limit, a postpaid credit limit where 0
// means none.
func OverDebtLimit(debt, limit Amount) bool {
	return limit > 0 && debt > limit
}

// DebtMove is the lifecycle event sub's current debt calls for under limit (see
// SubscriptionCreditLimit), false when none: an active or graced postpaid
// subscription above its limit is blocked, a blocked one within it unblocked. Any
// other status (one being provisioned, stopped, deleted) is left to the step that
// moves it; a prepaid subscription has no debt.
func DebtMove(sub *Subscription, limit Amount) (SubscriptionEventKind, bool) {
	return BlockMove(sub, limit, false)
}

// DebtMayMove reports whether some credit limit would make DebtMove move sub, so
// that reading its limit is worth it: a postpaid subscription blocked, or active or
// graced and owing something.
func DebtMayMove(sub *Subscription) bool {
	if sub.PaymentModel != PaymentModelPostpay {
		return false
	}
	switch sub.Status {
	case SubscriptionStatusBlocked:
		return true
	case SubscriptionStatusActive, SubscriptionStatusGraced:
		return sub.CurrentDebt > 0
	}
	return false
}

// OrderOverCredit reports whether an order of total on a postpaid subscription owing
// debt would bring the debt above limit: such an order is refused
// (MsgOrderCreditLimit). An order that lowers the debt (a decrease) never is.
func OrderOverCredit(debt, total, limit Amount) bool {
	return total > 0 && OverDebtLimit(debt+total, limit)
}

// ChargeDebt is what charge c adds to its subscription's current debt in its
// status, before its invoice is paid (when the payment of c's invoice completes, the
// invoice's share is taken off at once): a postpaid fee owes its amount while new,
// opened or blocked, and once closed into an invoice; a postpaid refund takes its
// amount off while it waits and once refunded in an invoice. A deleted charge owes
// nothing, nor does a closed one no invoice gathers (closed by hand, never billed),
// nor a prepaid one (the balance pays it). A consumption charge, which no order
// made, owes like any other from the billing day that charged it.
func ChargeDebt(c *Charge) Amount {
	if c.PaymentModel != PaymentModelPostpay {
		return 0
	}
	switch c.Status {
	case ChargeNew, ChargeOpened, ChargeBlocked:
		return c.Amount
	case ChargeWaitingForRefund:
		return -c.Amount
	case ChargeClosed:
		if c.InvoiceID != 0 {
			return c.Amount
		}
	case ChargeRefunded:
		if c.InvoiceID != 0 {
			return -c.Amount
		}
	}
	return 0
}

// ChargeDebtMove is how moving c to status to changes its subscription's debt.
func ChargeDebtMove(c *Charge, to ChargeStatus) Amount {
	moved := *c
	moved.Status = to
	return ChargeDebt(&moved) - ChargeDebt(c)
}

// OrderDebt is what the charges of o owe at their creation (ChargeDebt): a postpaid
// order's charges sum to its total (refunds counting negative) and are all open, so
// its total; a prepaid order owes nothing.
func OrderDebt(o *Order) Amount {
	if o.PaymentModel != PaymentModelPostpay {
		return 0
	}
	return o.Total
}
