package jobs_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// monthlyPass has work at midnight UTC on the first of every month after since: for
// each such instant it enqueues one job. Its unique key is the instant: it keeps the
// instants it has done and never does one twice, as a real pass's unique index would
// refuse a second renewal order for one period.
type monthlyPass struct {
	db    *store.DB
	since time.Time
	mu    sync.Mutex
	done  []time.Time // the instants whose work was done, in order
	seen  []time.Time // the now of every run
}

func (p *monthlyPass) Name() string { return "test_monthly" }

// firstAfter is the first of the month, at midnight UTC, strictly after t.
func firstAfter(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
}

func (p *monthlyPass) Run(ctx context.Context, now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, now)
	for due := firstAfter(p.since); !due.After(now); due = firstAfter(due) {
		if slices.ContainsFunc(p.done, due.Equal) {
			continue
		}
		payload, _ := json.Marshal(map[string]time.Time{"due": due})
		j := &domain.Job{Kind: "test_monthly_job", Payload: payload, Timestamps: domain.Timestamps{CreatedAt: now}}
		if err := p.db.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
			return err
		}
		p.done = append(p.done, due)
	}
	return nil
}

func (p *monthlyPass) NextDue(_ context.Context, after time.Time) (time.Time, bool, error) {
	return firstAfter(after), true, nil
}

func (p *monthlyPass) doneInstants() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.done)
}

// machine is a test clock over a stopped machine clock at start, with a scheduler
// and a runner, on a fresh database of engine e.
type machine struct {
	db     *store.DB
	base   *domain.TestClock
	clock  *jobs.OffsetClock
	sched  *jobs.Scheduler
	runner *jobs.Runner
	tm     *jobs.TimeMachine
}

func newMachine(t *testing.T, db *store.DB, start time.Time) *machine {
	t.Helper()
	base := domain.NewTestClock(start)
	clock, err := jobs.OpenOffsetClock(context.Background(), db, base)
	if err != nil {
		t.Fatalf("open the test clock: %v", err)
	}
	sched := jobs.NewScheduler(db, clock, jobs.SchedulerOptions{LeaseClock: base})
	runner := jobs.NewRunner(db, clock, jobs.Options{})
	return &machine{db: db, base: base, clock: clock, sched: sched, runner: runner,
		tm: jobs.NewTimeMachine(clock, sched, runner, time.UTC)}
}

func (m *machine) advance(t *testing.T, by string) time.Time {
	t.Helper()
	d, err := domain.ParseDuration(by)
	if err != nil {
		t.Fatal(err)
	}
	now, err := m.tm.Advance(context.Background(), func(now time.Time) (time.Time, error) { return d.AddTo(now, time.UTC), nil })
	if err != nil {
		t.Fatalf("advance %s: %v", by, err)
	}
	return now
}

func TestAdvanceStepsThroughDueInstants(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		start := time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)
		m := newMachine(t, db, start)
		pass := &monthlyPass{db: db, since: start}
		m.sched.Register(pass)
		// The job each month's work enqueues runs at once, at the month's instant.
		var mu sync.Mutex
		var delivered []time.Time
		m.runner.Handle("test_monthly_job", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			mu.Lock()
			delivered = append(delivered, m.clock.Now())
			mu.Unlock()
			return nil, nil
		})

		now := m.advance(t, "P3M")
		want := []time.Time{
			time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC),
		}
		if target := time.Date(2027, 4, 15, 10, 0, 0, 0, time.UTC); !now.Equal(target) || !m.clock.Now().Equal(target) {
			t.Fatalf("advance returned %s, clock reads %s; want %s", now, m.clock.Now(), target)
		}
		if got := pass.doneInstants(); !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Fatalf("work done for %v, want %v", got, want)
		}
		// Each month's work was done by a run at that very instant.
		seen := pass.seen
		for _, w := range want {
			if !slices.ContainsFunc(seen, w.Equal) {
				t.Errorf("no run at %s; runs at %v", w, seen)
			}
		}
		if !slices.EqualFunc(delivered, want, time.Time.Equal) {
			t.Fatalf("jobs delivered at %v, want %v", delivered, want)
		}

		// Running again for an instant already done does nothing the second time.
		if err := m.sched.RunAll(context.Background(), want[2]); err != nil {
			t.Fatal(err)
		}
		if n, err := m.runner.RunDue(context.Background()); err != nil || n != 0 {
			t.Fatalf("RunDue after a repeated run = %d, %v; want nothing to run", n, err)
		}
		if got := pass.doneInstants(); len(got) != 3 {
			t.Fatalf("a repeated run did work again: %v", got)
		}
		runs, last, err := db.Reader().PassRuns(context.Background(), pass.Name())
		if err != nil || runs != int64(len(pass.seen)) || !last.Equal(want[2]) {
			t.Fatalf("PassRuns = %d, %s, %v; want %d runs, the last for %s", runs, last, err, len(pass.seen), want[2])
		}
	})
}

