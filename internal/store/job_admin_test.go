package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

var jobsStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// pendingJob commits a pending job of kind, created (and due) at at.
func pendingJob(t *testing.T, db *store.DB, kind string, at time.Time) *domain.Job {
	t.Helper()
	j := &domain.Job{Kind: kind, MaxAttempts: 3, Timestamps: domain.Timestamps{CreatedAt: at}}
	if err := db.InTx(context.Background(), func(c *store.Conn) error { return c.EnqueueJob(context.Background(), j) }); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return j
}

// runningJob commits a job of kind and claims it at at. No other job of kind may
// be due then.
func runningJob(t *testing.T, db *store.DB, kind string, at time.Time) *domain.Job {
	t.Helper()
	j := pendingJob(t, db, kind, at)
	claimed, err := db.ClaimJobs(context.Background(), "worker", []string{kind}, 1, at, at.Add(time.Minute))
	if err != nil || len(claimed) != 1 || claimed[0].ID != j.ID {
		t.Fatalf("claim the new %s job: %v, %v", kind, claimed, err)
	}
	return claimed[0]
}

// finishedJob commits a job of kind that ended with status (completed or failed) at
// at. No other job of kind may be due then.
func finishedJob(t *testing.T, db *store.DB, kind string, status domain.JobStatus, at time.Time) *domain.Job {
	t.Helper()
	ctx := context.Background()
	j := runningJob(t, db, kind, at.Add(-time.Second))
	var err error
	if status == domain.JobStatusCompleted {
		err = db.CompleteJob(ctx, j, json.RawMessage(`{"ok":true}`), at)
	} else {
		err = db.FailJob(ctx, j, "vendor said no", at)
	}
	if err != nil {
		t.Fatalf("finish job as %s: %v", status, err)
	}
	return findJob(t, db, j.ID)
}

func findJob(t *testing.T, db *store.DB, id string) *domain.Job {
	t.Helper()
	j, err := db.Reader().FindJobByID(context.Background(), id)
	if err != nil {
		t.Fatalf("find job %s: %v", id, err)
	}
	return j
}

func jobIDs(jobs []*domain.Job) []string {
	ids := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	return ids
}

func TestListJobs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		failed := finishedJob(t, db, "mail", domain.JobStatusFailed, jobsStart.Add(time.Hour))
		b := pendingJob(t, db, "mail", jobsStart.Add(time.Second))
		c := pendingJob(t, db, "sync", jobsStart.Add(2*time.Second))
		d := pendingJob(t, db, "mail", jobsStart.Add(3*time.Second))

		for _, tc := range []struct {
			name   string
			filter store.JobFilter
			want   []string
		}{
			{"all, the most recently updated first", store.JobFilter{}, jobIDs([]*domain.Job{failed, d, c, b})},
			{"by status", store.JobFilter{Status: domain.JobStatusFailed}, []string{failed.ID}},
			{"by kind", store.JobFilter{Kind: "mail"}, []string{failed.ID, d.ID, b.ID}},
			{"by kind and status", store.JobFilter{Kind: "mail", Status: domain.JobStatusPending}, []string{d.ID, b.ID}},
			{"limited", store.JobFilter{Limit: 2}, []string{failed.ID, d.ID}},
			{"nothing matches", store.JobFilter{Status: domain.JobStatusCompleted}, []string{}},
		} {
			got, err := db.Reader().ListJobs(ctx, tc.filter)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if strings.Join(jobIDs(got), ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s: got %v, want %v", tc.name, jobIDs(got), tc.want)
			}
		}
		got, err := db.Reader().ListJobs(ctx, store.JobFilter{Status: domain.JobStatusFailed})
		if err != nil || len(got) != 1 {
			t.Fatalf("failed jobs: %v, %v", got, err)
		}
		if j := got[0]; j.Kind != "mail" || j.Attempts != 1 || j.MaxAttempts != 3 || j.FailureMessage != "vendor said no" ||
			!j.UpdatedAt.Equal(jobsStart.Add(time.Hour)) || !j.FinishedAt.Equal(jobsStart.Add(time.Hour)) {
			t.Fatalf("listed failed job = %+v", j)
		}
	})
}

func TestListJobsDefaultLimit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		for i := range store.DefaultJobListLimit + 5 {
			pendingJob(t, db, "k", jobsStart.Add(time.Duration(i)*time.Second))
		}
		got, err := db.Reader().ListJobs(context.Background(), store.JobFilter{})
		if err != nil || len(got) != store.DefaultJobListLimit {
			t.Fatalf("list without a limit: %d jobs, %v; want %d", len(got), err, store.DefaultJobListLimit)
		}
		if last := jobsStart.Add(time.Duration(store.DefaultJobListLimit+4) * time.Second); !got[0].UpdatedAt.Equal(last) {
			t.Fatalf("first listed job updated at %v, want the newest (%v)", got[0].UpdatedAt, last)
		}
	})
}

