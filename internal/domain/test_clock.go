package domain

import "time"

// ClockAdvance asks to move the test clock forward: By a duration from its current
// time, or To a moment. Exactly one is set; both are as the request wrote them.
type ClockAdvance struct {
	By *string
	To *string
}

const (
	clockBy = "/data/attributes/by"
	clockTo = "/data/attributes/to"
)

// Validate refuses (invalid, with the pointer of the field at fault) anything but
// exactly one of By and To, and a malformed value; what it accepts has a Target.
func (a ClockAdvance) Validate() error {
	_, _, err := a.parse()
	return err
}

// parse reads whichever of By and To is set.
func (a ClockAdvance) parse() (Duration, time.Time, error) {
	switch {
	case (a.By == nil) == (a.To == nil):
		return Duration{}, time.Time{}, FieldError("/data/attributes", MsgClockOneOf)
	case a.By != nil:
		d, err := ParseDuration(*a.By)
		if err != nil {
			return Duration{}, time.Time{}, withPointer(err, clockBy)
		}
		return d, time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *a.To)
	if err != nil {
		return Duration{}, time.Time{}, FieldError(clockTo, MsgMustBeDateTime)
	}
	return Duration{}, t, nil
}

// Target is the moment the clock moves to from now, with By read in loc. Besides
// what Validate refuses, it refuses a moment before now and one more than
// MaxDurationYears after now.
func (a ClockAdvance) Target(now time.Time, loc *time.Location) (time.Time, error) {
	d, t, err := a.parse()
	switch {
	case err != nil:
		return time.Time{}, err
	case a.By != nil:
		return d.AddTo(now, loc), nil
	case t.Before(now):
		return time.Time{}, FieldError(clockTo, MsgClockBackwards, now.In(loc).Format(time.RFC3339))
	case t.After(Duration{Years: MaxDurationYears}.AddTo(now, loc)):
		return time.Time{}, FieldError(clockTo, MsgClockTooFar, MaxDurationYears)
	}
	return t, nil
}

// withPointer places a field error of a value at pointer.
func withPointer(err error, pointer string) error {
	if e, ok := err.(*Error); ok {
		cp := *e
		cp.Pointer = pointer
		return &cp
	}
	return err
}
