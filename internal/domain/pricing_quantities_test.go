package domain

import (
	"math"
	"reflect"
	"testing"
)

const ptrEntry0 = "/data/attributes/resources/data/0/"

func TestSalesQuantities(t *testing.T) {
	tariff := mustTariff(t, mailPlan(t), 101)
	ok := []struct {
		name    string
		ordered []ResourceOrder
		want    Quantities
	}{
		{"OK", []ResourceOrder{{resSeats, 8}, {resStorage, 50}, {resBackup, 1}},
			Quantities{resSeats: 8, resStorage: 50, resBackup: 1}},
		{"OKMinimumAndLimit", []ResourceOrder{{resSeats, 5}, {resStorage, 10}}, Quantities{resSeats: 5, resStorage: 10, resBackup: 0}},
		{"OKLimit", []ResourceOrder{{resSeats, 100}, {resStorage, 10}}, Quantities{resSeats: 100, resStorage: 10, resBackup: 0}},
		{"OKUnlimited", []ResourceOrder{{resSeats, 5}, {resStorage, math.MaxInt64}}, Quantities{resSeats: 5, resStorage: math.MaxInt64, resBackup: 0}},
		{"OKBooleanOff", []ResourceOrder{{resSeats, 5}, {resStorage, 10}, {resBackup, 0}}, Quantities{resSeats: 5, resStorage: 10, resBackup: 0}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := SalesQuantities(tariff, c.ordered)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("SalesQuantities=%v,%v, want %v", got, err, c.want)
			}
		})
	}
	bad := []struct {
		name    string
		ordered []ResourceOrder
		msg     Message
		pointer string
	}{
		{"ErrBelowMinimum", []ResourceOrder{{resSeats, 4}, {resStorage, 10}}, MsgResourceAmountInvalid, ptrEntry0 + "quantity"},
		{"ErrBelowIncluded", []ResourceOrder{{resSeats, 1}, {resStorage, 10}}, MsgResourceAmountInvalid, ptrEntry0 + "quantity"},
		{"ErrNegative", []ResourceOrder{{resSeats, -5}, {resStorage, 10}}, MsgResourceAmountInvalid, ptrEntry0 + "quantity"},
		{"ErrAboveLimit", []ResourceOrder{{resSeats, 101}, {resStorage, 10}}, MsgResourceAmountInvalid, ptrEntry0 + "quantity"},
		{"ErrBooleanTwo", []ResourceOrder{{resBackup, 2}, {resSeats, 5}, {resStorage, 10}}, MsgResourceAmountInvalid, ptrEntry0 + "quantity"},
		{"ErrNotInPlan", []ResourceOrder{{resProSeat, 5}, {resSeats, 5}, {resStorage, 10}}, MsgResourceNotInPlan, ptrEntry0 + "plan_resource_id"},
		{"ErrMustBeOrdered", []ResourceOrder{{resStorage, 10}}, MsgResourceMustBeOrdered, PtrOrderResources},
		{"ErrTwice", []ResourceOrder{{resSeats, 5}, {resStorage, 10}, {resSeats, 6}}, MsgResourceOrderedTwice, "/data/attributes/resources/data/2/plan_resource_id"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			got, err := SalesQuantities(tariff, c.ordered)
			if got != nil {
				t.Fatalf("quantities=%v, want none", got)
			}
			wantOneError(t, err, c.msg, c.pointer)
		})
	}
	t.Run("ErrTooMany", func(t *testing.T) {
		ordered := make([]ResourceOrder, 1000)
		for i := range ordered {
			ordered[i] = ResourceOrder{resSeats, 5}
		}
		got, err := SalesQuantities(tariff, ordered)
		if got != nil {
			t.Fatalf("quantities=%v, want none", got)
		}
		wantOneError(t, err, MsgTooManyValues, PtrOrderResources)
	})
	t.Run("ErrEveryProblem", func(t *testing.T) {
		_, err := SalesQuantities(tariff, []ResourceOrder{{resSeats, 500}, {99, 1}})
		errs := Errors(err)
		want := []string{"resource_amount_invalid " + ptrEntry0 + "quantity",
			"resource_not_in_plan /data/attributes/resources/data/1/plan_resource_id",
			"resource_must_be_ordered " + PtrOrderResources}
		if len(errs) != len(want) {
			t.Fatalf("errors=%v, want %v", err, want)
		}
		for i, e := range errs {
			if got := string(e.Message) + " " + e.Pointer; got != want[i] {
				t.Errorf("error %d=%s, want %s", i, got, want[i])
			}
		}
	})
}

func TestChangeQuantities(t *testing.T) {
	plan := mailPlan(t)
	current := Quantities{resSeats: 8, resStorage: 50, resBackup: 0}
	ptr := ptrEntry0 + "additional"
	cases := []struct {
		name    string
		billing BillingType
		ordered []ResourceOrder
		want    Quantities
		msg     Message
		pointer string
	}{
		{name: "OKIncrease", billing: BillingPayAsYouGo, ordered: []ResourceOrder{{resSeats, 12}},
			want: Quantities{resSeats: 12, resStorage: 50, resBackup: 0}},
		{name: "OKDecrease", billing: BillingPayAsYouGo, ordered: []ResourceOrder{{resSeats, 5}, {resBackup, 1}},
			want: Quantities{resSeats: 5, resStorage: 50, resBackup: 1}},
		{name: "ErrUnchanged", billing: BillingPayAsYouGo, ordered: []ResourceOrder{{resSeats, 8}},
			msg: MsgResourceUnchanged, pointer: ptr},
		{name: "ErrDowngrade", billing: BillingCSPAnnual, ordered: []ResourceOrder{{resSeats, 7}},
			msg: MsgResourceDowngrade, pointer: ptr},
		{name: "ErrBelowMinimum", billing: BillingPayAsYouGo, ordered: []ResourceOrder{{resSeats, 4}},
			msg: MsgResourceAmountInvalid, pointer: ptr},
		{name: "ErrNotInPlan", billing: BillingPayAsYouGo, ordered: []ResourceOrder{{0, 4}},
			msg: MsgResourceNotInPlan, pointer: ptrEntry0 + "resource_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan.BillingType = c.billing
			got, err := ChangeQuantities(mustTariff(t, plan, 101), current, c.ordered)
			if c.msg != "" {
				wantOneError(t, err, c.msg, c.pointer)
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("ChangeQuantities=%v,%v, want %v", got, err, c.want)
			}
		})
	}
}

