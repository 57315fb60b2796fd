package domain

import "testing"

// TestBlockMoveBothReasons walks every status, debt and expiry: a postpaid
// subscription is held blocked while either reason holds, and comes back only when
// neither does; ExpiryDecides is true wherever the expiry changes the answer.
func TestBlockMoveBothReasons(t *testing.T) {
	const limit = 10 * AmountScale
	for _, model := range []PaymentModel{PaymentModelPrepay, PaymentModelPostpay} {
		for _, st := range SubscriptionStatuses {
			for _, debt := range []Amount{0, limit, limit + 1} {
				sub := &Subscription{Status: st, PaymentModel: model, CurrentDebt: debt}
				without, okWithout := BlockMove(sub, limit, false)
				with, okWith := BlockMove(sub, limit, true)
				if (without != with || okWithout != okWith) && !ExpiryDecides(sub, limit) {
					t.Errorf("%s %s debt %s: the expiry decides, ExpiryDecides says not", model, st, debt)
				}
				var want SubscriptionEventKind
				held := debt > limit
				switch {
				case model != PaymentModelPostpay:
				case st == SubscriptionStatusActive || st == SubscriptionStatusGraced:
					want = SubscriptionEventBlock
				case st == SubscriptionStatusBlocked && !held:
					// Held blocked by the expiry: no move.
				}
				if okWith != (want != "") || with != want {
					t.Errorf("%s %s debt %s expired: BlockMove = %q %v, want %q", model, st, debt, with, okWith, want)
				}
			}
		}
	}
}

// TestBlockedForBothReasons follows one subscription blocked by its debt and by an
// expired invoice: paying the debt alone keeps it blocked, and it comes back to
// the graced status it was blocked from once the invoice is paid too.
func TestBlockedForBothReasons(t *testing.T) {
	const limit = 10 * AmountScale
	sub := &Subscription{Status: SubscriptionStatusGraced, PaymentModel: PaymentModelPostpay, CurrentDebt: limit + 1}
	ev, ok := BlockMove(sub, limit, true)
	if !ok || ev != SubscriptionEventBlock {
		t.Fatalf("over the limit with an expired invoice: %q %v, want block", ev, ok)
	}
	if err := sub.Apply(SubscriptionEvent{Kind: ev}, BillingRules{}); err != nil {
		t.Fatal(err)
	}
	sub.CurrentDebt = limit // the debt is paid down, the invoice still expired
	if ev, ok := BlockMove(sub, limit, true); ok {
		t.Fatalf("debt within the limit, invoice expired: %q, want no move", ev)
	}
	ev, ok = BlockMove(sub, limit, false)
	if !ok || ev != SubscriptionEventUnblock {
		t.Fatalf("both cleared: %q %v, want unblock", ev, ok)
	}
	if err := sub.Apply(SubscriptionEvent{Kind: ev}, BillingRules{}); err != nil {
		t.Fatal(err)
	}
	if sub.Status != SubscriptionStatusGraced {
		t.Fatalf("unblocked to %s, want graced", sub.Status)
	}
}
