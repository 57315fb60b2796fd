package jobs_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// aheadRunner is a runner of one worker whose "write" jobs complete in their own
// transaction (CompleteIn), so a busy worker claims its next jobs there; each run
// is recorded in order, and during calls inside is called with the job's id first.
type aheadRunner struct {
	*jobs.Runner
	mu     sync.Mutex
	ran    []string
	inside func(id string)
}

func newAheadRunner(db *store.DB, clock domain.Clock) *aheadRunner {
	opts := fastOptions("worker")
	opts.Workers = 1
	a := &aheadRunner{Runner: jobs.NewRunner(db, clock, opts)}
	a.Handle("write", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
		if a.inside != nil {
			a.inside(j.ID)
		}
		a.mu.Lock()
		a.ran = append(a.ran, j.ID)
		a.mu.Unlock()
		return nil, db.InTx(ctx, func(tx *store.Conn) error { return jobs.CompleteIn(ctx, tx, nil, clock.Now()) })
	})
	return a
}

// aheadQueue opens a database on e with n "write" jobs due on a test clock, and a
// runner of one worker for them.
func aheadQueue(t *testing.T, e storetest.Engine, n int) (*store.DB, *domain.TestClock, *aheadRunner, []string) {
	t.Helper()
	db, clock, ids := writesQueue(t, e, n)
	return db, clock, newAheadRunner(db, clock), ids
}

// writesQueue opens a database on e with n "write" jobs due on a test clock.
func writesQueue(t *testing.T, e storetest.Engine, n int) (*store.DB, *domain.TestClock, []string) {
	t.Helper()
	db := storetest.Open(t, e)
	clock := domain.NewTestClock(start)
	return db, clock, enqueueWrites(t, db, n, clock)
}

// enqueueWrites commits n "write" jobs due a millisecond apart, the last at the
// clock's time as it returns, in the order a claim takes them.
func enqueueWrites(t *testing.T, db *store.DB, n int, clock domain.Clock) []string {
	t.Helper()
	ids := make([]string, n)
	now := clock.Now().Add(-time.Duration(n) * time.Millisecond)
	for i := range ids {
		ids[i] = mustEnqueue(t, db, "write", 3, now.Add(time.Duration(i)*time.Millisecond)).ID
	}
	return ids
}

// checkRanOnceInOrder checks that each of ids ran once, in order, and ended
// completed after one attempt: a job given back unrun counts none.
func checkRanOnceInOrder(t *testing.T, db *store.DB, a *aheadRunner, ids []string) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.ran) != len(ids) {
		t.Fatalf("ran %v, want %v", a.ran, ids)
	}
	for i, id := range ids {
		if a.ran[i] != id {
			t.Fatalf("ran %v, want %v", a.ran, ids)
		}
		if j := mustFind(t, db, id); j.Status != domain.JobStatusCompleted || j.Attempts != 1 {
			t.Errorf("job %d = %s after %d attempts, want completed after 1", i, j.Status, j.Attempts)
		}
	}
}

// TestBusyWorkerClaimsAhead runs a queue through one busy worker: the completion of
// its first job claims the next ClaimAhead, which wait leased to it while it runs
// them in order, and the last of them claims those after.
func TestBusyWorkerClaimsAhead(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db, _, a, ids := aheadQueue(t, e, 2*jobs.ClaimAhead+1)
		a.inside = func(id string) {
			if id != ids[1] {
				return
			}
			for i, other := range ids[2:] {
				j := mustFind(t, db, other)
				leased := j.Status == domain.JobStatusRunning && j.LeaseOwner == "worker"
				if want := i < jobs.ClaimAhead-1; leased != want {
					t.Errorf("while job 1 runs, job %d is %s leased to %q; want it claimed ahead: %t",
						i+2, j.Status, j.LeaseOwner, want)
				}
			}
		}
		runAll(t, db, a, ids)
	})
}

// runAll runs every due job through a and checks that each of ids ran once, in
// order.
func runAll(t *testing.T, db *store.DB, a *aheadRunner, ids []string) {
	t.Helper()
	if n, err := a.RunDue(context.Background()); err != nil || n != len(ids) {
		t.Fatalf("RunDue ran %d (%v), want %d", n, err, len(ids))
	}
	checkRanOnceInOrder(t, db, a, ids)
}

// TestClaimedAheadGivenBackNearLeaseEnd lets the clock pass while the worker runs
// the first job it claimed ahead, until the leases of the others would end before
// a run started then could: they are given back unrun, claimed again, and each job
// still runs once, in order, counting one attempt.
func TestClaimedAheadGivenBackNearLeaseEnd(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db, clock, a, ids := aheadQueue(t, e, 7)
		opts := fastOptions("worker")
		a.inside = func(id string) {
			if id == ids[1] {
				clock.Advance(opts.Lease - opts.Timeout + time.Second)
			}
			if id == ids[2] {
				j := mustFind(t, db, id)
				if j.Attempts != 1 || j.LeaseUntil.Before(clock.Now().Add(opts.Timeout)) {
					t.Errorf("job 2 runs at attempt %d with its lease to %v at %v, want attempt 1 "+
						"under a lease outlasting a run (given back, claimed again)", j.Attempts, j.LeaseUntil, clock.Now())
				}
			}
		}
		runAll(t, db, a, ids)
	})
}

// TestShutdownGivesBackClaimedAhead stops the runner while its one worker runs the
// first job it claimed ahead: that job completes, and the others go back to the
// queue unrun, pending with no attempt counted.
func TestShutdownGivesBackClaimedAhead(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.SystemClock{}
		a := newAheadRunner(db, clock)
		ids := enqueueWrites(t, db, 6, clock)
		running := make(chan struct{})
		a.inside = func(id string) {
			if id == ids[1] {
				close(running)
				time.Sleep(50 * time.Millisecond)
			}
		}
		stop := runRunner(t, a.Runner)
		select {
		case <-running:
		case <-time.After(5 * time.Second):
			t.Fatal("the job claimed ahead did not run")
		}
		stop()
		for i, id := range ids {
			j := mustFind(t, db, id)
			switch {
			case i < 2 && j.Status != domain.JobStatusCompleted:
				t.Errorf("job %d = %s, want completed", i, j.Status)
			case i >= 2 && (j.Status != domain.JobStatusPending || j.Attempts != 0 || j.LeaseOwner != ""):
				t.Errorf("job %d = %s, attempts %d, owner %q; want pending again with no attempt counted",
					i, j.Status, j.Attempts, j.LeaseOwner)
			}
		}
	})
}
