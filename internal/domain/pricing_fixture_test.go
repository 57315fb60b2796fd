package domain

import "testing"

// amt reads a decimal amount, failing the test on a typo.
func amt(tb testing.TB, s string) Amount {
	tb.Helper()
	a, err := ParseAmount(s)
	if err != nil {
		tb.Fatalf("ParseAmount(%q): %v", s, err)
	}
	return a
}

func day(tb testing.TB, s string) Date {
	tb.Helper()
	d, err := ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// Plan resource ids of the fixture plans.
const (
	resSeats   = 11 // unit: included 2, minimum 5, limit 100
	resStorage = 12 // unit, unlimited: included 10
	resBackup  = 13 // boolean
	resProSeat = 21 // the Pro plan's seats: included 5, minimum 5, limit 500
)

// mailPlan is the fixture plan, in USD, pay as you go: a monthly period (setup 10,
// recurring 20 a month, renewal 5), a yearly one (18 a month), a 14-day trial and an
// endless one; seats (setup 1.50, 3.00 a month, renewal 0.50 per additional unit),
// storage (0.125 per GB and month) and a backup feature (setup 2, 4.00 a month).
func mailPlan(tb testing.TB) Plan {
	return Plan{
		ID: 1, Currency: "USD", BillingType: BillingPayAsYouGo,
		Periods: []PlanPeriod{
			{ID: 101, PlanID: 1, Duration: 1, Unit: UnitMonths, SetupFee: amt(tb, "10"), RecurringFee: amt(tb, "20"), RenewalFee: amt(tb, "5")},
			{ID: 112, PlanID: 1, Duration: 1, Unit: UnitYears, SetupFee: amt(tb, "10"), RecurringFee: amt(tb, "18"), RenewalFee: amt(tb, "5")},
			{ID: 114, PlanID: 1, Duration: 14, Unit: UnitDays, Trial: true, SetupFee: amt(tb, "99"), RecurringFee: amt(tb, "99")},
			{ID: 199, PlanID: 1, Unit: UnitEndless, RecurringFee: amt(tb, "20")},
		},
		Resources: []PlanResource{
			{ID: resSeats, PlanID: 1, UnitOfMeasure: MeasureUnit, Included: 2, Minimum: 5, Limit: 100,
				SetupFee: amt(tb, "1.50"), RecurringFee: amt(tb, "3"), RenewalFee: amt(tb, "0.50")},
			{ID: resStorage, PlanID: 1, UnitOfMeasure: MeasureUnit, Included: 10, Minimum: 10, Unlimited: true,
				RecurringFee: amt(tb, "0.125")},
			{ID: resBackup, PlanID: 1, UnitOfMeasure: MeasureBoolean, Limit: 1,
				SetupFee: amt(tb, "2"), RecurringFee: amt(tb, "4")},
		},
	}
}

// proPlan is the switch target: monthly at 35, seats included 5 at 2.50 a month each
// beyond, setup 25.
func proPlan(tb testing.TB) Plan {
	return Plan{
		ID: 2, Currency: "USD", BillingType: BillingPayAsYouGo,
		Periods: []PlanPeriod{
			{ID: 201, PlanID: 2, Duration: 1, Unit: UnitMonths, SetupFee: amt(tb, "25"), RecurringFee: amt(tb, "35")},
			{ID: 214, PlanID: 2, Duration: 14, Unit: UnitDays, Trial: true},
		},
		Resources: []PlanResource{
			{ID: resProSeat, PlanID: 2, UnitOfMeasure: MeasureUnit, Included: 5, Minimum: 5, Limit: 500,
				RecurringFee: amt(tb, "2.50")},
		},
	}
}

func mustTariff(tb testing.TB, plan Plan, periodID int64) Tariff {
	tb.Helper()
	t, err := SalesTariff(plan, periodID)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// wantOneError checks that err is exactly one field error with msg at pointer.
func wantOneError(tb testing.TB, err error, msg Message, pointer string) *Error {
	tb.Helper()
	errs := Errors(err)
	if len(errs) != 1 {
		tb.Fatalf("errors=%v, want one %s at %s", err, msg, pointer)
	}
	e := errs[0]
	if e.Code != ErrInvalid || e.Message != msg || e.Pointer != pointer {
		tb.Fatalf("error=%+v, want invalid %s at %s", e, msg, pointer)
	}
	return e
}
