package domain

import "testing"

func TestSubscriptionCreditLimit(t *testing.T) {
	acc := &Account{CreditLimit: 300 * AmountScale, Class: AccountClass{CreditLimit: 500 * AmountScale}}
	cases := []struct {
		subUseSystem, accUseSystem bool
		want                       Amount
	}{
		{false, false, 100 * AmountScale}, // the subscription's own
		{false, true, 100 * AmountScale},
		{true, false, 300 * AmountScale}, // the account's own
		{true, true, 500 * AmountScale},  // the account's class's
	}
	for _, c := range cases {
		sub := &Subscription{CreditLimit: 100 * AmountScale, CreditLimitUseSystem: c.subUseSystem}
		acc.CreditLimitUseSystem = c.accUseSystem
		if got := SubscriptionCreditLimit(sub, acc); got != c.want {
			t.Errorf("sub system %v, account system %v: limit %s, want %s", c.subUseSystem, c.accUseSystem, got, c.want)
		}
	}
}

func TestOverDebtLimit(t *testing.T) {
	cases := []struct {
		debt, limit Amount
		want        bool
	}{
		{0, 0, false}, {1000 * AmountScale, 0, false}, // 0 is no limit
		{10 * AmountScale, 10 * AmountScale, false}, {10*AmountScale + 1, 10 * AmountScale, true}, {-5 * AmountScale, 10 * AmountScale, false},
	}
	for _, c := range cases {
		if got := OverDebtLimit(c.debt, c.limit); got != c.want {
			t.Errorf("OverDebtLimit(%s, %s) = %v, want %v", c.debt, c.limit, got, c.want)
		}
	}
}

func TestDebtMoveEveryStatus(t *testing.T) {
	const limit = 10 * AmountScale
	for _, model := range []PaymentModel{PaymentModelPrepay, PaymentModelPostpay} {
		for _, st := range SubscriptionStatuses {
			for _, debt := range []Amount{-1, 0, limit, limit + 1} {
				sub := &Subscription{Status: st, PaymentModel: model, CurrentDebt: debt}
				got, ok := DebtMove(sub, limit)
				if ok && !DebtMayMove(sub) {
					t.Errorf("%s %s debt %s: DebtMayMove false, but DebtMove moves it", model, st, debt)
				}
				var want SubscriptionEventKind
				over := debt > limit
				switch {
				case model != PaymentModelPostpay:
				case over && (st == SubscriptionStatusActive || st == SubscriptionStatusGraced):
					want = SubscriptionEventBlock
				case !over && st == SubscriptionStatusBlocked:
					want = SubscriptionEventUnblock
				}
				if ok != (want != "") || got != want {
					t.Errorf("%s %s debt %s: DebtMove = %q %v, want %q", model, st, debt, got, ok, want)
				}
				if !ok {
					continue
				}
				// The event is one the lifecycle takes from that status.
				rules := BillingPayInFull.Rules()
				if err := sub.Apply(SubscriptionEvent{Kind: got}, rules); err != nil {
					t.Errorf("%s %s: %v", model, st, err)
				}
			}
		}
	}
	// No limit: never blocked, and a blocked subscription is unblocked.
	if _, ok := DebtMove(&Subscription{Status: SubscriptionStatusActive, PaymentModel: PaymentModelPostpay,
		CurrentDebt: 1 << 50}, 0); ok {
		t.Error("a limit of 0 blocked")
	}
}

func TestBlockAndUnblockReturnToGraced(t *testing.T) {
	rules := BillingPayInFull.Rules()
	sub := &Subscription{Status: SubscriptionStatusGraced, PaymentModel: PaymentModelPostpay, CurrentDebt: 11 * AmountScale}
	ev, _ := DebtMove(sub, 10*AmountScale)
	if err := sub.Apply(SubscriptionEvent{Kind: ev}, rules); err != nil || sub.Status != SubscriptionStatusBlocked {
		t.Fatalf("block: %v, %s", err, sub.Status)
	}
	sub.CurrentDebt = 10 * AmountScale
	ev, _ = DebtMove(sub, 10*AmountScale)
	if err := sub.Apply(SubscriptionEvent{Kind: ev}, rules); err != nil || sub.Status != SubscriptionStatusGraced {
		t.Fatalf("unblock: %v, %s", err, sub.Status)
	}
}

func TestOrderOverCredit(t *testing.T) {
	cases := []struct {
		debt, total, limit Amount
		want               bool
	}{
		{0, 10 * AmountScale, 10 * AmountScale, false},
		{0, 10*AmountScale + 1, 10 * AmountScale, true},
		{5 * AmountScale, 6 * AmountScale, 10 * AmountScale, true},
		{5 * AmountScale, 5 * AmountScale, 10 * AmountScale, false},
		{20 * AmountScale, -1 * AmountScale, 10 * AmountScale, false}, // a decrease lowers the debt
		{20 * AmountScale, 0, 10 * AmountScale, false},
		{0, 1000 * AmountScale, 0, false}, // no limit
	}
	for _, c := range cases {
		if got := OrderOverCredit(c.debt, c.total, c.limit); got != c.want {
			t.Errorf("OrderOverCredit(%s, %s, %s) = %v, want %v", c.debt, c.total, c.limit, got, c.want)
		}
	}
}

func TestChargeDebtEveryStatus(t *testing.T) {
	for _, model := range []PaymentModel{PaymentModelPrepay, PaymentModelPostpay} {
		for _, typ := range []ChargeType{ChargeRecurring, ChargeRefund} {
			for _, st := range ChargeStatuses {
				for _, inv := range []int64{0, 7} {
					c := &Charge{PaymentModel: model, Type: typ, Status: st, Amount: 3 * AmountScale, InvoiceID: inv, OrderID: 1}
					var want Amount
					sign := Amount(1)
					if st == ChargeWaitingForRefund || st == ChargeRefunded {
						sign = -1
					}
					switch {
					case model == PaymentModelPrepay, st == ChargeDeleted:
					case st == ChargeClosed || st == ChargeRefunded:
						if inv != 0 {
							want = sign * 3 * AmountScale
						}
					default:
						want = sign * 3 * AmountScale
					}
					if got := ChargeDebt(c); got != want {
						t.Errorf("%s %s %s invoice %d: %s, want %s", model, typ, st, inv, got, want)
					}
				}
			}
		}
	}
}

func TestChargeDebtMove(t *testing.T) {
	usage := &Charge{PaymentModel: PaymentModelPostpay, Status: ChargeBlocked, Amount: 4 * AmountScale}
	if got := ChargeDebt(usage); got != 4*AmountScale {
		t.Errorf("a consumption charge (no order) owes %s, want 4", got)
	}
	c := &Charge{PaymentModel: PaymentModelPostpay, Status: ChargeBlocked, Amount: 4 * AmountScale, OrderID: 1}
	if got := ChargeDebtMove(c, ChargeDeleted); got != -4*AmountScale {
		t.Errorf("blocked -> deleted: %s", got)
	}
	c.InvoiceID = 9
	if got := ChargeDebtMove(c, ChargeClosed); got != 0 {
		t.Errorf("blocked -> closed into an invoice: %s", got)
	}
	r := &Charge{PaymentModel: PaymentModelPostpay, Type: ChargeRefund, Status: ChargeWaitingForRefund, Amount: 2 * AmountScale,
		OrderID: 1}
	if got := ChargeDebtMove(r, ChargeDeleted); got != 2*AmountScale {
		t.Errorf("refund deleted: %s", got)
	}
	if c.Status != ChargeBlocked {
		t.Error("ChargeDebtMove changed the charge")
	}
}
