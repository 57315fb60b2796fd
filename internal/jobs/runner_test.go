package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// mustEnqueue commits one job of kind with the given attempts limit.
func mustEnqueue(t *testing.T, db *store.DB, kind string, maxAttempts int, now time.Time) *domain.Job {
	t.Helper()
	j := &domain.Job{Kind: kind, MaxAttempts: maxAttempts, Payload: json.RawMessage(`{"n":1}`),
		Timestamps: domain.Timestamps{CreatedAt: now}}
	if err := db.InTx(context.Background(), func(c *store.Conn) error { return c.EnqueueJob(context.Background(), j) }); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return j
}

func mustFind(t *testing.T, db *store.DB, id string) *domain.Job {
	t.Helper()
	j, err := db.Reader().FindJobByID(context.Background(), id)
	if err != nil {
		t.Fatalf("find job %s: %v", id, err)
	}
	return j
}

// eventually polls cond for up to five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	eventuallyWithin(t, 5*time.Second, what, cond)
}

func eventuallyWithin(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitStatus waits until the job reaches status and returns it.
func waitStatus(t *testing.T, db *store.DB, id string, status domain.JobStatus) *domain.Job {
	t.Helper()
	var j *domain.Job
	eventually(t, fmt.Sprintf("job %s is %s", id, status), func() bool {
		j = mustFind(t, db, id)
		return j.Status == status
	})
	return j
}

// runRunner runs r until the test ends and returns a function that stops it and
// waits for Run to return.
func runRunner(t *testing.T, r *jobs.Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Errorf("runner did not stop")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func fastOptions(owner string) jobs.Options {
	return jobs.Options{Workers: 4, PollInterval: 10 * time.Millisecond, Lease: time.Minute, Timeout: 5 * time.Second,
		RetryBase: 10 * time.Second, RetryMax: time.Minute, ShutdownGrace: 200 * time.Millisecond, Owner: owner}
}

func TestEnqueueInRolledBackTransactionLeavesNoJob(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		boom := errors.New("the change failed")
		var id string
		err := db.InTx(ctx, func(c *store.Conn) error {
			j := &domain.Job{Kind: "k", Timestamps: domain.Timestamps{CreatedAt: start}}
			if err := c.EnqueueJob(ctx, j); err != nil {
				return err
			}
			id = j.ID
			return boom
		})
		if !errors.Is(err, boom) || id == "" {
			t.Fatalf("InTx = %v with job id %q, want the change's error and an id", err, id)
		}
		if _, err := db.Reader().FindJobByID(ctx, id); domain.CodeOf(err) != domain.ErrNotFound {
			t.Fatalf("job of a rolled-back transaction: err = %v, want not found", err)
		}
		claimed, err := db.ClaimJobs(ctx, "w", []string{"k"}, 10, start.Add(time.Hour), start.Add(2*time.Hour))
		if err != nil || len(claimed) != 0 {
			t.Fatalf("claim after rollback: %d jobs, %v; want none", len(claimed), err)
		}

		kept := mustEnqueue(t, db, "k", 3, start)
		got := mustFind(t, db, kept.ID)
		if got.Status != domain.JobStatusPending || got.Attempts != 0 || got.MaxAttempts != 3 || !got.RunAt.Equal(start) ||
			string(got.Payload) != `{"n":1}` || len(got.ID) != 36 {
			t.Fatalf("committed job = %+v", got)
		}
	})
}

