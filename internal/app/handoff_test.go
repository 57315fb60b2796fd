package app

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestServerHandsJobsToItsWorkers: a server with job workers writes a job due at
// once already running, its first attempt begun under a worker's lease
// (store.JobHandoff), once its runner runs; a server without workers writes it
// pending for a claim.
func TestServerHandsJobsToItsWorkers(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		for _, workers := range []bool{false, true} {
			cfg := testConfig(e.URL)
			cfg.Workers = workers
			m := NewMain(cfg)
			if err := m.Run(ctx); err != nil {
				t.Fatal(err)
			}
			// The runner starts beside the server: a job written before it runs is
			// pending, so jobs are written until one is handed over, for a while.
			handed := false
			for deadline := time.Now().Add(2 * time.Second); !handed && time.Now().Before(deadline); {
				handed = writeJob(t, m)
				time.Sleep(10 * time.Millisecond)
			}
			m.Close()
			if handed != workers {
				t.Errorf("with workers %v, a job was handed over: %v", workers, handed)
			}
		}
	})
}

// writeJob commits a provisioning job for a subscription that does not exist (it
// fails once run, which is no matter here) and reports whether it was written
// handed over: running, its first attempt begun.
func writeJob(t *testing.T, m *Main) bool {
	t.Helper()
	ctx := context.Background()
	j := &domain.Job{Kind: service.JobProvision, MaxAttempts: 1,
		Payload:    json.RawMessage(`{"subscription_id":999999,"op":"create"}`),
		Timestamps: domain.Timestamps{CreatedAt: m.Clock.Now()}}
	if err := m.DB.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
		t.Fatal(err)
	}
	// Read at once: a job written pending is claimed at the runner's next tick at
	// the soonest, as nothing wakes it here.
	got, err := m.DB.Reader().FindJobByID(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Status != domain.JobStatusPending && got.Attempts == 1
}
