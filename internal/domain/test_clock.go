package domain

import "time"

// ClockAdvance asks to move the test clock forward: By a duration from its current
// time, or To a moment. Exactly one is set; both are as the request wrote them.
type ClockAdvance struct {
	By *string
	To *string
}

// Target is the moment the clock moves to from now, with By read in loc. It refuses
// (invalid, with the pointer of the field at fault) anything but exactly one of By
// and To, a malformed value, a moment before now, and a target more than
// MaxDurationYears after now.
func (a ClockAdvance) Target(now time.Time, loc *time.Location) (time.Time, error) {
	const by, to = "/data/attributes/by", "/data/attributes/to"
	switch {
	case (a.By == nil) == (a.To == nil):
		return time.Time{}, FieldError("/data/attributes", MsgClockOneOf)
	case a.By != nil:
		d, err := ParseDuration(*a.By)
		if err != nil {
			return time.Time{}, withPointer(err, by)
		}
		return d.AddTo(now, loc), nil
	}
	t, err := time.Parse(time.RFC3339Nano, *a.To)
	switch {
	case err != nil:
		return time.Time{}, FieldError(to, MsgMustBeDateTime)
	case t.Before(now):
		return time.Time{}, FieldError(to, MsgClockBackwards, now.In(loc).Format(time.RFC3339))
	case t.After(Duration{Years: MaxDurationYears}.AddTo(now, loc)):
		return time.Time{}, FieldError(to, MsgClockTooFar, MaxDurationYears)
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