func TestAdvanceStepsToJobsDueOnTheWay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		start := time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)
		m := newMachine(t, db, start)
		var ranAt atomic.Pointer[time.Time]
		m.runner.Handle("test_later", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			now := m.clock.Now()
			ranAt.Store(&now)
			return nil, nil
		})
		due := start.Add(10*24*time.Hour + 90*time.Minute)
		j := &domain.Job{Kind: "test_later", RunAt: due, Timestamps: domain.Timestamps{CreatedAt: start}}
		if err := db.InTx(context.Background(), func(c *store.Conn) error { return c.EnqueueJob(context.Background(), j) }); err != nil {
			t.Fatal(err)
		}
		m.advance(t, "P1M")
		if got := ranAt.Load(); got == nil || !got.Equal(due) {
			t.Fatalf("the job ran at %v, want at its run_at %s", got, due)
		}
		if got := mustFind(t, db, j.ID); got.Status != domain.JobStatusCompleted {
			t.Fatalf("job status %s, want completed", got.Status)
		}
	})
}

func TestTestClockSurvivesRestartAndIsShared(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		first := storetest.Open(t, e)
		start := time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)
		m := newMachine(t, first, start)
		// A second process on the same database, with its own connections.
		other := newMachine(t, storetest.Open(t, e), start)

		moved := m.advance(t, "P1Y")
		if want := time.Date(2028, 1, 15, 10, 0, 0, 0, time.UTC); !moved.Equal(want) {
			t.Fatalf("advance returned %s, want %s", moved, want)
		}
		if got := other.clock.Now(); !got.Equal(start) {
			t.Fatalf("the other process read %s before re-reading the offset, want %s still", got, start)
		}
		if err := other.clock.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := other.clock.Now(); !got.Equal(moved) {
			t.Fatalf("the other process reads %s after re-reading, want %s", got, moved)
		}
		// A restart reads the stored offset; the machine's time flows on under it.
		m.base.Advance(time.Hour)
		restarted, err := jobs.OpenOffsetClock(context.Background(), first, m.base)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := restarted.Now(), moved.Add(time.Hour); !got.Equal(want) {
			t.Fatalf("after a restart the clock reads %s, want %s", got, want)
		}
	})
}