func TestClaimAndComplete(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		a := mustEnqueue(t, db, "k", 3, start)
		b := mustEnqueue(t, db, "k", 3, start.Add(time.Second))
		later := &domain.Job{Kind: "k", RunAt: start.Add(time.Hour), Timestamps: domain.Timestamps{CreatedAt: start}}
		other := &domain.Job{Kind: "other", Timestamps: domain.Timestamps{CreatedAt: start}}
		err := db.InTx(ctx, func(c *store.Conn) error {
			return errors.Join(c.EnqueueJob(ctx, later), c.EnqueueJob(ctx, other))
		})
		if err != nil {
			t.Fatal(err)
		}

		now := start.Add(time.Minute)
		due := func(kind string, at time.Time) bool {
			t.Helper()
			ok, err := db.Reader().HasDueJobs(ctx, []string{kind}, at)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !due("k", now) || due("none", now) || due("k", start.Add(-time.Second)) {
			t.Fatalf("HasDueJobs: want due for k now, not for another kind nor before run_at")
		}
		claimed, err := db.ClaimJobs(ctx, "w1", []string{"k"}, 1, now, now.Add(time.Minute))
		if err != nil || len(claimed) != 1 || claimed[0].ID != a.ID {
			t.Fatalf("first claim: %v, %v; want job a (the oldest due)", claimed, err)
		}
		j := claimed[0]
		if j.Status != domain.JobStatusRunning || j.Attempts != 1 || j.LeaseOwner != "w1" || !j.LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Fatalf("claimed job = %+v", j)
		}
		rest, err := db.ClaimJobs(ctx, "w2", []string{"k"}, 10, now, now.Add(time.Minute))
		if err != nil || len(rest) != 1 || rest[0].ID != b.ID {
			t.Fatalf("second claim: %v, %v; want only job b (not the one due later, not another kind, not a leased one)", rest, err)
		}

		if due("k", now) || !due("k", now.Add(time.Hour)) {
			t.Fatalf("HasDueJobs: want nothing due while leased, the later job and the expired leases an hour on")
		}
		if err := db.CompleteJob(ctx, j, json.RawMessage(`{"ok":true}`), now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		done := mustFind(t, db, a.ID)
		if done.Status != domain.JobStatusCompleted || string(done.Result) != `{"ok":true}` || done.LeaseOwner != "" ||
			!done.FinishedAt.Equal(now.Add(time.Second)) || !done.Finished() {
			t.Fatalf("completed job = %+v", done)
		}
		if err := db.CompleteJob(ctx, j, nil, now); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("second completion: %v, want ErrLeaseLost", err)
		}
		wrongOwner := *rest[0]
		wrongOwner.LeaseOwner = "w1"
		if err := db.FailJob(ctx, &wrongOwner, "x", now); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("fail by a worker without the lease: %v, want ErrLeaseLost", err)
		}
	})
}

func TestRunnerCompletesAtOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		opts := fastOptions("runner")
		opts.PollInterval = time.Hour // only Wake can start the job in time
		r := jobs.NewRunner(db, domain.SystemClock{}, opts)
		r.Handle("echo", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			return j.Payload, nil
		})
		runRunner(t, r)
		time.Sleep(20 * time.Millisecond) // the loop has polled once and waits
		j := mustEnqueue(t, db, "echo", 1, domain.SystemClock{}.Now())
		r.Wake()
		got := waitStatus(t, db, j.ID, domain.JobStatusCompleted)
		if string(got.Result) != `{"n":1}` || got.Attempts != 1 {
			t.Fatalf("job = %+v", got)
		}
	})
}

// TestRunnerRunsHandlersInBackground checks that a handler's context is marked as
// background work (store.Background), whose statements give way to requests on
// SQLite, and that a context of the caller's own is not.
func TestRunnerRunsHandlersInBackground(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		r := jobs.NewRunner(db, domain.SystemClock{}, fastOptions("runner"))
		var background atomic.Bool
		r.Handle("mark", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			background.Store(store.InBackground(ctx))
			return nil, nil
		})
		runRunner(t, r)
		j := mustEnqueue(t, db, "mark", 1, domain.SystemClock{}.Now())
		r.Wake()
		waitStatus(t, db, j.ID, domain.JobStatusCompleted)
		if !background.Load() {
			t.Fatal("the handler's context is not marked as background work")
		}
		if store.InBackground(context.Background()) {
			t.Fatal("a context of its own is marked as background work")
		}
	})
}

func TestRunnerRetriesWithBackoff(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start)
		r := jobs.NewRunner(db, clock, fastOptions("runner"))
		var calls atomic.Int32
		r.Handle("flaky", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			if calls.Add(1) == 1 {
				return nil, errors.New("vendor timed out")
			}
			return json.RawMessage(`"ok"`), nil
		})
		j := mustEnqueue(t, db, "flaky", 3, start)
		runRunner(t, r)

		retry := waitStatus(t, db, j.ID, domain.JobStatusPending)
		eventually(t, "the first attempt is recorded", func() bool {
			retry = mustFind(t, db, j.ID)
			return retry.Attempts == 1 && retry.Status == domain.JobStatusPending
		})
		if retry.FailureMessage != "vendor timed out" || retry.RunAt.Before(start.Add(5*time.Second)) ||
			retry.RunAt.After(start.Add(10*time.Second)) || retry.LeaseOwner != "" {
			t.Fatalf("after a retryable failure: %+v, want pending, due 5-10s later, with the message", retry)
		}
		time.Sleep(50 * time.Millisecond) // several polls: not due yet, so not run
		if calls.Load() != 1 {
			t.Fatalf("handler ran %d times before the retry was due", calls.Load())
		}
		clock.Advance(10 * time.Second)
		done := waitStatus(t, db, j.ID, domain.JobStatusCompleted)
		if done.Attempts != 2 || string(done.Result) != `"ok"` || done.FailureMessage != "" {
			t.Fatalf("after the retry: %+v", done)
		}
	})
}

