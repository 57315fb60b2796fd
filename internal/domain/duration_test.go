package domain

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	ok := []struct {
		in   string
		want Duration
		back string // String of the result
	}{
		{"P1Y2M10DT2H30M15S", Duration{Years: 1, Months: 2, Days: 10, Hours: 2, Minutes: 30, Seconds: 15}, "P1Y2M10DT2H30M15S"},
		{"P1M", Duration{Months: 1}, "P1M"},
		{"PT1M", Duration{Minutes: 1}, "PT1M"},
		{"PT36H", Duration{Hours: 36}, "PT36H"},
		{"P2W", Duration{Weeks: 2}, "P2W"},
		{"P1W3D", Duration{Weeks: 1, Days: 3}, "P1W3D"},
		{"P100Y", Duration{Years: 100}, "P100Y"},
		{"P0Y1D", Duration{Days: 1}, "P1D"},
		{"PT0H90M", Duration{Minutes: 90}, "PT90M"},
		{"P36524D", Duration{Days: 36524}, "P36524D"},
	}
	for _, c := range ok {
		t.Run("OK "+c.in, func(t *testing.T) {
			got, err := ParseDuration(c.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", c.in, err)
			}
			if got != c.want {
				t.Fatalf("ParseDuration(%q) = %+v, want %+v", c.in, got, c.want)
			}
			if s := got.String(); s != c.back {
				t.Fatalf("String() = %q, want %q", s, c.back)
			}
		})
	}
	bad := []struct {
		in   string
		want Message
	}{
		{"", MsgDurationFormat},
		{"P", MsgDurationFormat},
		{"PT", MsgDurationFormat},
		{"P1DT", MsgDurationFormat},
		{"P0D", MsgDurationFormat},
		{"PT0S", MsgDurationFormat},
		{"-P1D", MsgDurationFormat},
		{"P-1D", MsgDurationFormat},
		{"+P1D", MsgDurationFormat},
		{"P1.5D", MsgDurationFormat},
		{"PT0,5H", MsgDurationFormat},
		{"p1d", MsgDurationFormat},
		{"P1D1D", MsgDurationFormat},
		{"P1D2M", MsgDurationFormat}, // out of order
		{"P1H", MsgDurationFormat},   // hours belong after T
		{"PT1D", MsgDurationFormat},
		{"P1", MsgDurationFormat},
		{"PD", MsgDurationFormat},
		{"1M", MsgDurationFormat},
		{"P1M ", MsgDurationFormat},
		{"P2023-01-01", MsgDurationFormat},
		{"P1234567890D", MsgDurationFormat}, // ten digits
		{"P101Y", MsgDurationTooLong},
		{"P1201M", MsgDurationTooLong},
		{"P999999999D", MsgDurationTooLong},
		{"PT999999999H", MsgDurationTooLong},
		{"P99Y13M", MsgDurationTooLong},
	}
	for _, c := range bad {
		t.Run("Err "+c.in, func(t *testing.T) {
			_, err := ParseDuration(c.in)
			e, isDomain := err.(*Error)
			if !isDomain || e.Code != ErrInvalid || e.Message != c.want {
				t.Fatalf("ParseDuration(%q) error = %v, want invalid %s", c.in, err, c.want)
			}
		})
	}
}

