package domain

import (
	"strconv"
	"strings"
	"time"
)

// Duration is an ISO 8601 duration in whole units, such as P1M, P2W, PT36H or
// P1Y2M10DT2H30M15S: a subscription's period, a trial, how far to move the test
// clock. Its calendar parts (years, months, weeks, days) move a moment by the
// calendar of the installation's zone, its clock parts (hours, minutes, seconds) by
// elapsed time; see AddTo.
type Duration struct {
	Years, Months, Weeks, Days int
	Hours, Minutes, Seconds    int
}

// MaxDurationYears bounds a Duration: nothing Cascade schedules or a test moves
// through needs more than a century, and the bound keeps every sum far from
// overflowing.
const MaxDurationYears = 100

// maxDurationSeconds is MaxDurationYears at its longest (leap years throughout).
const maxDurationSeconds = MaxDurationYears * 366 * 24 * 3600

// ParseDuration reads an ISO 8601 duration: "P", then any of nY nM nW nD in that
// order, then optionally "T" and any of nH nM nS in that order, each n a whole
// number. It refuses a sign, fractions, a designator without a number ("P", "PT"),
// a duration of zero and one longer than MaxDurationYears. The error is invalid,
// without a pointer, which the caller sets.
func ParseDuration(s string) (Duration, error) {
	d, ok := parseDuration(s)
	switch {
	case !ok || d == (Duration{}):
		return Duration{}, FieldError("", MsgDurationFormat)
	case d.maxSeconds() > maxDurationSeconds:
		return Duration{}, FieldError("", MsgDurationTooLong, MaxDurationYears)
	}
	return d, nil
}

// parseDuration reads the grammar of ParseDuration; a zero duration is well formed.
func parseDuration(s string) (Duration, bool) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return Duration{}, false
	}
	date, clock, hasT := strings.Cut(rest, "T")
	if hasT && clock == "" {
		return Duration{}, false // "PT", "P1DT"
	}
	var d Duration
	if !parseParts(date, []part{{'Y', &d.Years}, {'M', &d.Months}, {'W', &d.Weeks}, {'D', &d.Days}}) ||
		!parseParts(clock, []part{{'H', &d.Hours}, {'M', &d.Minutes}, {'S', &d.Seconds}}) {
		return Duration{}, false
	}
	return d, true
}

// part is one designator of a duration and where its number goes.
type part struct {
	designator byte
	into       *int
}

// parseParts reads numbers followed by designators from s, each designator at most
// once and in the order of parts.
func parseParts(s string, parts []part) bool {
	next := 0
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		// Nine digits at most: a bigger number is past every bound anyway, and this
		// keeps the parse from overflowing.
		if i == 0 || i > 9 || i == len(s) {
			return false
		}
		n, _ := strconv.Atoi(s[:i])
		for next < len(parts) && parts[next].designator != s[i] {
			next++
		}
		if next == len(parts) {
			return false // unknown, repeated or out of order, or a fraction's '.' or ','
		}
		*parts[next].into = n
		next++
		s = s[i+1:]
	}
	return true
}

// maxSeconds is the longest d can be, every month taken at 31 days and every year
// at 366.
func (d Duration) maxSeconds() int64 {
	days := int64(d.Years)*366 + int64(d.Months)*31 + int64(d.Weeks)*7 + int64(d.Days)
	return days*86400 + int64(d.Hours)*3600 + int64(d.Minutes)*60 + int64(d.Seconds)
}

// String renders d in ISO 8601, leaving out parts that are zero.
func (d Duration) String() string {
	var b strings.Builder
	b.WriteByte('P')
	write := func(n int, designator byte) {
		if n != 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(designator)
		}
	}
	write(d.Years, 'Y')
	write(d.Months, 'M')
	write(d.Weeks, 'W')
	write(d.Days, 'D')
	if d.Hours != 0 || d.Minutes != 0 || d.Seconds != 0 {
		b.WriteByte('T')
		write(d.Hours, 'H')
		write(d.Minutes, 'M')
		write(d.Seconds, 'S')
	}
	if b.Len() == 1 {
		return "P0D"
	}
	return b.String()
}

// AddTo returns t moved forward by d, read in loc, largest part first: years and
// months move the local day like Date.AddMonths (31 January + P1M is the last day of
// February), weeks and days move it by calendar days, both keeping the local time of
// day (so P1D across a change to summer time is 23 hours); then hours, minutes and
// seconds add elapsed time.
func (d Duration) AddTo(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	day := DateOf(local, loc).AddMonths(12*d.Years + d.Months).AddDays(7*d.Weeks + d.Days)
	hour, minute, second := local.Clock()
	moved := time.Date(day.Year, day.Month, day.Day, hour, minute, second, local.Nanosecond(), loc)
	elapsed := time.Duration(d.Hours)*time.Hour + time.Duration(d.Minutes)*time.Minute +
		time.Duration(d.Seconds)*time.Second
	return moved.Add(elapsed).In(t.Location())
}