func TestRenewalQuantities(t *testing.T) {
	plan := mailPlan(t)
	current := Quantities{resSeats: 8, resStorage: 50, resBackup: 1}
	t.Run("OKChange", func(t *testing.T) {
		got, err := RenewalQuantities(mustTariff(t, plan, 101), current,
			[]ResourceOrder{{resSeats, 6}, {resStorage, 60}, {resBackup, 0}})
		if want := (Quantities{resSeats: 6, resStorage: 60, resBackup: 0}); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("RenewalQuantities=%v,%v, want %v", got, err, want)
		}
	})
	t.Run("ErrHeldMustBeOrdered", func(t *testing.T) {
		_, err := RenewalQuantities(mustTariff(t, plan, 101), current, []ResourceOrder{{resSeats, 6}, {resStorage, 60}})
		wantOneError(t, err, MsgResourceMustBeOrdered, PtrOrderResources)
	})
	t.Run("OKFixedKeepsCurrent", func(t *testing.T) {
		plan.BillingType = BillingNonRefund
		got, err := RenewalQuantities(mustTariff(t, plan, 101), current, []ResourceOrder{{resSeats, 8}})
		if err != nil || !reflect.DeepEqual(got, current) {
			t.Fatalf("RenewalQuantities=%v,%v, want %v", got, err, current)
		}
	})
	t.Run("ErrFixed", func(t *testing.T) {
		plan.BillingType = BillingNonRefund
		_, err := RenewalQuantities(mustTariff(t, plan, 101), current, []ResourceOrder{{resSeats, 9}})
		e := wantOneError(t, err, MsgResourceQuantityFixed, ptrEntry0+"quantity")
		const want = "There are ordered invalid amount of resources, quantity must be 8 for plan resource id"
		if got := e.Message.Text(LocaleEN, e.Args...); got != want {
			t.Fatalf("text=%q, want %q", got, want)
		}
	})
}

func TestProlongQuantities(t *testing.T) {
	plan := mailPlan(t)
	current := Quantities{resSeats: 8, resStorage: 50, resBackup: 1}
	t.Run("OKDecrease", func(t *testing.T) {
		plan.BillingType = BillingCSPMonthly
		got, err := ProlongQuantities(mustTariff(t, plan, 112), current, []ResourceOrder{{resSeats, 6}})
		if want := (Quantities{resSeats: 6, resStorage: 50, resBackup: 1}); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("ProlongQuantities=%v,%v, want %v", got, err, want)
		}
	})
	t.Run("OKNothingListed", func(t *testing.T) {
		got, err := ProlongQuantities(mustTariff(t, plan, 112), current, nil)
		if err != nil || !reflect.DeepEqual(got, current) {
			t.Fatalf("ProlongQuantities=%v,%v, want %v", got, err, current)
		}
	})
	t.Run("ErrDowngrade", func(t *testing.T) {
		plan.BillingType = BillingCSPAnnual
		_, err := ProlongQuantities(mustTariff(t, plan, 112), current, []ResourceOrder{{resSeats, 6}})
		wantOneError(t, err, MsgResourceDowngrade, ptrEntry0+"quantity")
	})
	t.Run("ErrAboveLimit", func(t *testing.T) {
		_, err := ProlongQuantities(mustTariff(t, plan, 112), current, []ResourceOrder{{resSeats, 101}})
		wantOneError(t, err, MsgResourceAmountInvalid, ptrEntry0+"quantity")
	})
}

func TestTariffPeriods(t *testing.T) {
	plan := mailPlan(t)
	cases := []struct {
		name   string
		get    func(Plan, int64) (Tariff, error)
		period int64
		ok     bool
	}{
		{"SalesMonthly", SalesTariff, 101, true},
		{"SalesTrial", SalesTariff, 114, true},
		{"SalesEndless", SalesTariff, 199, true},
		{"ErrSalesOtherPlan", SalesTariff, 201, false},
		{"SwitchEndless", SwitchTariff, 199, true},
		{"ErrSwitchTrial", SwitchTariff, 114, false},
		{"RenewalYearly", RenewalTariff, 112, true},
		{"ErrRenewalTrial", RenewalTariff, 114, false},
		{"ErrRenewalEndless", RenewalTariff, 199, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.get(plan, c.period)
			if !c.ok {
				wantOneError(t, err, MsgPeriodNotInPlan, PtrPlanPeriod)
				return
			}
			if err != nil || got.Period.ID != c.period || got.PlanID != 1 || got.Currency != "USD" || len(got.Resources) != 3 {
				t.Fatalf("tariff=%+v,%v, want period %d of plan 1", got, err, c.period)
			}
		})
	}
}
