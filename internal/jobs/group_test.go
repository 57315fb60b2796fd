package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// groupRunner is a runner of one worker whose "write" jobs run alone by a handler
// that completes each in its own transaction, and claimed together by a group
// handler that completes those it does not fail in one transaction. Each run,
// alone or grouped, is recorded in order.
type groupRunner struct {
	*jobs.Runner
	mu     sync.Mutex
	alone  []string
	groups [][]string
	// fail, when it has an error for a job's id, fails that job's next run in a
	// group.
	fail map[string]error
	// rollBack fails the group's transaction after its completion, once for each
	// true in turn; with each it then completes every job alone (jobs.Member).
	rollBack []bool
}

func newGroupRunner(db *store.DB, clock domain.Clock) *groupRunner {
	opts := fastOptions("worker")
	opts.Workers = 1
	g := &groupRunner{Runner: jobs.NewRunner(db, clock, opts), fail: map[string]error{}}
	complete := func(ctx context.Context) error {
		return db.InTx(ctx, func(tx *store.Conn) error { return jobs.CompleteIn(ctx, tx, nil, clock.Now()) })
	}
	g.Handle("write", func(ctx context.Context, j jobs.Job) (json.RawMessage, error) {
		g.mu.Lock()
		g.alone = append(g.alone, j.ID)
		g.mu.Unlock()
		return nil, complete(ctx)
	})
	g.HandleGroup("write", func(ctx context.Context, group []jobs.Job) []jobs.Outcome {
		g.mu.Lock()
		ids := make([]string, len(group))
		for i, j := range group {
			ids[i] = j.ID
		}
		g.groups = append(g.groups, ids)
		rollBack := len(g.rollBack) > 0
		aloneAfter := rollBack && g.rollBack[0]
		if rollBack {
			g.rollBack = g.rollBack[1:]
		}
		outs := make([]jobs.Outcome, len(group))
		var done []jobs.Done
		for i, j := range group {
			if outs[i].Err = g.fail[j.ID]; outs[i].Err == nil {
				done = append(done, jobs.Done{Job: j, Result: json.RawMessage(`"grouped"`)})
			}
			delete(g.fail, j.ID)
		}
		g.mu.Unlock()
		errRolledBack := errors.New("rolled back")
		err := db.InTx(ctx, func(tx *store.Conn) error {
			if err := jobs.CompleteGroupIn(ctx, tx, done, clock.Now()); err != nil {
				return err
			}
			if rollBack {
				return errRolledBack
			}
			return nil
		})
		if err == nil {
			return outs
		}
		for i, j := range group {
			switch {
			case outs[i].Err != nil:
			case aloneAfter:
				outs[i].Err = complete(jobs.Member(ctx, j))
			default:
				outs[i].Err = err
			}
		}
		return outs
	})
	return g
}

// groupQueue opens a database on e with n "write" jobs due on a test clock, and a
// groupRunner of one worker for them.
func groupQueue(t *testing.T, e storetest.Engine, n int) (*store.DB, *domain.TestClock, *groupRunner, []string) {
	t.Helper()
	db, clock, ids := writesQueue(t, e, n)
	return db, clock, newGroupRunner(db, clock), ids
}

// wantRetried checks that each of ids is pending after one attempt, due later,
// with the error message.
func wantRetried(t *testing.T, db *store.DB, clock domain.Clock, message string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if j := mustFind(t, db, id); j.Status != domain.JobStatusPending || j.Attempts != 1 ||
			!j.RunAt.After(clock.Now()) || j.FailureMessage != message {
			t.Errorf("job %s = %s after %d attempts due %v (%q), want pending after 1, due later, with %q", id,
				j.Status, j.Attempts, j.RunAt, j.FailureMessage, message)
		}
	}
}

// runGroups runs every due job through g and reports how the jobs ran.
func (g *groupRunner) runGroups(t *testing.T) (alone []string, groups [][]string) {
	t.Helper()
	if _, err := g.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.alone, g.groups
}

// wantJobs checks that each of ids ended as status after one attempt.
func wantJobs(t *testing.T, db *store.DB, status domain.JobStatus, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if j := mustFind(t, db, id); j.Status != status || j.Attempts != 1 {
			t.Errorf("job %s = %s after %d attempts, want %s after 1", id, j.Status, j.Attempts, status)
		}
	}
}

