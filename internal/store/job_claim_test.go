package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestClaimJobsTakesTheEarliestDue checks that a claim takes the due jobs in the
// order they were due, pending ones and those whose lease ran out alike, and
// leaves jobs not due yet and jobs under a live lease alone.
func TestClaimJobsTakesTheEarliestDue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		enqueue := func(kind string, runAt time.Time) string {
			t.Helper()
			j := &domain.Job{Kind: kind, RunAt: runAt, Timestamps: domain.Timestamps{CreatedAt: now}}
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
				t.Fatal(err)
			}
			return j.ID
		}
		claim := func(at time.Time, limit int, lease time.Duration) []string {
			t.Helper()
			jobs, err := db.ClaimJobs(ctx, "w", []string{"k"}, limit, at, at.Add(lease))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, j := range jobs {
				ids = append(ids, j.ID)
			}
			slices.Sort(ids) // an UPDATE's RETURNING comes in no particular order
			return ids
		}
		// One job claimed under a long lease, then two under a short one: at now
		// the last two have run out and are due again at their first run_at.
		live := enqueue("k", now.Add(-60*time.Minute))
		if got := claim(now.Add(-55*time.Minute), 1, 2*time.Hour); len(got) != 1 || got[0] != live {
			t.Fatalf("claimed %v, want %s", got, live)
		}
		expired1 := enqueue("k", now.Add(-50*time.Minute))
		expired2 := enqueue("k", now.Add(-30*time.Minute))
		if got := claim(now.Add(-20*time.Minute), 2, time.Minute); len(got) != 2 {
			t.Fatalf("claimed %v, want the two jobs due", got)
		}
		pending1 := enqueue("k", now.Add(-40*time.Minute))
		pending2 := enqueue("k", now.Add(-time.Minute))
		enqueue("k", now.Add(time.Hour))      // not due
		enqueue("other", now.Add(-time.Hour)) // a kind not asked for
		if got, want := claim(now, 2, time.Minute), sorted(expired1, pending1); !slices.Equal(got, want) {
			t.Fatalf("claimed %v, want %v", got, want)
		}
		if got, want := claim(now, 10, time.Minute), sorted(expired2, pending2); !slices.Equal(got, want) {
			t.Fatalf("claimed %v, want %v", got, want)
		}
		if got := claim(now, 10, time.Minute); len(got) != 0 {
			t.Fatalf("claimed %v, want nothing left due", got)
		}
	})
}

// sorted returns ids in order.
func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