func TestAdvanceRefusals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		start := time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)
		m := newMachine(t, db, start)
		ctx := context.Background()

		// The target's own error comes back, and the clock stays.
		refused := domain.FieldError("/data/attributes/to", domain.MsgClockBackwards, "x")
		if _, err := m.tm.Advance(ctx, func(time.Time) (time.Time, error) { return time.Time{}, refused }); err != refused {
			t.Fatalf("Advance error = %v, want the target's error", err)
		}
		if got := m.clock.Now(); !got.Equal(start) {
			t.Fatalf("a refused advance moved the clock to %s", got)
		}

		// One advance at a time: another process holding the lease means conflict.
		if ok, err := db.TakeTestClockAdvance(ctx, "elsewhere", start, start.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("take the advance lease: %v, %v", ok, err)
		}
		_, err := m.tm.Advance(ctx, func(now time.Time) (time.Time, error) { return now.Add(time.Hour), nil })
		if domain.CodeOf(err) != domain.ErrConflict {
			t.Fatalf("Advance while another holds the clock: %v, want conflict", err)
		}
		// Its holder died: once the lease expires, the clock moves again.
		m.base.Advance(2 * time.Minute)
		if got, want := m.advance(t, "PT1H"), start.Add(2*time.Minute+time.Hour); !got.Equal(want) {
			t.Fatalf("advance after the lease expired = %s, want %s", got, want)
		}
		if err := db.SetTestClockOffset(ctx, "elsewhere", 0, start); err != store.ErrTestClockLost {
			t.Fatalf("a write by the old holder = %v, want ErrTestClockLost", err)
		}
	})
}

// slowPass counts how many of its runs are in flight at once, across every
// scheduler it is registered with.
type slowPass struct {
	inFlight, most, runs atomic.Int64
}

func (p *slowPass) Name() string { return "test_slow" }

func (p *slowPass) Run(ctx context.Context, now time.Time) error {
	n := p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	for {
		m := p.most.Load()
		if n <= m || p.most.CompareAndSwap(m, n) {
			break
		}
	}
	p.runs.Add(1)
	time.Sleep(3 * time.Millisecond)
	return nil
}

func (p *slowPass) NextDue(context.Context, time.Time) (time.Time, bool, error) {
	return time.Time{}, false, nil
}

// TestTwoSchedulersNeverRunOnePassAtOnce lets two schedulers, each with its own
// connection pool as two nodes would have, run one pass over and over: never both
// at once, and, waiting for each other, every round of each runs it.
func TestTwoSchedulersNeverRunOnePassAtOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		pass := &slowPass{}
		now := time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)
		const rounds = 15
		var wg sync.WaitGroup
		errs := make(chan error, 2*rounds)
		for range 2 {
			s := jobs.NewScheduler(storetest.Open(t, e), domain.SystemClock{}, jobs.SchedulerOptions{})
			s.Register(pass)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					errs <- s.RunAllWaiting(context.Background(), now)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if most := pass.most.Load(); most != 1 {
			t.Fatalf("%d runs of the pass were in flight at once, want 1", most)
		}
		if runs := pass.runs.Load(); runs != 2*rounds {
			t.Fatalf("the pass ran %d times, want %d", runs, 2*rounds)
		}
	})
}

func TestSchedulerSkipsAHeldPassUntilItsLeaseExpires(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC))
		s := jobs.NewScheduler(db, clock, jobs.SchedulerOptions{Lease: time.Minute})
		pass := &slowPass{}
		s.Register(pass)
		ctx := context.Background()
		// A node that died holding the pass.
		if ok, err := db.TakePassLease(ctx, pass.Name(), "dead", clock.Now(), clock.Now().Add(time.Minute)); err != nil || !ok {
			t.Fatalf("take the lease: %v, %v", ok, err)
		}
		if err := s.RunAll(ctx, clock.Now()); err != nil || pass.runs.Load() != 0 {
			t.Fatalf("RunAll with the pass held elsewhere: %v, %d runs; want it skipped", err, pass.runs.Load())
		}
		clock.Advance(time.Minute)
		if err := s.RunAll(ctx, clock.Now()); err != nil || pass.runs.Load() != 1 {
			t.Fatalf("RunAll after the lease expired: %v, %d runs; want one", err, pass.runs.Load())
		}
	})
}

func TestSchedulerRefusesTwoPassesOfOneName(t *testing.T) {
	s := jobs.NewScheduler(nil, domain.SystemClock{}, jobs.SchedulerOptions{})
	s.Register(&slowPass{})
	defer func() {
		if recover() == nil {
			t.Fatal("a second pass of one name was registered")
		}
	}()
	s.Register(&slowPass{})
}