// TestGroupRunsJobsClaimedTogether runs a queue through one busy worker: its first
// job, claimed alone, runs alone; its completion claims the next ClaimAhead, which
// run as one group, whose one completion claims as many after; every job
// completes once, in the queue's order.
func TestGroupRunsJobsClaimedTogether(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		n := jobs.ClaimAhead
		db, _, g, ids := groupQueue(t, e, 2*n+1)
		alone, groups := g.runGroups(t)
		if !slices.Equal(alone, ids[:1]) || len(groups) != 2 || !slices.Equal(groups[0], ids[1:n+1]) ||
			!slices.Equal(groups[1], ids[n+1:]) {
			t.Fatalf("ran %v alone and %v in groups, want %v, then %v and %v", alone, groups, ids[:1], ids[1:n+1],
				ids[n+1:])
		}
		wantJobs(t, db, domain.JobStatusCompleted, ids...)
		if j := mustFind(t, db, ids[3]); string(j.Result) != `"grouped"` {
			t.Errorf("job 3's result = %s, want the group's", j.Result)
		}
	})
}

// TestGroupRecordsEachOutcome fails two jobs of a group, one to be retried and one
// for good, and leaves one unrun: each is recorded as its run alone would be, the
// one left goes back to the queue without an attempt counted and runs again, and
// the others of the group complete.
func TestGroupRecordsEachOutcome(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db, clock, g, ids := groupQueue(t, e, jobs.ClaimAhead+1)
		last := ids[len(ids)-1]
		g.fail[ids[2]] = errors.New("the vendor did not answer")
		g.fail[ids[3]] = jobs.Permanent(errors.New("refused"))
		g.fail[last] = jobs.ErrNotRun
		alone, groups := g.runGroups(t)
		if !slices.Equal(groups[0], ids[1:]) || !slices.Contains(alone, last) {
			t.Fatalf("ran %v alone and %v in groups, want %v in a group and %s again alone", alone, groups,
				ids[1:], last)
		}
		wantJobs(t, db, domain.JobStatusCompleted, append([]string{ids[0], ids[1]}, ids[4:]...)...)
		wantJobs(t, db, domain.JobStatusFailed, ids[3])
		wantRetried(t, db, clock, "the vendor did not answer", ids[2])
	})
}

// TestGroupRolledBack rolls a group's transaction back after its completion: the
// group's jobs are not taken for done, nor are the jobs its completion claimed
// taken for the worker's. The first group's jobs are then completed alone, each
// in a transaction of its own; the second's are left to be retried.
func TestGroupRolledBack(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		n := jobs.ClaimAhead
		db, clock, g, ids := groupQueue(t, e, 2*n+1)
		g.rollBack = []bool{true, false}
		alone, groups := g.runGroups(t)
		// The first group completed alone, claiming nothing, so the next job was
		// claimed alone; its completion claimed the rest, whose group rolled back
		// and left them to be retried.
		if !slices.Equal(alone, []string{ids[0], ids[n+1]}) || len(groups) != 2 || !slices.Equal(groups[0], ids[1:n+1]) ||
			!slices.Equal(groups[1], ids[n+2:]) {
			t.Fatalf("ran %v alone and %v in groups, want %v and %v alone, %v and %v in groups", alone, groups,
				ids[0], ids[n+1], ids[1:n+1], ids[n+2:])
		}
		wantJobs(t, db, domain.JobStatusCompleted, ids[:n+2]...)
		wantRetried(t, db, clock, "rolled back", ids[n+2:]...)
	})
}

// TestGroupHandlerPanics fails every job of a group whose handler panics, for
// good, as a panicking handler fails its one job.
func TestGroupHandlerPanics(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db, _, g, ids := groupQueue(t, e, 3)
		g.HandleGroup("write", func(context.Context, []jobs.Job) []jobs.Outcome { panic("boom") })
		g.runGroups(t)
		wantJobs(t, db, domain.JobStatusCompleted, ids[0])
		for _, id := range ids[1:] {
			if j := mustFind(t, db, id); j.Status != domain.JobStatusFailed || j.FailureMessage == "" {
				t.Errorf("job %s = %s (%q), want failed with the panic", id, j.Status, j.FailureMessage)
			}
		}
	})
}