func TestRetryFailedJobs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f1 := finishedJob(t, db, "mail", domain.JobStatusFailed, jobsStart.Add(time.Minute))
		f2 := finishedJob(t, db, "mail", domain.JobStatusFailed, jobsStart.Add(2*time.Minute))
		done := finishedJob(t, db, "mail", domain.JobStatusCompleted, jobsStart.Add(3*time.Minute))
		running := runningJob(t, db, "sync", jobsStart.Add(4*time.Minute))
		pending := pendingJob(t, db, "mail", jobsStart.Add(5*time.Minute))
		const unknown = "00000000-0000-4000-8000-000000000000"
		now := jobsStart.Add(time.Hour)

		for _, tc := range []struct {
			ids  []string
			want []string // in the error
		}{
			{[]string{f1.ID, unknown}, []string{"job " + unknown + ": not found"}},
			{[]string{f1.ID, done.ID}, []string{"job " + done.ID + ": is completed"}},
			{[]string{running.ID, f2.ID, pending.ID}, []string{"job " + running.ID + ": is running", "job " + pending.ID + ": is pending"}},
		} {
			got, err := db.RetryFailedJobs(ctx, tc.ids, now)
			if err == nil {
				t.Fatalf("retry %v succeeded with %v", tc.ids, got)
			}
			for _, want := range append(tc.want, "no job was retried") {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("retry %v: error %q lacks %q", tc.ids, err, want)
				}
			}
			for _, j := range []*domain.Job{f1, f2} {
				if after := findJob(t, db, j.ID); after.Status != domain.JobStatusFailed || !after.UpdatedAt.Equal(j.UpdatedAt) {
					t.Fatalf("after a refused retry %v: job %+v changed", tc.ids, after)
				}
			}
		}

		got, err := db.RetryFailedJobs(ctx, []string{f2.ID, f1.ID, f2.ID}, now)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(jobIDs(got), ",") != f2.ID+","+f1.ID {
			t.Fatalf("retried %v, want f2 and f1 once each", jobIDs(got))
		}
		for _, j := range []*domain.Job{f1, f2} {
			after := findJob(t, db, j.ID)
			if after.Status != domain.JobStatusPending || after.Attempts != 0 || after.MaxAttempts != 3 ||
				!after.RunAt.Equal(now) || !after.UpdatedAt.Equal(now) || !after.FinishedAt.IsZero() ||
				after.FailureMessage != "vendor said no" || after.LeaseOwner != "" {
				t.Fatalf("retried job = %+v, want pending, due now, no attempts, the old message kept", after)
			}
		}
		claimed, err := db.ClaimJobs(ctx, "worker", []string{"mail"}, 10, now, now.Add(time.Minute))
		if err != nil || len(claimed) != 3 {
			t.Fatalf("claim after retry: %v, %v; want both retried jobs and the pending one", claimed, err)
		}
		if _, err := db.RetryFailedJobs(ctx, []string{f1.ID}, now); err == nil || !strings.Contains(err.Error(), "is running") {
			t.Fatalf("retrying a job that runs again: %v, want refused", err)
		}
	})
}

func TestPurgeFinishedJobs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		cutoff := jobsStart.Add(30 * 24 * time.Hour)
		var old, kept []*domain.Job
		for i := range 23 {
			status := domain.JobStatusCompleted
			if i%3 == 0 {
				status = domain.JobStatusFailed
			}
			old = append(old, finishedJob(t, db, "mail", status, jobsStart.Add(time.Duration(i)*time.Hour)))
		}
		kept = append(kept,
			finishedJob(t, db, "mail", domain.JobStatusCompleted, cutoff),
			finishedJob(t, db, "mail", domain.JobStatusFailed, cutoff.Add(time.Hour)),
			runningJob(t, db, "sync", jobsStart),
			pendingJob(t, db, "mail", jobsStart))

		if _, err := db.PurgeFinishedJobs(ctx, cutoff, 0); err == nil {
			t.Fatal("purge with a batch of 0 succeeded")
		}
		n, err := db.PurgeFinishedJobs(ctx, cutoff, 5) // five batches: 5+5+5+5+3
		if err != nil || n != int64(len(old)) {
			t.Fatalf("purge: %d, %v; want %d jobs", n, err, len(old))
		}
		for _, j := range old {
			if _, err := db.Reader().FindJobByID(ctx, j.ID); domain.CodeOf(err) != domain.ErrNotFound {
				t.Fatalf("old finished job %s: %v, want deleted", j.ID, err)
			}
		}
		for _, j := range kept {
			if got := findJob(t, db, j.ID); got.Status != j.Status {
				t.Fatalf("kept job changed: %+v", got)
			}
		}
		if n, err := db.PurgeFinishedJobs(ctx, cutoff, 5); err != nil || n != 0 {
			t.Fatalf("second purge: %d, %v; want nothing left to delete", n, err)
		}
		// Exactly one batch's worth ends with an empty batch.
		n, err = db.PurgeFinishedJobs(ctx, cutoff.Add(2*time.Hour), 2)
		if err != nil || n != 2 {
			t.Fatalf("purge of the two young finished jobs: %d, %v", n, err)
		}
		all, err := db.Reader().ListJobs(ctx, store.JobFilter{})
		if err != nil || len(all) != 2 {
			t.Fatalf("jobs left: %v, %v; want the running and the pending one", all, err)
		}
	})
}

func TestRetryFailedJobsLongIDList(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		ids := make([]string, 70_000)
		for i := range ids {
			ids[i] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		}
		_, err := db.RetryFailedJobs(context.Background(), ids, jobsStart)
		if err == nil || !strings.Contains(err.Error(), "job "+ids[69_999]+": not found") {
			t.Fatalf("retry of 70,000 unknown jobs: %.300v", err)
		}
	})
}
