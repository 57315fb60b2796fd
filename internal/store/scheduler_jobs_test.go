package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestHasLeasedJobsCountsDueWork checks what a synchronous delivery waits for: a job
// running under a live lease, and a due job still pending — which a claim that
// found nothing can only have skipped because another worker's claim holds its row.
// A job not due yet, or whose lease has run out, is nobody's work in progress.
func TestHasLeasedJobsCountsDueWork(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		busy := func() bool {
			t.Helper()
			b, err := db.Reader().HasLeasedJobs(ctx, []string{"k"}, now)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		enqueue := func(runAt time.Time) {
			t.Helper()
			j := &domain.Job{Kind: "k", RunAt: runAt, Timestamps: domain.Timestamps{CreatedAt: now}}
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
				t.Fatal(err)
			}
		}
		if busy() {
			t.Fatal("busy with no jobs")
		}
		enqueue(now.Add(time.Hour))
		if busy() {
			t.Fatal("busy with a job not due yet")
		}
		enqueue(now.Add(-time.Second))
		if !busy() {
			t.Fatal("not busy with a due pending job")
		}
		claimed, err := db.ClaimJobs(ctx, "w", []string{"k"}, 10, now, now.Add(time.Minute))
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claimed %d, %v; want the due job", len(claimed), err)
		}
		if !busy() {
			t.Fatal("not busy with a job under a live lease")
		}
		later, err := db.Reader().HasLeasedJobs(ctx, []string{"k"}, now.Add(2*time.Minute))
		if err != nil || later {
			t.Fatalf("busy = %v, %v after the lease ran out; want false", later, err)
		}
	})
}
