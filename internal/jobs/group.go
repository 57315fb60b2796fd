package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Jobs of one kind that a worker claimed together may run as one group: the kind's
// GroupHandler gets them at once, reads what they need together, and records the
// outcomes of those that succeeded in one transaction (CompleteGroupIn), which
// claims the worker's next jobs, where each job would take a transaction, and
// round trips, of its own. The group's jobs are still recorded one by one: each
// ends as its own run would have (completed, retried, failed), and a handler may
// run any of them alone under Member, as its Handler would.

// ErrNotRun is what a group handler returns as the error of a job it did not
// start, the group's time having run short: the job goes back to the queue unrun,
// due as it was and its attempt not counted.
var ErrNotRun = errors.New("jobs: not run: the group's time ran short")

// Outcome is how a group handler's run of one job ended, as a Handler returns it.
type Outcome struct {
	Result json.RawMessage
	Err    error
}

// GroupHandler runs jobs of one kind claimed together and returns the outcome of
// each, in their order. The jobs' leases are held for the group's run, which may
// last Options.Timeout for each job, within the leases.
type GroupHandler func(ctx context.Context, jobs []Job) []Outcome

// HandleGroup has the jobs of kind that a worker claims together run as one group
// by h. The kind's Handler (Handle) still runs a job claimed alone.
func (r *Runner) HandleGroup(kind string, h GroupHandler) {
	r.groups[kind] = h
}

// groupLease is the leases of a group's jobs, by id, and how the group's
// completion claims the worker's next jobs (claim, nil for none) with what it
// claimed (next), the worker's once that completion has committed.
type groupLease struct {
	members map[string]*runLease
	claim   *nextClaim
	next    []*domain.Job
}

// groupKey is the context key of a group run's leases.
type groupKey struct{}

// Member returns ctx for the run of j alone within the group run of ctx: a
// handler's CompleteIn under it completes j in its transaction. Outside a group
// run, or for a job not of the group, it returns ctx.
func Member(ctx context.Context, j Job) context.Context {
	g, ok := ctx.Value(groupKey{}).(*groupLease)
	if !ok {
		return ctx
	}
	l, ok := g.members[j.ID]
	if !ok {
		return ctx
	}
	return context.WithValue(ctx, leaseKey{}, l)
}

// Done is a job of a group that succeeded with Result.
type Done struct {
	Job    Job
	Result json.RawMessage
}

// CompleteGroupIn records in tx, the group handler's write transaction, that the
// jobs done of the group the runner runs with ctx succeeded, and claims the
// worker's next jobs there. The jobs are the handler's as done only once tx has
// committed; should it not, the handler may still run them alone (Member). It
// fails with store.ErrLeaseLost when one job's lease has passed to another worker:
// tx must roll back. Outside a group run it does nothing.
func CompleteGroupIn(ctx context.Context, tx *store.Conn, done []Done, now time.Time) error {
	g, ok := ctx.Value(groupKey{}).(*groupLease)
	if !ok || len(done) == 0 {
		return nil
	}
	leases := make([]*runLease, 0, len(done))
	for _, d := range done {
		l, ok := g.members[d.Job.ID]
		if !ok {
			return fmt.Errorf("jobs: job %s is not of the group", d.Job.ID)
		}
		if err := tx.CompleteLeasedJob(ctx, l.job, d.Result, now); err != nil {
			return err
		}
		leases = append(leases, l)
	}
	next, err := g.claim.in(ctx, tx, now)
	if err != nil {
		return err
	}
	tx.AfterCommit(func() {
		for _, l := range leases {
			l.completed, l.next = true, nil
		}
		g.next = append(g.next, *next...)
	})
	return nil
}

// nextGroup splits queue into the jobs to run next and the rest: its first job
// and, when its kind has a group handler, every other queued job of that kind
// that is still within its attempts (one beyond them is failed alone, by run).
func (r *Runner) nextGroup(queue []*domain.Job) (group, rest []*domain.Job) {
	first := queue[0]
	if r.groups[first.Kind] == nil || first.Attempts > first.MaxAttempts {
		return queue[:1], queue[1:]
	}
	group = []*domain.Job{first}
	for _, j := range queue[1:] {
		if j.Kind == first.Kind && j.Attempts <= j.MaxAttempts {
			group = append(group, j)
		} else {
			rest = append(rest, j)
		}
	}
	return group, rest
}

// runGroup runs group, jobs of one kind, by its group handler and records each
// one's outcome; it returns the jobs the group's completion claimed. The run may
// take Options.Timeout for each job, but ends before the first of their leases
// does, less one Timeout (the time runChain leaves them at least).
func (r *Runner) runGroup(hard context.Context, group []*domain.Job, claim *nextClaim) []*domain.Job {
	g := &groupLease{members: make(map[string]*runLease, len(group)), claim: claim}
	jobs := make([]Job, len(group))
	budget := r.opts.Timeout * time.Duration(len(group))
	for i, j := range group {
		g.members[j.ID] = &runLease{job: j}
		jobs[i] = *j
		budget = min(budget, j.LeaseUntil.Sub(r.clock.Now())-r.opts.Timeout)
	}
	ctx, stop := context.WithTimeout(context.WithValue(hard, groupKey{}, g), max(budget, r.opts.Timeout))
	started := time.Now()
	outs := callGroup(ctx, r.groups[group[0].Kind], jobs)
	each := time.Since(started) / time.Duration(len(group))
	stop()
	for i, j := range group {
		r.settle(hard, j, outs[i].Result, outs[i].Err, g.members[j.ID].completed, each)
	}
	return g.next
}

// callGroup runs h on jobs, turning a panic, or outcomes that do not match the
// jobs, into a permanent error of every job.
func callGroup(ctx context.Context, h GroupHandler, jobs []Job) (outs []Outcome) {
	defer func() {
		if p := recover(); p != nil {
			outs = failEvery(len(jobs), Permanent(fmt.Errorf("group handler panicked: %v", p)))
		}
	}()
	outs = h(ctx, jobs)
	if len(outs) != len(jobs) {
		return failEvery(len(jobs), Permanent(fmt.Errorf("group handler returned %d outcomes for %d jobs",
			len(outs), len(jobs))))
	}
	return outs
}

// failEvery returns n outcomes failed with err.
func failEvery(n int, err error) []Outcome {
	outs := make([]Outcome, n)
	for i := range outs {
		outs[i].Err = err
	}
	return outs
}
