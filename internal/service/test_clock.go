package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestClock is the installation's test clock (jobs.TimeMachine): its time, the zone
// durations are read in, and an advance that runs what falls due on the way.
type TestClock interface {
	Now() time.Time
	Location() *time.Location
	// Advance moves the clock to the moment target returns for its current time and
	// returns its new time; conflict when another advance is running.
	Advance(ctx context.Context, target func(now time.Time) (time.Time, error)) (time.Time, error)
}

// TestClockNow returns the test clock's time. Only the operator's administrators
// may read it (forbidden); without a test clock it is not found.
func (s *Service) TestClockNow(ctx context.Context, a domain.Actor) (time.Time, error) {
	tc, err := s.testClockFor(a)
	if err != nil {
		return time.Time{}, err
	}
	return tc.Now(), nil
}

// AdvanceTestClock moves the test clock forward as in asks, running everything that
// falls due on the way before it returns the clock's new time. Only the operator's
// administrators may (forbidden); a malformed request or a moment before the
// clock's time is invalid; another advance running is conflict; without a test
// clock it is not found.
func (s *Service) AdvanceTestClock(ctx context.Context, a domain.Actor, in domain.ClockAdvance) (time.Time, error) {
	tc, err := s.testClockFor(a)
	if err != nil {
		return time.Time{}, err
	}
	// A malformed request is refused before the clock is taken, so it never waits
	// for another advance; the target is computed from the clock's time once it is.
	if err := in.Validate(); err != nil {
		return time.Time{}, err
	}
	now, err := tc.Advance(ctx, func(now time.Time) (time.Time, error) { return in.Target(now, tc.Location()) })
	return now, wrap(err, "advance the test clock")
}

// testClockFor returns the test clock if there is one and the actor may use it.
func (s *Service) testClockFor(a domain.Actor) (TestClock, error) {
	if s.opts.TestClock == nil {
		return nil, domain.NotFound(domain.MsgRouteNotFound)
	}
	if err := authorize(a, domain.ActionTestClock); err != nil {
		return nil, err
	}
	if a.ResellerID != domain.OperatorID {
		return nil, domain.Forbidden()
	}
	return s.opts.TestClock, nil
}
