package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestClaimWalksTheDueIndex checks that a claim reads the queue in its own order,
// (run_at, id), from an index: no sort of any kind over the queued jobs. An index
// ordered by run_at alone had PostgreSQL add an incremental sort, which reads 32
// rows before it hands out the first, to every claim of one job.
func TestClaimWalksTheDueIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		for i := range 300 {
			j := &domain.Job{Kind: "k", RunAt: now.Add(time.Duration(i%7) * time.Second),
				Timestamps: domain.Timestamps{CreatedAt: now}}
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
				t.Fatal(err)
			}
		}
		query, args := store.ClaimSQL(store.Engine(e.Name), []string{"k"}, 1, now.Add(time.Minute), now.Add(time.Hour))
		// The claim's own planner settings (store.claimPlan).
		plan := explainAs(t, e, []string{"enable_sort = off", "jit = off"}, nil, query, args...)
		// Each side of the claim (the pending jobs, the leases run out) walks the
		// index; only the two sides' first rows are put in order after them.
		if n := strings.Count(plan, "jobs_status_run_at_id"); n != 2 {
			t.Errorf("%d sides of the claim walk jobs_status_run_at_id, want 2:\n%s", n, plan)
		}
		for _, sorted := range []string{"Incremental Sort", "RIGHT PART OF ORDER BY"} {
			if strings.Contains(plan, sorted) {
				t.Errorf("the claim sorts the queue (%s):\n%s", sorted, plan)
			}
		}
	})
}