func TestRunnerFailures(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start)
		r := jobs.NewRunner(db, clock, fastOptions("runner"))
		var transient atomic.Int32
		r.Handle("permanent", func(context.Context, jobs.Job) (json.RawMessage, error) {
			return nil, jobs.Permanent(errors.New("plan is gone"))
		})
		r.Handle("not_found", func(context.Context, jobs.Job) (json.RawMessage, error) {
			return nil, domain.NotFound(domain.MsgPlanNotFound)
		})
		r.Handle("panics", func(context.Context, jobs.Job) (json.RawMessage, error) {
			panic("boom")
		})
		r.Handle("transient", func(context.Context, jobs.Job) (json.RawMessage, error) {
			transient.Add(1)
			return nil, errors.New("still down")
		})
		perm := mustEnqueue(t, db, "permanent", 5, start)
		nf := mustEnqueue(t, db, "not_found", 5, start)
		pan := mustEnqueue(t, db, "panics", 5, start)
		tr := mustEnqueue(t, db, "transient", 2, start)
		runRunner(t, r)

		for _, c := range []struct {
			id, msg string
		}{{perm.ID, "plan is gone"}, {nf.ID, "not_found: plan_not_found"}, {pan.ID, "handler panicked: boom"}} {
			got := waitStatus(t, db, c.id, domain.JobStatusFailed)
			if got.Attempts != 1 || got.FailureMessage != c.msg || got.FinishedAt.IsZero() {
				t.Errorf("failed job = %+v, want one attempt and message %q", got, c.msg)
			}
		}

		eventually(t, "the first transient attempt is recorded", func() bool {
			j := mustFind(t, db, tr.ID)
			return j.Status == domain.JobStatusPending && j.Attempts == 1
		})
		clock.Advance(time.Minute)
		got := waitStatus(t, db, tr.ID, domain.JobStatusFailed)
		if got.Attempts != 2 || got.FailureMessage != "still down" || transient.Load() != 2 {
			t.Fatalf("after max attempts: %+v (%d calls), want failed after 2", got, transient.Load())
		}
	})
}

// TestExpiredLeaseIsReclaimed simulates a worker that died holding a lease: nobody
// runs the job until the lease expires, then another runner does, and the dead
// worker's late answer is refused.
func TestExpiredLeaseIsReclaimed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start)
		j := mustEnqueue(t, db, "work", 3, start)
		gone := mustEnqueue(t, db, "work", 1, start)
		dead, err := db.ClaimJobs(ctx, "dead-worker", []string{"work"}, 2, start, start.Add(time.Minute))
		if err != nil || len(dead) != 2 {
			t.Fatalf("dead worker's claim: %v, %v", dead, err)
		}

		r := jobs.NewRunner(db, clock, fastOptions("live-worker"))
		var ran atomic.Int32
		r.Handle("work", func(context.Context, jobs.Job) (json.RawMessage, error) {
			ran.Add(1)
			return json.RawMessage(`1`), nil
		})
		runRunner(t, r)
		time.Sleep(50 * time.Millisecond)
		if ran.Load() != 0 {
			t.Fatalf("a job leased by another worker ran before the lease expired")
		}
		clock.Advance(time.Minute)
		got := waitStatus(t, db, j.ID, domain.JobStatusCompleted)
		if got.Attempts != 2 {
			t.Fatalf("re-claimed job attempts = %d, want 2", got.Attempts)
		}
		// The second job allowed one attempt, which its dead worker used up.
		abandoned := waitStatus(t, db, gone.ID, domain.JobStatusFailed)
		if abandoned.FailureMessage != "abandoned: 1 attempts ended without an outcome" || ran.Load() != 1 {
			t.Fatalf("abandoned job = %+v, handler ran %d times", abandoned, ran.Load())
		}
		for _, d := range dead {
			if err := db.CompleteJob(ctx, d, nil, clock.Now()); !errors.Is(err, store.ErrLeaseLost) {
				t.Fatalf("dead worker's late completion: %v, want ErrLeaseLost", err)
			}
		}
		if got := mustFind(t, db, j.ID); string(got.Result) != "1" {
			t.Fatalf("result = %s, want the live worker's", got.Result)
		}
	})
}

