package domain

import (
	"math"
	"testing"
)

func TestPeriodEnd(t *testing.T) {
	cases := []struct {
		name     string
		start    string
		duration int
		unit     PeriodUnit
		want     string
	}{
		{"Days", "2027-01-25", 14, UnitDays, "2027-02-08"},
		{"Month", "2027-03-15", 1, UnitMonths, "2027-04-15"},
		{"MonthFrom31January", "2027-01-31", 1, UnitMonths, "2027-02-28"},
		{"MonthFrom31JanuaryLeap", "2028-01-31", 1, UnitMonths, "2028-02-29"},
		{"ThreeMonthsFrom31January", "2027-01-31", 3, UnitMonths, "2027-04-30"},
		{"Year", "2027-06-01", 1, UnitYears, "2028-06-01"},
		{"YearFrom29February", "2028-02-29", 1, UnitYears, "2029-02-28"},
		{"TwoYears", "2027-01-31", 2, UnitYears, "2029-01-31"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			end, ok := PeriodEnd(day(t, c.start), PlanPeriod{Duration: c.duration, Unit: c.unit})
			if !ok || end.String() != c.want {
				t.Fatalf("PeriodEnd=%s,%v, want %s,true", end, ok, c.want)
			}
		})
	}
	t.Run("Endless", func(t *testing.T) {
		if end, ok := PeriodEnd(day(t, "2027-01-31"), PlanPeriod{Unit: UnitEndless}); ok || !end.IsZero() {
			t.Fatalf("PeriodEnd=%s,%v, want no end", end, ok)
		}
	})
}

// TestNthPeriodEndKeepsTheMonthEnd: counted from the first start, a subscription that
// began on 31 January ends its periods on each month's last day, not on the 28th.
func TestNthPeriodEndKeepsTheMonthEnd(t *testing.T) {
	monthly := PlanPeriod{Duration: 1, Unit: UnitMonths}
	want := []string{"2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"}
	for i, w := range want {
		if got, _ := NthPeriodEnd(day(t, "2027-01-31"), monthly, i+1); got.String() != w {
			t.Errorf("period %d ends %s, want %s", i+1, got, w)
		}
	}
	// Adding a month to each previous end drifts, which is what NthPeriodEnd avoids.
	second, _ := PeriodEnd(day(t, "2027-02-28"), monthly)
	if second.String() != "2027-03-28" {
		t.Fatalf("PeriodEnd(28 February)=%s, want 2027-03-28", second)
	}
}

func TestPeriodMonths(t *testing.T) {
	cases := []struct {
		name     string
		duration int
		unit     PeriodUnit
		want     string
		decimal  string
	}{
		{"OneDay", 1, UnitDays, "1/30", "0.033"},
		{"SevenDays", 7, UnitDays, "7/30", "0.233"},
		{"ThirtyDays", 30, UnitDays, "1", "1.000"},
		{"YearOfDays", 365, UnitDays, "73/6", "12.167"},
		{"Month", 1, UnitMonths, "1", "1.000"},
		{"Quarter", 3, UnitMonths, "3", "3.000"},
		{"TwoYears", 2, UnitYears, "24", "24.000"},
		{"Endless", 0, UnitEndless, "1", "1.000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := PeriodMonths(PlanPeriod{Duration: c.duration, Unit: c.unit})
			if err != nil {
				t.Fatal(err)
			}
			if m.String() != c.want || m.Decimal(3) != c.decimal {
				t.Fatalf("PeriodMonths=%s (%s), want %s (%s)", m, m.Decimal(3), c.want, c.decimal)
			}
		})
	}
	t.Run("ErrTooLong", func(t *testing.T) {
		_, err := PeriodMonths(PlanPeriod{Duration: math.MaxInt, Unit: UnitYears})
		wantOneError(t, err, MsgPriceRange, "")
	})
}

func TestTermRemaining(t *testing.T) {
	jan31 := PlanPeriod{Duration: 1, Unit: UnitMonths}
	year := PlanPeriod{Duration: 1, Unit: UnitYears}
	days := PlanPeriod{Duration: 7, Unit: UnitDays}
	cases := []struct {
		name   string
		start  string
		period PlanPeriod
		today  string
		days   int
		left   int
		want   string
	}{
		{"FirstDay", "2027-01-31", jan31, "2027-01-31", 28, 28, "1"},
		{"Half", "2027-01-31", jan31, "2027-02-14", 28, 14, "1/2"},
		{"LastDay", "2027-01-31", jan31, "2027-02-27", 28, 1, "1/28"},
		{"ExpirationDay", "2027-01-31", jan31, "2027-02-28", 28, 0, "0"},
		{"AfterEnd", "2027-01-31", jan31, "2027-04-01", 28, 0, "0"},
		{"BeforeStart", "2027-01-31", jan31, "2027-01-01", 28, 28, "1"},
		{"March", "2027-03-01", jan31, "2027-03-11", 31, 21, "21/31"},
		{"YearHalf", "2027-01-01", year, "2027-07-02", 365, 183, "2196/365"},
		{"Days", "2027-01-01", days, "2027-01-04", 7, 4, "2/15"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			term, err := PeriodTerm(day(t, c.start), c.period)
			if err != nil {
				t.Fatal(err)
			}
			today := day(t, c.today)
			if term.Days() != c.days || term.RemainingDays(today) != c.left {
				t.Fatalf("days=%d remaining=%d, want %d and %d", term.Days(), term.RemainingDays(today), c.days, c.left)
			}
			m, err := term.Remaining(today)
			if err != nil || m.String() != c.want {
				t.Fatalf("Remaining=%s,%v, want %s", m, err, c.want)
			}
		})
	}
	t.Run("EndlessIsAMonth", func(t *testing.T) {
		term, err := PeriodTerm(day(t, "2027-01-31"), PlanPeriod{Unit: UnitEndless})
		if err != nil || term.End.String() != "2027-02-28" || term.Months.String() != "1" {
			t.Fatalf("term=%+v,%v, want 31 January to 28 February, one month", term, err)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		if m, err := (Term{}).Remaining(day(t, "2027-01-01")); err != nil || !m.IsZero() {
			t.Fatalf("Remaining=%s,%v, want 0", m, err)
		}
	})
}

func TestMonthsDecimalRoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		m      Months
		places int
		want   string
	}{
		{Months{1, 8}, 2, "0.13"},
		{Months{-1, 8}, 2, "-0.13"},
		{Months{1, 3}, 3, "0.333"},
		{Months{2, 3}, 3, "0.667"},
		{Months{}, 2, "0.00"},
		{WholeMonths(12), 0, "12"},
	}
	for _, c := range cases {
		if got := c.m.Decimal(c.places); got != c.want {
			t.Errorf("%s.Decimal(%d)=%s, want %s", c.m, c.places, got, c.want)
		}
	}
}

func TestMonthsFractionRoundTrip(t *testing.T) {
	for _, m := range []Months{{}, WholeMonths(12), {7, 30}, {1, 2}} {
		num, den := m.Fraction()
		got, err := MonthsFraction(num, den)
		if err != nil || got != m {
			t.Fatalf("MonthsFraction(%d, %d) = %v, %v, want %v", num, den, got, err, m)
		}
	}
	if _, err := MonthsFraction(1, 0); err == nil {
		t.Fatal("MonthsFraction(1, 0) succeeded, want an error")
	}
}
