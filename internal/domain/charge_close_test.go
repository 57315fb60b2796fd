package domain

import (
	"testing"
	"time"
)

// TestCloseChargesOf: the replacements are one per plan resource (the plan's own
// first), sum exactly to what they replace, cover the earliest start to the latest
// end, and are closed (prepaid) or blocked (postpaid); hold_to is the latest end.
func TestCloseChargesOf(t *testing.T) {
	d := func(m time.Month, day int) Date { return Date{2027, m, day} }
	at := time.Date(2027, 3, 12, 9, 0, 0, 0, time.UTC)
	for _, model := range []PaymentModel{PaymentModelPrepay, PaymentModelPostpay} {
		charges := []*Charge{
			{ID: 7, PlanResourceID: 3, Amount: 333_333, Quantity: 2, OperateFrom: d(3, 10), OperateTo: d(4, 10), PaymentModel: model},
			{ID: 8, Amount: 10_000_000, OperateFrom: d(3, 10), OperateTo: d(4, 10), PaymentModel: model},
			{ID: 9, PlanResourceID: 3, Amount: 666_667, Quantity: 5, OperateFrom: d(3, 12), OperateTo: d(5, 10), PaymentModel: model},
		}
		got := CloseChargesOf(charges, d(3, 12), at)
		if got.HoldTo != d(5, 10) || len(got.Replacements) != 2 {
			t.Fatalf("%s: %+v", model, got)
		}
		plan, seats := got.Replacements[0], got.Replacements[1]
		if plan.PlanResourceID != 0 || plan.Amount != 10_000_000 || plan.BillingKey != "close:8:plan" {
			t.Errorf("%s: plan replacement %+v", model, plan)
		}
		if seats.Amount != 1_000_000 || seats.Quantity != 5 || seats.OperateFrom != d(3, 10) ||
			seats.OperateTo != d(5, 10) || seats.Duration != WholeMonths(2) || seats.BillingKey != "close:7:resource:3" {
			t.Errorf("%s: seats replacement %+v", model, seats)
		}
		for _, r := range got.Replacements {
			want, closed := ChargeBlocked, Date{}
			if model == PaymentModelPrepay {
				want, closed = ChargeClosed, d(3, 12)
			}
			if r.Status != want || r.CloseDate != closed || r.Type != ChargeRecurring {
				t.Errorf("%s: replacement %s closed %s, want %s closed %s", model, r.Status, r.CloseDate, want, closed)
			}
		}
	}
}
