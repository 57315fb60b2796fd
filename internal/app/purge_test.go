package app

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestServePurgesFinishedJobs checks that a serving node with workers deletes
// finished jobs older than CASCADE_JOB_RETENTION and keeps newer ones, and that an
// API-only node and a retention of 0 delete nothing.
func TestServePurgesFinishedJobs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		now := time.Now()
		finished := func(kind string, at time.Time) string {
			t.Helper()
			j := &domain.Job{Kind: kind, MaxAttempts: 1, Timestamps: domain.Timestamps{CreatedAt: at.Add(-time.Minute)}}
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
				t.Fatalf("enqueue: %v", err)
			}
			claimed, err := db.ClaimJobs(ctx, "test", []string{kind}, 1, at.Add(-time.Second), at.Add(time.Minute))
			if err != nil || len(claimed) != 1 {
				t.Fatalf("claim %s: %v, %v", kind, claimed, err)
			}
			if err := db.CompleteJob(ctx, claimed[0], json.RawMessage(`{}`), at); err != nil {
				t.Fatalf("complete %s: %v", kind, err)
			}
			return j.ID
		}
		exists := func(id string) bool {
			t.Helper()
			_, err := db.Reader().FindJobByID(ctx, id)
			if err != nil && domain.CodeOf(err) != domain.ErrNotFound {
				t.Fatalf("find job %s: %v", id, err)
			}
			return err == nil
		}
		old := finished("test.old", now.Add(-3*time.Hour))
		recent := finished("test.recent", now.Add(-time.Minute))

		// serve runs a node while while runs.
		serve := func(workers bool, retention time.Duration, while func()) {
			t.Helper()
			cfg := testConfig(e.URL)
			cfg.Workers, cfg.JobRetention = workers, retention
			cfg.jobPurge.FirstDelay, cfg.jobPurge.Interval = 10*time.Millisecond, 20*time.Millisecond
			m := NewMain(cfg)
			if err := m.Run(ctx); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := m.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
			}()
			while()
		}
		manyIntervals := func() { time.Sleep(300 * time.Millisecond) }
		serve(false, time.Hour, manyIntervals)
		serve(true, 0, manyIntervals)
		if !exists(old) {
			t.Fatal("an API-only node, or a node with retention 0, purged a job")
		}
		serve(true, time.Hour, func() {
			for deadline := time.Now().Add(10 * time.Second); exists(old); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the job that finished 3 hours ago outlived a retention of 1 hour for 10 s")
				}
			}
		})
		if !exists(recent) {
			t.Error("the job that finished a minute ago was purged with a retention of 1 hour")
		}
	})
}
