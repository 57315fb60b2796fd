package domain

import (
	"testing"
	"time"
)

func TestDateAddMonthsClampsToMonthEnd(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2027-01-31", 1, "2027-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2028-02-29", 12, "2029-02-28"},
		{"2027-03-31", -1, "2027-02-28"},
		{"2027-12-15", 1, "2028-01-15"},
		{"2027-01-31", 3, "2027-04-30"},
	}
	for _, c := range cases {
		d, err := ParseDate(c.from)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddMonths(c.n).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func TestDateOfUsesTheLocalDay(t *testing.T) {
	moscow := time.FixedZone("MSK", 3*3600)
	// 23:30 in Moscow on 4 December is 20:30 UTC the same day; 00:30 on 5 December in
	// Moscow is still 4 December in UTC.
	late := time.Date(2026, 12, 4, 23, 30, 0, 0, moscow)
	early := time.Date(2026, 12, 5, 0, 30, 0, 0, moscow)
	if got := DateOf(late, moscow).String(); got != "2026-12-04" {
		t.Errorf("late = %s", got)
	}
	if got := DateOf(early, moscow).String(); got != "2026-12-05" {
		t.Errorf("early local = %s", got)
	}
	if got := DateOf(early, time.UTC).String(); got != "2026-12-04" {
		t.Errorf("early UTC = %s", got)
	}
}

func TestDateDaysAndOrder(t *testing.T) {
	a, _ := ParseDate("2027-02-27")
	b := a.AddDays(3)
	if b.String() != "2027-03-02" || a.DaysUntil(b) != 3 || b.DaysUntil(a) != -3 {
		t.Errorf("AddDays/DaysUntil: %s %d", b, a.DaysUntil(b))
	}
	if !a.Before(b) || !b.After(a) || a.After(b) {
		t.Error("order of days")
	}
	if _, err := ParseDate("2027-02-30"); err == nil {
		t.Error("2027-02-30 accepted")
	}
	if !(Date{}).IsZero() || a.IsZero() {
		t.Error("IsZero")
	}
}