// TestShutdown checks that shutdown waits for a handler that finishes within the
// grace period and hands back, unpenalised, the job of one that does not.
func TestShutdown(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		r := jobs.NewRunner(db, domain.SystemClock{}, fastOptions("runner"))
		started := make(chan string, 2)
		r.Handle("quick", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			started <- j.ID
			time.Sleep(50 * time.Millisecond)
			return json.RawMessage(`"done"`), nil
		})
		r.Handle("stuck", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			started <- j.ID
			<-ctx.Done()
			return nil, ctx.Err()
		})
		now := domain.SystemClock{}.Now()
		quick := mustEnqueue(t, db, "quick", 3, now)
		stuck := mustEnqueue(t, db, "stuck", 3, now)
		stop := runRunner(t, r)
		<-started
		<-started
		stop()
		if got := mustFind(t, db, quick.ID); got.Status != domain.JobStatusCompleted {
			t.Errorf("quick job after shutdown = %+v, want completed", got)
		}
		got := mustFind(t, db, stuck.ID)
		if got.Status != domain.JobStatusPending || got.Attempts != 0 || got.LeaseOwner != "" {
			t.Errorf("stuck job after shutdown = %+v, want pending again with no attempt counted", got)
		}
	})
}

// TestTwoRunnersRunEachJobOnce lets two runners, each with its own connection pool
// as two nodes would have, drain one queue: every job runs exactly once.
func TestTwoRunnersRunEachJobOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		first := storetest.Open(t, e)
		second := storetest.Open(t, e)
		const n = 300
		var (
			mu   sync.Mutex
			runs = map[string]int{}
			by   = map[string]int{}
		)
		for i, db := range []*store.DB{first, second} {
			owner := fmt.Sprintf("node-%d", i)
			opts := fastOptions(owner)
			opts.PollInterval = time.Millisecond
			r := jobs.NewRunner(db, domain.SystemClock{}, opts)
			r.Handle("count", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
				mu.Lock()
				runs[j.ID]++
				by[owner]++
				mu.Unlock()
				return nil, nil
			})
			runRunner(t, r)
		}
		now := domain.SystemClock{}.Now()
		ids := make([]string, 0, n)
		for range n {
			ids = append(ids, mustEnqueue(t, first, "count", 1, now).ID)
		}
		// Two SQLite pools contend for the one write lock, which is slow under the race
		// detector; the limit is generous.
		eventuallyWithin(t, time.Minute, "every job completed", func() bool {
			for _, id := range ids {
				if mustFind(t, first, id).Status != domain.JobStatusCompleted {
					return false
				}
			}
			return true
		})
		mu.Lock()
		defer mu.Unlock()
		for _, id := range ids {
			if runs[id] != 1 {
				t.Errorf("job %s ran %d times", id, runs[id])
			}
			if j := mustFind(t, first, id); j.Attempts != 1 {
				t.Errorf("job %s = %+v, want completed after one attempt", id, j)
			}
		}
		t.Logf("runs per node: %v", by)
	})
}

func TestBackoff(t *testing.T) {
	base, max := time.Second, time.Minute
	for _, c := range []struct {
		attempt int
		lo, hi  time.Duration
	}{
		{1, 500 * time.Millisecond, time.Second},
		{2, time.Second, 2 * time.Second},
		{4, 4 * time.Second, 8 * time.Second},
		{7, 30 * time.Second, time.Minute},
		{40, 30 * time.Second, time.Minute},
	} {
		for range 100 {
			if d := jobs.Backoff(c.attempt, base, max); d < c.lo || d > c.hi {
				t.Fatalf("Backoff(%d) = %v, want within [%v, %v]", c.attempt, d, c.lo, c.hi)
			}
		}
	}
}

func TestIsPermanent(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{errors.New("connection refused"), false},
		{jobs.Permanent(errors.New("bad payload")), true},
		{fmt.Errorf("wrapped: %w", jobs.Permanent(errors.New("x"))), true},
		{domain.NotFound(domain.MsgPlanNotFound), true},
		{domain.FieldError("/x", domain.MsgBlank), true},
		{domain.Errorf(domain.ErrInternal, domain.MsgInternal), false},
		{domain.Errorf(domain.ErrUnavailable, domain.MsgUnavailable), false},
		{context.DeadlineExceeded, false},
	} {
		if got := jobs.IsPermanent(c.err); got != c.want {
			t.Errorf("IsPermanent(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
