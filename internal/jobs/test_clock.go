package jobs

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// OffsetClock is the installation's clock with the test clock on: the machine's
// time plus an offset kept in the database (table test_clock), so time keeps flowing
// from wherever an advance moved it, a restart never moves it back, and every
// process sharing the database agrees once it has re-read the offset (Poll, about
// once a second). Now never reads the database.
type OffsetClock struct {
	base   domain.Clock
	db     *store.DB
	offset atomic.Int64 // nanoseconds; only ever grows
}

// OpenOffsetClock returns the test clock over base, with the offset stored in db.
func OpenOffsetClock(ctx context.Context, db *store.DB, base domain.Clock) (*OffsetClock, error) {
	c := &OffsetClock{base: base, db: db}
	return c, c.Refresh(ctx)
}

// Now returns the machine's time plus the offset.
func (c *OffsetClock) Now() time.Time { return c.base.Now().Add(time.Duration(c.offset.Load())) }

// Base is the machine's clock under the offset.
func (c *OffsetClock) Base() domain.Clock { return c.base }

// Refresh re-reads the offset, which another process may have moved.
func (c *OffsetClock) Refresh(ctx context.Context) error {
	d, err := c.db.Reader().TestClockOffset(ctx)
	if err != nil {
		return err
	}
	c.raise(d)
	return nil
}

// raise moves the offset to d unless it is ahead already: the clock never goes back,
// whatever order reads and advances finish in.
func (c *OffsetClock) raise(d time.Duration) {
	for {
		cur := c.offset.Load()
		if int64(d) <= cur || c.offset.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

// Poll re-reads the offset every interval until ctx ends; a failed read keeps the
// offset it had and is logged.
func (c *OffsetClock) Poll(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := c.Refresh(ctx); err != nil && ctx.Err() == nil {
			log.Warn("test clock: read offset", "err", err)
		}
	}
}

// TimeMachine advances the test clock, running what falls due on the way.
type TimeMachine struct {
	clock  *OffsetClock
	sched  *Scheduler
	runner *Runner
	loc    *time.Location
	lease  time.Duration
}

// NewTimeMachine returns the test clock's advancer: it moves clock, running sched's
// passes and delivering runner's jobs at every step. Durations are read in loc.
func NewTimeMachine(clock *OffsetClock, sched *Scheduler, runner *Runner, loc *time.Location) *TimeMachine {
	return &TimeMachine{clock: clock, sched: sched, runner: runner, loc: loc, lease: 2 * time.Minute}
}

// Now returns the test clock's time.
func (m *TimeMachine) Now() time.Time { return m.clock.Now() }

// Location is the installation's zone, in which an advance by a duration is read.
func (m *TimeMachine) Location() *time.Location { return m.loc }

// Advance moves the clock forward to the moment target returns for the clock's
// current time (target's error, such as a moment in the past, is returned as it is).
// It steps from due instant to due instant (the earliest a pass or a pending job has
// work) up to the target; at each it moves the clock there, runs every pass for it
// and delivers the jobs that became due; it ends at the target and returns the
// clock's new time. One advance runs at a time across every process sharing the
// database: another one answers conflict at once. An advance cut short (ctx ended,
// a failure) leaves the clock at the last step it reached; it never moves back.
func (m *TimeMachine) Advance(ctx context.Context, target func(now time.Time) (time.Time, error)) (time.Time, error) {
	owner := defaultOwner()
	base := m.clock.Base()
	at := base.Now()
	ok, err := m.clock.db.TakeTestClockAdvance(ctx, owner, at, at.Add(m.lease))
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Time{}, domain.Errorf(domain.ErrConflict, domain.MsgClockBusy)
	}
	defer func() {
		rec, stop := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer stop()
		if err := m.clock.db.ReleaseTestClockAdvance(rec, owner); err != nil {
			m.sched.opts.Logger.Warn("test clock: release", "err", err)
		}
	}()
	// Another process may have advanced since this one last looked.
	if err := m.clock.Refresh(ctx); err != nil {
		return time.Time{}, err
	}
	now := m.clock.Now()
	to, err := target(now)
	if err != nil {
		return time.Time{}, err
	}
	// What was due already is done first, at the present instant.
	step := now
	for {
		if err := m.moveTo(ctx, owner, step); err != nil {
			return m.clock.Now(), err
		}
		if err := m.runStep(ctx, step); err != nil {
			return m.clock.Now(), err
		}
		if !step.Before(to) {
			return m.clock.Now(), nil
		}
		next, err := m.nextStep(ctx, step)
		if err != nil {
			return m.clock.Now(), err
		}
		step = to
		if !next.IsZero() && next.Before(to) {
			step = next
		}
	}
}

// moveTo sets the offset so the clock reads t now, unless it reads later already,
// and extends the advance's lease.
func (m *TimeMachine) moveTo(ctx context.Context, owner string, t time.Time) error {
	at := m.clock.Base().Now()
	offset := t.Sub(at)
	if err := m.clock.db.SetTestClockOffset(ctx, owner, offset, at.Add(m.lease)); err != nil {
		return err
	}
	m.clock.raise(offset)
	return nil
}

// runStep runs the passes for instant t, then delivers the jobs due.
func (m *TimeMachine) runStep(ctx context.Context, t time.Time) error {
	if err := m.sched.RunAllWaiting(ctx, t); err != nil {
		return err
	}
	_, err := m.runner.RunDue(ctx)
	return err
}

// nextStep is the earliest instant after t at which a pass or a pending job has
// work, or the zero time when none has any.
func (m *TimeMachine) nextStep(ctx context.Context, t time.Time) (time.Time, error) {
	next, ok, err := m.sched.NextDue(ctx, t)
	if err != nil {
		return time.Time{}, err
	}
	job, jok, err := m.runner.NextRunAt(ctx, t)
	if err != nil {
		return time.Time{}, err
	}
	switch {
	case jok && (!ok || job.Before(next)):
		return job, nil
	case ok:
		return next, nil
	}
	return time.Time{}, nil
}
