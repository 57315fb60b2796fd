package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// gate is a handler that tells started of each job it runs, then waits for open.
type gate struct {
	started chan string
	open    chan struct{}
}

func newGate() *gate { return &gate{started: make(chan string, 8), open: make(chan struct{})} }

func (g *gate) handler(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
	g.started <- j.ID
	select {
	case <-g.open:
		return json.RawMessage(`"done"`), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// wantStarted waits for the gate's handler to start job id.
func (g *gate) wantStarted(t *testing.T, id string) {
	t.Helper()
	select {
	case got := <-g.started:
		if got != id {
			t.Fatalf("started job %s, want %s", got, id)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("job %s did not start", id)
	}
}

// TestHandedJobRunsWithoutAClaim: with a worker free, a job is written leased to
// it, its first attempt begun, and runs once its transaction commits: nothing
// claims it, and the runner's poll loop need not be woken.
func TestHandedJobRunsWithoutAClaim(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start)
		r, ran := completingRunner(db, clock)
		db.SetJobHandoff(r)
		runRunner(t, r)
		time.Sleep(50 * time.Millisecond) // the runner's first look at the queue is over
		before, tripsBefore := db.Statements(), db.RoundTrips()
		j := mustEnqueue(t, db, "write", 1, clock.Now())
		select {
		case err := <-ran:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the handed job did not run")
		}
		time.Sleep(50 * time.Millisecond)
		// Its INSERT and its completion; on PostgreSQL the INSERT, its COMMIT, the
		// completion and its COMMIT, each a round trip.
		want, wantTrips := uint64(2), uint64(0)
		if e.Name == "postgres" {
			wantTrips = 4
		}
		if got := db.Statements() - before; got != want {
			t.Errorf("%d statements from the job's INSERT to its completion, want %d", got, want)
		}
		if got := db.RoundTrips() - tripsBefore; got != wantTrips {
			t.Errorf("%d round trips from the job's INSERT to its completion, want %d", got, wantTrips)
		}
		if got := mustFind(t, db, j.ID); got.Status != domain.JobStatusCompleted || got.Attempts != 1 {
			t.Errorf("handed job = %s after %d attempts, want completed after 1", got.Status, got.Attempts)
		}
	})
}

// TestHandoffTakesOnlyFreeWorkers: a job written while the one worker runs another
// waits in the queue for it; a transaction that rolls back gives its worker back.
func TestHandoffTakesOnlyFreeWorkers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		opts := fastOptions("worker")
		opts.Workers = 1
		r := jobs.NewRunner(db, domain.SystemClock{}, opts)
		g := newGate()
		r.Handle("gated", g.handler)
		db.SetJobHandoff(r)
		runRunner(t, r)
		time.Sleep(50 * time.Millisecond)

		// Rolled back: the worker it took is free again for the next job.
		oops := errors.New("rolled back")
		err := db.InTx(ctx, func(c *store.Conn) error {
			j := &domain.Job{Kind: "gated", MaxAttempts: 1, Timestamps: domain.Timestamps{CreatedAt: time.Now()}}
			if err := c.EnqueueJob(ctx, j); err != nil {
				return err
			}
			return oops
		})
		if !errors.Is(err, oops) {
			t.Fatalf("rolled back transaction: %v", err)
		}
		first := mustEnqueue(t, db, "gated", 1, time.Now())
		if got := mustFind(t, db, first.ID); got.Status != domain.JobStatusRunning || got.Attempts != 1 ||
			got.LeaseOwner != "worker" || !got.LeaseUntil.After(time.Now()) {
			t.Fatalf("job written with a worker free = %+v, want running, leased to the worker, attempt 1", got)
		}
		g.wantStarted(t, first.ID)

		// The one worker is busy: the next job waits in the queue, unclaimed.
		second := mustEnqueue(t, db, "gated", 1, time.Now())
		r.Wake()
		time.Sleep(50 * time.Millisecond)
		if got := mustFind(t, db, second.ID); got.Status != domain.JobStatusPending || got.Attempts != 0 {
			t.Fatalf("job written with every worker busy = %+v, want pending", got)
		}
		close(g.open)
		g.wantStarted(t, second.ID)
		waitStatus(t, db, first.ID, domain.JobStatusCompleted)
		if got := waitStatus(t, db, second.ID, domain.JobStatusCompleted); got.Attempts != 1 {
			t.Errorf("queued job completed after %d attempts, want 1", got.Attempts)
		}
	})
}