func TestDurationAddTo(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	cases := []struct {
		name string
		from time.Time
		d    string
		loc  *time.Location
		want time.Time
	}{
		{"month end clamps", at(time.UTC, 2027, 1, 31, 10, 0), "P1M", time.UTC, at(time.UTC, 2027, 2, 28, 10, 0)},
		{"leap february", at(time.UTC, 2028, 1, 31, 10, 0), "P1M", time.UTC, at(time.UTC, 2028, 2, 29, 10, 0)},
		{"leap day plus a year", at(time.UTC, 2028, 2, 29, 0, 0), "P1Y", time.UTC, at(time.UTC, 2029, 2, 28, 0, 0)},
		{"twelve months", at(time.UTC, 2027, 3, 15, 8, 30), "P12M", time.UTC, at(time.UTC, 2028, 3, 15, 8, 30)},
		{"weeks", at(time.UTC, 2027, 12, 25, 0, 0), "P2W", time.UTC, at(time.UTC, 2028, 1, 8, 0, 0)},
		{"hours are elapsed", at(time.UTC, 2027, 1, 1, 0, 0), "PT36H", time.UTC, at(time.UTC, 2027, 1, 2, 12, 0)},
		{"everything", at(time.UTC, 2027, 1, 31, 0, 0), "P1Y2M10DT2H30M15S", time.UTC,
			time.Date(2028, 4, 10, 2, 30, 15, 0, time.UTC)},
		// The local day decides: 23:30 UTC on 31 January is 00:30 on 1 February in Berlin.
		{"local day", at(time.UTC, 2027, 1, 31, 23, 30), "P1M", berlin, at(berlin, 2027, 3, 1, 0, 30)},
		// A day across the change to summer time keeps the local hour: 23 hours pass.
		{"day across summer time", at(berlin, 2027, 3, 27, 12, 0), "P1D", berlin, at(berlin, 2027, 3, 28, 12, 0)},
		{"hours across summer time", at(berlin, 2027, 3, 27, 12, 0), "PT24H", berlin, at(berlin, 2027, 3, 28, 13, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDuration(c.d)
			if err != nil {
				t.Fatal(err)
			}
			got := d.AddTo(c.from, c.loc)
			if !got.Equal(c.want) {
				t.Fatalf("%s + %s in %s = %s, want %s", c.from, c.d, c.loc, got, c.want)
			}
			if got.Location() != c.from.Location() {
				t.Fatalf("result is in %s, want the input's %s", got.Location(), c.from.Location())
			}
		})
	}
}

func TestClockAdvanceTarget(t *testing.T) {
	now := time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC)
	s := func(v string) *string { return &v }
	ok := []struct {
		name string
		in   ClockAdvance
		want time.Time
	}{
		{"by", ClockAdvance{By: s("P1M")}, time.Date(2027, 2, 28, 12, 0, 0, 0, time.UTC)},
		{"to", ClockAdvance{To: s("2027-03-01T00:00:00+01:00")}, time.Date(2027, 2, 28, 23, 0, 0, 0, time.UTC)},
		{"to now", ClockAdvance{To: s("2027-01-31T12:00:00Z")}, now},
	}
	for _, c := range ok {
		t.Run("OK "+c.name, func(t *testing.T) {
			got, err := c.in.Target(now, time.UTC)
			if err != nil || !got.Equal(c.want) {
				t.Fatalf("Target = %s, %v; want %s", got, err, c.want)
			}
		})
	}
	bad := []struct {
		name    string
		in      ClockAdvance
		pointer string
		msg     Message
	}{
		{"neither", ClockAdvance{}, "/data/attributes", MsgClockOneOf},
		{"both", ClockAdvance{By: s("P1D"), To: s("2028-01-01T00:00:00Z")}, "/data/attributes", MsgClockOneOf},
		{"bad by", ClockAdvance{By: s("P")}, "/data/attributes/by", MsgDurationFormat},
		{"long by", ClockAdvance{By: s("P200Y")}, "/data/attributes/by", MsgDurationTooLong},
		{"bad to", ClockAdvance{To: s("2027-02-01")}, "/data/attributes/to", MsgMustBeDateTime},
		{"to without offset", ClockAdvance{To: s("2027-02-01T00:00:00")}, "/data/attributes/to", MsgMustBeDateTime},
		{"backwards", ClockAdvance{To: s("2027-01-31T11:59:59Z")}, "/data/attributes/to", MsgClockBackwards},
		{"too far", ClockAdvance{To: s("2127-02-01T00:00:00Z")}, "/data/attributes/to", MsgClockTooFar},
	}
	for _, c := range bad {
		t.Run("Err "+c.name, func(t *testing.T) {
			_, err := c.in.Target(now, time.UTC)
			e, isDomain := err.(*Error)
			if !isDomain || e.Code != ErrInvalid || e.Pointer != c.pointer || e.Message != c.msg {
				t.Fatalf("Target error = %v, want invalid %s at %s", err, c.msg, c.pointer)
			}
		})
	}
}
