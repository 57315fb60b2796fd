package domain

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestChargeMoves: the moves the ledger allows, and that every other one is refused.
func TestChargeMoves(t *testing.T) {
	allowed := map[[2]ChargeStatus]bool{
		{ChargeNew, ChargeBlocked}: true, {ChargeNew, ChargeOpened}: true, {ChargeNew, ChargeDeleted}: true,
		{ChargeOpened, ChargeBlocked}: true, {ChargeOpened, ChargeDeleted}: true,
		{ChargeBlocked, ChargeClosed}: true, {ChargeBlocked, ChargeDeleted}: true,
		{ChargeWaitingForRefund, ChargeRefunded}: true, {ChargeWaitingForRefund, ChargeDeleted}: true,
	}
	for _, from := range ChargeStatuses {
		for _, to := range ChargeStatuses {
			err := CheckChargeMove(from, to)
			if allowed[[2]ChargeStatus{from, to}] != (err == nil) {
				t.Errorf("%s -> %s: %v, want allowed=%v", from, to, err, allowed[[2]ChargeStatus{from, to}])
			}
			if err != nil && CodeOf(err) != ErrForbidden {
				t.Errorf("%s -> %s: code %s", from, to, CodeOf(err))
			}
		}
	}
}

// TestLedgerMove: what each move does to a prepaid account, and that postpaid
// charges never move money.
func TestLedgerMove(t *testing.T) {
	cases := []struct {
		from, to         ChargeStatus
		typ              ChargeType
		balance, blocked Amount
	}{
		{ChargeNew, ChargeBlocked, ChargeRecurring, 0, 10},
		{ChargeBlocked, ChargeClosed, ChargeRecurring, -10, -10},
		{ChargeBlocked, ChargeDeleted, ChargeRecurring, 0, -10},
		{ChargeNew, ChargeDeleted, ChargeRecurring, 0, 0},
		{ChargeWaitingForRefund, ChargeRefunded, ChargeRefund, 10, 0},
		{ChargeWaitingForRefund, ChargeDeleted, ChargeRefund, 0, 0},
	}
	for _, c := range cases {
		ch := &Charge{Status: c.from, Type: c.typ, Amount: 10, PaymentModel: PaymentModelPrepay}
		if b, bl := LedgerMove(ch, c.to); b != c.balance || bl != c.blocked {
			t.Errorf("%s -> %s: %s/%s, want %s/%s", c.from, c.to, b, bl, c.balance, c.blocked)
		}
		ch.PaymentModel = PaymentModelPostpay
		if b, bl := LedgerMove(ch, c.to); b != 0 || bl != 0 {
			t.Errorf("postpaid %s -> %s moved %s/%s", c.from, c.to, b, bl)
		}
	}
}

