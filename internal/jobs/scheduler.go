package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Pass is one kind of time-driven work of the scheduler: renewing the subscriptions
// that expire, cancelling unpaid orders, a billing run. The scheduler runs every
// pass on an interval, and the test clock runs them at each instant it steps to.
type Pass interface {
	// Name names the pass in its lease row and the logs; unique per scheduler and
	// stable across releases.
	Name() string
	// Run does everything due at or before now. It must be idempotent: a second run
	// for the same instant (after a crash, or on another node that saw the same
	// time) does nothing, which the pass enforces with unique keys on what it
	// writes, never by trusting that it ran once. Its context ends after half the
	// scheduler's lease.
	Run(ctx context.Context, now time.Time) error
	// NextDue returns the earliest instant after after at which the pass will have
	// work, as far as the database shows now, and false when it knows of none. The
	// test clock steps time to it, so a year's advance renews a monthly
	// subscription twelve times, each at its own instant.
	NextDue(ctx context.Context, after time.Time) (time.Time, bool, error)
}

// SchedulerOptions tune a Scheduler; zero values take the defaults.
type SchedulerOptions struct {
	Interval time.Duration // between runs of every pass; default DefaultSchedulerInterval
	Lease    time.Duration // how long a node holds a pass while it runs; default 5 minutes
	// LeaseClock measures leases; default the scheduler's clock. With the test clock
	// it is the machine's, which an advance does not move: a lease must not expire
	// because time was moved under it.
	LeaseClock domain.Clock
	Owner      string // names this scheduler in leases; default host, pid and a random suffix
	Logger     *slog.Logger
}

// DefaultSchedulerInterval is how often passes run when the installation does not
// say otherwise (CASCADE_SCHEDULER_INTERVAL).
const DefaultSchedulerInterval = time.Minute

func (o *SchedulerOptions) defaults(clock domain.Clock) {
	if o.Interval <= 0 {
		o.Interval = DefaultSchedulerInterval
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.LeaseClock == nil {
		o.LeaseClock = clock
	}
	if o.Owner == "" {
		o.Owner = defaultOwner()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Scheduler runs passes. Nodes sharing a database coordinate through a lease row
// per pass, so two never run one pass at the same time; see docs/jobs.md.
type Scheduler struct {
	db     *store.DB
	clock  domain.Clock
	opts   SchedulerOptions
	passes []Pass
}

// NewScheduler returns a scheduler over db reading time from clock. Register passes
// before Run.
func NewScheduler(db *store.DB, clock domain.Clock, opts SchedulerOptions) *Scheduler {
	opts.defaults(clock)
	return &Scheduler{db: db, clock: clock, opts: opts}
}

// Register adds p; passes run in the order they were registered. A second pass of
// one name is a programming error.
func (s *Scheduler) Register(p Pass) {
	for _, q := range s.passes {
		if q.Name() == p.Name() {
			panic(fmt.Sprintf("jobs: scheduler pass %q registered twice", p.Name()))
		}
	}
	s.passes = append(s.passes, p)
}

// Passes returns the registered passes.
func (s *Scheduler) Passes() []Pass { return append([]Pass(nil), s.passes...) }

// Run runs every pass at once and then every Interval until ctx ends. A pass that
// another node is running is left to it; a failed pass is logged and tried again at
// the next round. A scheduler without passes returns at once.
func (s *Scheduler) Run(ctx context.Context) {
	if len(s.passes) == 0 {
		return
	}
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		if err := s.RunAll(ctx, s.clock.Now()); err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("scheduler: round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunAll runs every pass once for now, skipping those another node holds. It
// returns the passes' errors joined; each is logged with its pass's name.
func (s *Scheduler) RunAll(ctx context.Context, now time.Time) error {
	return s.runAll(ctx, now, false)
}

// RunAllWaiting runs every pass once for now like RunAll, but waits for a pass
// another node holds, up to one Lease, instead of skipping it: the test clock needs
// every pass to have run for its step before it moves on.
func (s *Scheduler) RunAllWaiting(ctx context.Context, now time.Time) error {
	return s.runAll(ctx, now, true)
}

func (s *Scheduler) runAll(ctx context.Context, now time.Time, wait bool) error {
	var first error
	for _, p := range s.passes {
		if err := s.runPass(ctx, p, now, wait); err != nil {
			s.opts.Logger.Warn("scheduler: pass failed", "pass", p.Name(), "now", now, "err", err)
			if first == nil {
				first = fmt.Errorf("scheduler pass %s: %w", p.Name(), err)
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return first
}

// runPass runs p for now under its lease. The run's context ends at half the lease,
// so the lease never needs renewing: it cannot expire while the run goes on.
func (s *Scheduler) runPass(ctx context.Context, p Pass, now time.Time, wait bool) error {
	var giveUp <-chan time.Time
	for {
		at := s.opts.LeaseClock.Now()
		ok, err := s.db.TakePassLease(ctx, p.Name(), s.opts.Owner, at, at.Add(s.opts.Lease))
		if err != nil {
			return err
		}
		if ok {
			break
		}
		if !wait {
			return nil
		}
		if giveUp == nil {
			giveUp = time.After(s.opts.Lease)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-giveUp:
			return fmt.Errorf("another node held the pass for longer than its lease of %s", s.opts.Lease)
		case <-time.After(20 * time.Millisecond):
		}
	}
	runCtx, cancel := context.WithTimeout(ctx, s.opts.Lease/2)
	err := runGuarded(runCtx, p, now)
	cancel()
	ranFor := now
	if err != nil {
		ranFor = time.Time{}
	}
	// The lease is released even when ctx has ended, or the pass would wait for
	// the lease to expire.
	rec, stop := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer stop()
	if rerr := s.db.ReleasePassLease(rec, p.Name(), s.opts.Owner, ranFor); rerr != nil {
		s.opts.Logger.Warn("scheduler: release pass", "pass", p.Name(), "err", rerr)
	}
	return err
}

// runGuarded runs p, turning a panic into an error so one bad pass cannot take the
// process down.
func runGuarded(ctx context.Context, p Pass, now time.Time) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pass panicked: %v", r)
		}
	}()
	return p.Run(ctx, now)
}

// NextDue returns the earliest instant after after at which a pass will have work,
// and false when none knows of any.
func (s *Scheduler) NextDue(ctx context.Context, after time.Time) (time.Time, bool, error) {
	var (
		next  time.Time
		found bool
	)
	for _, p := range s.passes {
		t, ok, err := p.NextDue(ctx, after)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("scheduler pass %s: next due: %w", p.Name(), err)
		}
		if ok && !t.After(after) {
			return time.Time{}, false, fmt.Errorf("scheduler pass %s: next due %s is not after %s", p.Name(), t, after)
		}
		if ok && (!found || t.Before(next)) {
			next, found = t, true
		}
	}
	return next, found, nil
}