// TestHandedJobAtShutdown: a transaction that took a worker commits while the runner
// stops; the runner waits for it, and its job goes back to the queue unrun, with no
// attempt counted, as a claimed job not started does.
func TestHandedJobAtShutdown(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := jobs.NewRunner(db, domain.SystemClock{}, fastOptions("worker"))
		g := newGate()
		r.Handle("gated", g.handler)
		db.SetJobHandoff(r)
		stop := runRunner(t, r)
		time.Sleep(50 * time.Millisecond)
		written, commit := make(chan *domain.Job), make(chan struct{})
		txDone := make(chan error, 1)
		go func() {
			txDone <- db.InTx(ctx, func(c *store.Conn) error {
				j := &domain.Job{Kind: "gated", MaxAttempts: 1, Timestamps: domain.Timestamps{CreatedAt: time.Now()}}
				if err := c.EnqueueJob(ctx, j); err != nil {
					return err
				}
				written <- j
				<-commit
				return nil
			})
		}()
		j := <-written
		if j.Status != domain.JobStatusRunning {
			t.Fatalf("job written with workers free is %s, want running", j.Status)
		}
		stopped := make(chan struct{})
		go func() {
			stop()
			close(stopped)
		}()
		select {
		case <-stopped:
			t.Fatal("the runner stopped while a transaction held one of its workers")
		case <-time.After(100 * time.Millisecond):
		}
		close(commit)
		if err := <-txDone; err != nil {
			t.Fatal(err)
		}
		<-stopped
		got := mustFind(t, db, j.ID)
		if got.Status != domain.JobStatusPending || got.Attempts != 0 || got.LeaseOwner != "" {
			t.Errorf("job handed over at shutdown = %+v, want pending again with no attempt counted", got)
		}
		select {
		case id := <-g.started:
			t.Errorf("job %s ran after the runner stopped", id)
		default:
		}
	})
}

// deadHandoff hands jobs to a process that dies before it starts them.
type deadHandoff struct{ until time.Time }

func (d deadHandoff) ReserveWorker(string) (store.ReservedWorker, bool) { return d, true }
func (d deadHandoff) Lease() (string, time.Time)                        { return "dead-worker", d.until }
func (deadHandoff) Start(*domain.Job)                                   {}
func (deadHandoff) Cancel()                                             {}

// TestHandedJobOfADeadProcessIsReclaimed: a job handed to a worker whose process
// died is claimed by another once its lease has run out, its second attempt.
func TestHandedJobOfADeadProcessIsReclaimed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start)
		db.SetJobHandoff(deadHandoff{until: start.Add(time.Minute)})
		j := mustEnqueue(t, db, "work", 3, start)
		db.SetJobHandoff(nil)
		r := jobs.NewRunner(db, clock, fastOptions("live-worker"))
		ran := make(chan string, 1)
		r.Handle("work", func(_ context.Context, j jobs.Job) (json.RawMessage, error) {
			ran <- j.ID
			return nil, nil
		})
		runRunner(t, r)
		time.Sleep(50 * time.Millisecond)
		select {
		case <-ran:
			t.Fatal("a job leased to another worker ran before its lease ran out")
		default:
		}
		clock.Advance(time.Minute)
		if got := waitStatus(t, db, j.ID, domain.JobStatusCompleted); got.Attempts != 2 {
			t.Errorf("reclaimed job completed after %d attempts, want 2", got.Attempts)
		}
	})
}
