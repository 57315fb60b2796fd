package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// finishAt commits a job of kind "done" and records at at that it completed, or
// failed when fail is set.
func finishAt(t *testing.T, db *store.DB, at time.Time, fail bool) *domain.Job {
	t.Helper()
	ctx := context.Background()
	j := mustEnqueue(t, db, "done", 1, at)
	claimed, err := db.ClaimJobs(ctx, "w", []string{"done"}, 1, at, at.Add(time.Minute))
	if err != nil || len(claimed) != 1 || claimed[0].ID != j.ID {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	if fail {
		err = db.FailJob(ctx, claimed[0], "no", at)
	} else {
		err = db.CompleteJob(ctx, claimed[0], nil, at)
	}
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func exists(t *testing.T, db *store.DB, id string) bool {
	t.Helper()
	_, err := db.Reader().FindJobByID(context.Background(), id)
	if err != nil && domain.CodeOf(err) != domain.ErrNotFound {
		t.Fatal(err)
	}
	return err == nil
}

// TestPurgerRunsPeriodically runs the purge loop a server runs, with a short
// interval and a test clock: it deletes the finished jobs older than the retention
// soon after it starts, the next ones once time has moved on, never pending or
// running jobs, and it stops with its context.
func TestPurgerRunsPeriodically(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		const retention = 30 * 24 * time.Hour
		clock := domain.NewTestClock(start.Add(retention + time.Hour)) // jobs that finished before start+1h are due
		oldDone := finishAt(t, db, start, false)
		oldFailed := finishAt(t, db, start.Add(10*time.Minute), true)
		young := finishAt(t, db, start.Add(2*time.Hour), false)
		pending := mustEnqueue(t, db, "idle", 1, start)
		running := mustEnqueue(t, db, "busy", 1, start)
		if _, err := db.ClaimJobs(context.Background(), "w", []string{"busy"}, 1, start, start.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}

		p := jobs.NewPurger(db, clock, jobs.PurgeOptions{Retention: retention, Interval: 10 * time.Millisecond,
			FirstDelay: time.Millisecond, Batch: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() {
			p.Run(ctx)
			close(stopped)
		}()
		t.Cleanup(func() {
			cancel()
			<-stopped
		})

		eventually(t, "the old finished jobs are purged", func() bool {
			return !exists(t, db, oldDone.ID) && !exists(t, db, oldFailed.ID)
		})
		time.Sleep(30 * time.Millisecond) // a few more rounds at the same time
		for _, j := range []*domain.Job{young, pending, running} {
			if !exists(t, db, j.ID) {
				t.Fatalf("job %s (%s) was purged", j.ID, j.Kind)
			}
		}

		clock.Advance(2 * time.Hour)
		eventually(t, "the next finished job is purged once it is old enough", func() bool { return !exists(t, db, young.ID) })
		clock.Advance(365 * 24 * time.Hour)
		time.Sleep(30 * time.Millisecond)
		if !exists(t, db, pending.ID) || !exists(t, db, running.ID) {
			t.Fatal("a pending or running job was purged")
		}

		cancel()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Fatal("the purge loop did not stop with its context")
		}
	})
}

func TestPurgeOnceUsesTheClock(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		clock := domain.NewTestClock(start.Add(jobs.DefaultRetention))
		before := finishAt(t, db, start.Add(-time.Second), false)
		after := finishAt(t, db, start.Add(time.Second), true)
		p := jobs.NewPurger(db, clock, jobs.PurgeOptions{})
		if p.Retention() != jobs.DefaultRetention {
			t.Fatalf("default retention = %v", p.Retention())
		}
		n, err := p.Purge(context.Background())
		if err != nil || n != 1 || exists(t, db, before.ID) || !exists(t, db, after.ID) {
			t.Fatalf("purge: %d, %v; want only the job finished more than 30 days before the clock", n, err)
		}
	})
}
