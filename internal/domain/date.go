package domain

import (
	"fmt"
	"time"
)

// Date is a calendar day without a time or a zone: an expiration date, a start date, a
// provisioning date. Which day a moment falls on depends on the installation's zone
// (DateOf); a subscription bought at 23:30 local time belongs to that local day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateLayout is how the API writes and reads a Date.
const DateLayout = "2006-01-02"

// DateOf is the day t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD and refuses days that do not exist (2027-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	return DateOf(t, time.UTC), nil
}

// String renders d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// Start is the first moment of d in loc.
func (d Date) Start(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// utc is d at midnight UTC, for arithmetic on whole days that no zone shift can bend.
func (d Date) utc() time.Time { return d.Start(time.UTC) }

// AddDays is the day n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n), time.UTC) }

// AddMonths is the same day n months later, clamped to the last day of a shorter
// month: 31 January + 1 month is the last day of February, and 29 February + 12 months
// is 28 February.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day
	if day > last {
		day = last
	}
	return Date{first.Year(), first.Month(), day}
}

// DaysUntil is the number of days from d to e: positive when e is later.
func (d Date) DaysUntil(e Date) int {
	return int(e.utc().Sub(d.utc()).Hours() / 24)
}

// Before and After compare two days.
func (d Date) Before(e Date) bool { return d.utc().Before(e.utc()) }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.utc().After(e.utc()) }
