package jobs_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestCompleteInHandlerTransaction runs a handler that records its job's success in
// its own transaction, with the change it makes (a job of another kind): the job
// ends completed with the result given there, once. A run whose lease passed to
// another worker before it completed writes neither its change nor the job's end,
// and the job stays with the worker that holds it now.
func TestCompleteInHandlerTransaction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start)
		opts := fastOptions("worker")
		opts.Timeout = 300 * time.Millisecond
		r := jobs.NewRunner(db, clock, opts)
		stolen := false // the next run loses its lease before it completes
		r.Handle("write", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
			if stolen {
				clock.Advance(opts.Lease)
				thief, err := db.ClaimJobs(ctx, "thief", []string{"write"}, 1, clock.Now(), clock.Now().Add(time.Hour))
				if err != nil || len(thief) != 1 {
					t.Fatalf("the other worker's claim: %v, %v", thief, err)
				}
			}
			err := db.InTx(ctx, func(tx *store.Conn) error {
				change := &domain.Job{Kind: "change", Payload: j.Payload, Timestamps: domain.Timestamps{CreatedAt: clock.Now()}}
				if err := tx.EnqueueJob(ctx, change); err != nil {
					return err
				}
				return jobs.CompleteIn(ctx, tx, json.RawMessage(`"done in the transaction"`), clock.Now())
			})
			return json.RawMessage(`"returned"`), err
		})
		changes := func() int {
			t.Helper()
			js, err := db.Reader().ListJobs(ctx, store.JobFilter{Kind: "change", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(js)
		}

		j := mustEnqueue(t, db, "write", 3, start)
		if n, err := r.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue ran %d (%v), want 1", n, err)
		}
		got := mustFind(t, db, j.ID)
		if got.Status != domain.JobStatusCompleted || string(got.Result) != `"done in the transaction"` ||
			got.Attempts != 1 || changes() != 1 {
			t.Fatalf("job %+v with %d changes, want completed in the handler's transaction with 1", got, changes())
		}

		stolen = true
		lost := mustEnqueue(t, db, "write", 3, clock.Now())
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		got = mustFind(t, db, lost.ID)
		if got.Status != domain.JobStatusRunning || got.LeaseOwner != "thief" || got.Attempts != 2 || changes() != 1 {
			t.Fatalf("job %+v with %d changes, want running under the other worker's lease, 1 change", got, changes())
		}
	})
}

// TestRunnerWithWorkersToSpareClaimsOnce runs one job at a time through a runner
// with workers to spare, as a quiet installation does: each is claimed once, when
// its Wake comes, and completed in its handler's transaction without claiming a
// next one there, which would find nothing (the runner claims a woken job itself),
// and the runner asks nothing more of the database until the next Wake or tick
// (here an hour away). A claim is a write transaction, which on SQLite queues behind
// the writes of API requests.
// completingRunner is a runner polling once an hour whose "write" jobs complete in
// a transaction of their own (CompleteIn), each telling ran how it went.
func completingRunner(db *store.DB, clock domain.Clock) (r *jobs.Runner, ran <-chan error) {
	opts := fastOptions("worker")
	opts.PollInterval = time.Hour
	r = jobs.NewRunner(db, clock, opts)
	done := make(chan error, 1)
	r.Handle("write", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
		err := db.InTx(ctx, func(tx *store.Conn) error { return jobs.CompleteIn(ctx, tx, nil, clock.Now()) })
		done <- err
		return nil, err
	})
	return r, done
}

func TestRunnerWithWorkersToSpareClaimsOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start)
		r, ran := completingRunner(db, clock)
		runRunner(t, r)
		// A quiet moment: the runner's first look at the queue, at its start, is over.
		quiet := func() (statements, trips uint64) {
			t.Helper()
			n := db.Statements()
			for {
				time.Sleep(50 * time.Millisecond)
				m := db.Statements()
				if m == n {
					return n, db.RoundTrips()
				}
				n = m
			}
		}
		before, tripsBefore := quiet()
		for i := range 3 {
			j := mustEnqueue(t, db, "write", 1, clock.Now())
			r.Wake()
			select {
			case err := <-ran:
				if err != nil {
					t.Fatalf("job %d: %v", i, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("job %d did not run", i)
			}
			// The job's INSERT; its claim (on PostgreSQL with the claim's planner
			// settings); its completion. Nothing after it. On PostgreSQL that is
			// five round trips: the INSERT and its COMMIT; the claim with its
			// COMMIT (the jobs are the runner's only once it has committed); the
			// completion, answered before its COMMIT is sent (a lost lease must
			// roll back), and the COMMIT.
			want, wantTrips := uint64(3), uint64(0)
			if e.Name == "postgres" {
				want, wantTrips = 4, 5
			}
			after, tripsAfter := quiet()
			if got := after - before; got != want {
				t.Errorf("job %d: %d statements from its INSERT until the runner went quiet, want %d", i, got, want)
			}
			if got := tripsAfter - tripsBefore; got != wantTrips {
				t.Errorf("job %d: %d round trips from its INSERT until the runner went quiet, want %d", i, got, wantTrips)
			}
			if got := mustFind(t, db, j.ID); got.Status != domain.JobStatusCompleted {
				t.Errorf("job %d is %s, want completed", i, got.Status)
			}
			before, tripsBefore = quiet()
		}
	})
}
