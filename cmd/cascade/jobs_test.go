package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// runCLIEnv runs the command line in-process with the given environment.
func runCLIEnv(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String() + errOut.String(), err
}

// cliJob commits a job of kind for reseller and, unless status is pending, claims it
// and records the outcome at at. No other job of kind may be due then.
func cliJob(t *testing.T, db *store.DB, kind string, reseller int64, status domain.JobStatus, message string, at time.Time) *domain.Job {
	t.Helper()
	ctx := context.Background()
	j := &domain.Job{Kind: kind, ResellerID: reseller, MaxAttempts: 1, Timestamps: domain.Timestamps{CreatedAt: at}}
	if err := db.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
		t.Fatal(err)
	}
	if status == domain.JobStatusPending {
		return j
	}
	claimed, err := db.ClaimJobs(ctx, "w", []string{kind}, 1, at, at.Add(time.Minute))
	if err != nil || len(claimed) != 1 || claimed[0].ID != j.ID {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	if status == domain.JobStatusFailed {
		err = db.FailJob(ctx, claimed[0], message, at)
	} else {
		err = db.CompleteJob(ctx, claimed[0], nil, at)
	}
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func jobStatus(t *testing.T, db *store.DB, id string) *domain.Job {
	t.Helper()
	j, err := db.Reader().FindJobByID(context.Background(), id)
	if err != nil {
		t.Fatalf("job %s: %v", id, err)
	}
	return j
}

func TestJobsCommands(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		if out, err := runCLI(t, e.URL, "seed"); err != nil {
			t.Fatalf("seed: %v\n%s", err, out)
		}
		db := storetest.Open(t, e)
		now := time.Now().UTC()
		long := "vendor said:\n\tplease try again later " + strings.Repeat("x", 100)
		failed := cliJob(t, db, "mail", domain.OperatorID, domain.JobStatusFailed, long, now.Add(-40*24*time.Hour))
		old := cliJob(t, db, "mail", 0, domain.JobStatusCompleted, "", now.Add(-39*24*time.Hour))
		young := cliJob(t, db, "mail", 0, domain.JobStatusCompleted, "", now.Add(-time.Hour))
		pending := cliJob(t, db, "sync", 0, domain.JobStatusPending, "", now.Add(-50*24*time.Hour))

		out, err := runCLI(t, e.URL, "jobs", "list")
		if err != nil {
			t.Fatalf("jobs list: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 5 || !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "UPDATED AT") {
			t.Fatalf("jobs list: want a header and 4 jobs:\n%s", out)
		}
		for i, j := range []*domain.Job{young, old, failed, pending} { // the most recently updated first
			if !strings.HasPrefix(lines[i+1], j.ID+" ") {
				t.Fatalf("jobs list line %d is not job %s:\n%s", i+1, j.ID, out)
			}
		}
		f := strings.Fields(lines[3])
		wantFailed := []string{failed.ID, "mail", "1", "failed", "1/1", failed.RunAt.Format(time.RFC3339),
			now.Add(-40 * 24 * time.Hour).Format(time.RFC3339), "vendor", "said:", "please", "try", "again", "later"}
		if len(f) != len(wantFailed)+1 || strings.Join(f[:len(wantFailed)], " ") != strings.Join(wantFailed, " ") ||
			!strings.HasSuffix(f[len(f)-1], "x…") || len([]rune(f[len(f)-1])) != 60-len("vendor said: please try again later ") {
			t.Fatalf("failed job's line: %q\nwant %q and the message cut to 60 characters", lines[3], wantFailed)
		}
		if f := strings.Fields(lines[4]); f[2] != "-" || f[3] != "pending" || f[4] != "0/1" || len(f) != 7 {
			t.Fatalf("pending job's line: %q, want no reseller, no failure", lines[4])
		}

		for _, tc := range []struct {
			args []string
			want []*domain.Job
		}{
			{[]string{"--status", "failed"}, []*domain.Job{failed}},
			{[]string{"--kind", "sync"}, []*domain.Job{pending}},
			{[]string{"--kind", "mail", "--status", "completed", "--limit", "1"}, []*domain.Job{young}},
		} {
			out, err := runCLI(t, e.URL, append([]string{"jobs", "list"}, tc.args...)...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if err != nil || len(lines) != len(tc.want)+1 {
				t.Fatalf("jobs list %v: %v\n%s", tc.args, err, out)
			}
			for i, j := range tc.want {
				if !strings.HasPrefix(lines[i+1], j.ID+" ") {
					t.Fatalf("jobs list %v: line %d is not job %s:\n%s", tc.args, i+1, j.ID, out)
				}
			}
		}
		if out, err := runCLI(t, e.URL, "jobs", "list", "--kind", "nothing"); err != nil || out != "no jobs\n" {
			t.Fatalf("empty list: %q, %v", out, err)
		}
		for _, bad := range [][]string{{"--status", "done"}, {"--limit", "0"}, {"extra"}} {
			if _, err := runCLI(t, e.URL, append([]string{"jobs", "list"}, bad...)...); err == nil {
				t.Errorf("jobs list %v succeeded", bad)
			}
		}
		if _, err := runCLI(t, e.URL, "jobs", "list", "--status", "done"); err == nil ||
			!strings.Contains(err.Error(), `--status "done": want pending, running, completed or failed`) {
			t.Errorf("bad status: %v", err)
		}

		const unknown = "00000000-0000-4000-8000-000000000000"
		for _, ids := range [][]string{{failed.ID, old.ID}, {failed.ID, unknown}} {
			_, err := runCLI(t, e.URL, append([]string{"jobs", "retry"}, ids...)...)
			if err == nil || !strings.Contains(err.Error(), ids[1]) || !strings.Contains(err.Error(), "no job was retried") {
				t.Fatalf("retry %v: %v, want refused naming %s", ids, err, ids[1])
			}
			if j := jobStatus(t, db, failed.ID); j.Status != domain.JobStatusFailed {
				t.Fatalf("after a refused retry the failed job is %s", j.Status)
			}
		}
		if _, err := runCLI(t, e.URL, "jobs", "retry"); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Fatalf("retry without ids: %v", err)
		}
		out, err = runCLI(t, e.URL, "jobs", "retry", failed.ID, "--db", e.URL)
		if err != nil || !strings.Contains(out, "job "+failed.ID+" (mail) is pending again") ||
			!strings.Contains(out, "retried 1 failed job(s)") {
			t.Fatalf("retry: %v\n%s", err, out)
		}
		retried := jobStatus(t, db, failed.ID)
		if retried.Status != domain.JobStatusPending || retried.Attempts != 0 || retried.RunAt.Before(now) ||
			retried.RunAt.After(time.Now()) || !retried.FinishedAt.IsZero() || retried.FailureMessage != long {
			t.Fatalf("retried job = %+v, want pending, due now, attempts 0, the message kept", retried)
		}

		// The retried job is pending now, so only the old completed one is old and finished.
		out, err = runCLI(t, e.URL, "jobs", "purge")
		if err != nil || !strings.HasPrefix(out, "purged 1 finished job(s) that finished before ") ||
			!strings.Contains(out, "(older than 720h0m0s)") {
			t.Fatalf("purge: %v\n%s", err, out)
		}
		if _, err := db.Reader().FindJobByID(context.Background(), old.ID); domain.CodeOf(err) != domain.ErrNotFound {
			t.Fatalf("old completed job after purge: %v", err)
		}
		jobStatus(t, db, young.ID)
		jobStatus(t, db, pending.ID)
		jobStatus(t, db, failed.ID)

		env := map[string]string{"CASCADE_DATABASE_URL": e.URL, "CASCADE_JOB_RETENTION": "0"}
		if _, err := runCLIEnv(t, env, "jobs", "purge"); err == nil || !strings.Contains(err.Error(), "--older-than") {
			t.Fatalf("purge with retention 0: %v, want a pointer to --older-than", err)
		}
		for _, bad := range []string{"0", "-1h", "a while"} {
			if _, err := runCLI(t, e.URL, "jobs", "purge", "--older-than", bad); err == nil {
				t.Errorf("purge --older-than %q succeeded", bad)
			}
		}
		env["CASCADE_JOB_RETENTION"] = "30m"
		out, err = runCLIEnv(t, env, "jobs", "purge")
		if err != nil || !strings.HasPrefix(out, "purged 1 finished job(s)") || !strings.Contains(out, "(older than 30m0s)") {
			t.Fatalf("purge with CASCADE_JOB_RETENTION=30m: %v\n%s", err, out)
		}
		if out, err := runCLI(t, e.URL, "jobs", "purge", "--older-than", "1m"); err != nil || !strings.HasPrefix(out, "purged 0 ") {
			t.Fatalf("purge with nothing to purge: %v\n%s", err, out)
		}
		if _, err := runCLI(t, e.URL, "jobs", "frobnicate"); err == nil || !strings.Contains(err.Error(), "usage: cascade jobs list") {
			t.Fatalf("unknown jobs command: %v", err)
		}
	})
}

func TestJobRetentionSetting(t *testing.T) {
	for _, bad := range []string{"forever", "-1h"} {
		env := map[string]string{"CASCADE_DATABASE_URL": "sqlite:" + t.TempDir() + "/c.db", "CASCADE_JOB_RETENTION": bad}
		_, err := runCLIEnv(t, env, "serve", "--addr", "127.0.0.1:0")
		if err == nil || !strings.Contains(err.Error(), "CASCADE_JOB_RETENTION") {
			t.Errorf("serve with CASCADE_JOB_RETENTION=%q: %v, want a startup error", bad, err)
		}
	}
	out, err := runCLI(t, "", "help")
	if err != nil || !strings.Contains(out, "\n  jobs ") {
		t.Fatalf("help does not list jobs: %v\n%s", err, out)
	}
}