// TestChargesOfOrderSumToTotal: whatever an order's lines, its charges sum to its
// total exactly (refunds negative), refunds are positive and wait for refund, and
// every charge has its own billing key.
func TestChargesOfOrderSumToTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	fees := []FeeKind{FeeSetup, FeeRecurring, FeeRenewal}
	kinds := []OrderKind{SalesOrder, ChangeOrder, SwitchOrder, RenewalOrder, ProlongOrder}
	at := time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 20000; i++ {
		o := &Order{ID: int64(i + 1), Kind: kinds[rng.IntN(len(kinds))], Currency: "USD",
			PaymentModel: []PaymentModel{PaymentModelPrepay, PaymentModelPostpay}[rng.IntN(2)]}
		credit := Amount(0)
		for range rng.IntN(6) {
			l := QuoteLine{Fee: fees[rng.IntN(len(fees))], Quantity: 1 + rng.Int64N(50),
				UnitPrice: Amount(rng.Int64N(10_000_000)), PlanResourceID: rng.Int64N(3)}
			l.Amount = Amount(rng.Int64N(1_000_000_000)).Round("USD")
			if l.Fee == FeeRecurring {
				l.Months, _ = MonthsFraction(1+rng.Int64N(400), 1+rng.Int64N(30))
				if rng.IntN(3) == 0 { // a refund or credit
					l.Quantity, l.Amount = -l.Quantity, -l.Amount
					credit -= l.Amount
				}
			}
			o.QuoteLines = append(o.QuoteLines, l)
		}
		if credit > 0 && rng.IntN(2) == 0 {
			kept := Amount(rng.Int64N(int64(credit) + 1)).Round("USD")
			o.QuoteLines = append(o.QuoteLines, QuoteLine{Fee: FeeCreditKept, Quantity: 1, Amount: kept})
		}
		for _, l := range o.QuoteLines {
			o.Total += l.Amount
		}
		sub := &Subscription{ID: 7, ExpirationDate: Date{2027, 4, 1}, PaidTo: Date{2027, 4, 1}}
		charges := ChargesOfOrder(o, sub, at, time.UTC)
		if got := ChargeTotal(charges); got != o.Total {
			t.Fatalf("case %d: charges sum to %s, order totals %s (%+v)", i, got, o.Total, o.QuoteLines)
		}
		keys := map[string]bool{}
		for _, c := range charges {
			if keys[c.BillingKey] {
				t.Fatalf("case %d: billing key %s twice", i, c.BillingKey)
			}
			keys[c.BillingKey] = true
			if c.Amount < 0 || c.Quantity < 0 {
				t.Fatalf("case %d: negative charge %+v", i, c)
			}
			switch {
			case c.Type == ChargeRefund && c.Status != ChargeWaitingForRefund:
				t.Fatalf("case %d: refund in %s", i, c.Status)
			case c.Type != ChargeRefund && o.PaymentModel == PaymentModelPrepay && c.Status != ChargeNew:
				t.Fatalf("case %d: prepaid charge in %s", i, c.Status)
			case c.Type != ChargeRefund && o.PaymentModel == PaymentModelPostpay && c.Status != ChargeBlocked:
				t.Fatalf("case %d: postpaid charge in %s", i, c.Status)
			}
		}
	}
}

// TestChargesOfOrderPeriods: what each kind of order's charges pay for, and the
// plan currency and rate they keep.
func TestChargesOfOrderPeriods(t *testing.T) {
	at := time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)
	sub := &Subscription{ID: 7, ExpirationDate: Date{2027, 4, 1}, PaidTo: Date{2027, 4, 1},
		Resources: []SubscriptionResource{{ID: 70, PlanResourceID: 5}}}
	half, _ := MonthsFraction(1, 2)
	rate, _ := ParseRate("1.08")
	o := &Order{ID: 3, Kind: RenewalOrder, Currency: "USD", PlanCurrency: "EUR", CurrencyRate: rate,
		PaymentModel: PaymentModelPrepay, QuoteLines: []QuoteLine{
			{Fee: FeeRenewal, Quantity: 1, Amount: 5_000_000},
			{Fee: FeeRecurring, PlanResourceID: 5, Quantity: 2, Months: WholeMonths(12), Amount: 24_000_000},
		}}
	cs := ChargesOfOrder(o, sub, at, time.UTC)
	if len(cs) != 2 || cs[0].OperateFrom != (Date{2027, 3, 10}) || cs[0].OperateTo != cs[0].OperateFrom ||
		!cs[0].Duration.IsZero() || cs[0].Type != ChargeRenewal || cs[0].BillingKey != "order:3:1" {
		t.Fatalf("renewal fee: %+v", cs[0])
	}
	r := cs[1]
	if r.OperateFrom != (Date{2027, 4, 1}) || r.OperateTo != (Date{2028, 4, 1}) || r.SubscriptionResourceID != 70 ||
		r.Currency != "EUR" || r.ResellerCurrency != "USD" || r.CurrencyRate.String() != "1.08" {
		t.Fatalf("renewal recurring: %+v", r)
	}
	o.Kind, o.QuoteLines = ChangeOrder, []QuoteLine{{Fee: FeeRecurring, Quantity: -1, Months: half, Amount: -3_000_000}}
	cs = ChargesOfOrder(o, sub, at, time.UTC)
	if len(cs) != 1 || cs[0].Type != ChargeRefund || cs[0].Amount != 3_000_000 || cs[0].Quantity != 1 ||
		cs[0].OperateFrom != (Date{2027, 3, 10}) || cs[0].OperateTo != (Date{2027, 3, 25}) {
		t.Fatalf("change refund: %+v", cs[0])
	}
}
