package jobs

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// A handler whose work is one write transaction may record the job's success in
// that transaction (CompleteIn), instead of the runner recording it in one more
// afterwards: the outcome and the job's end then commit together or not at all, and
// a run that lost its lease writes nothing, leaving the job to the worker that owns
// it now.

// leaseKey is the context key of the run's lease.
type leaseKey struct{}

// runLease is the lease of the job a handler runs, and whether the handler
// recorded the job's success itself.
type runLease struct {
	job       *domain.Job
	completed bool
	// claim, when set, has CompleteIn claim the worker's next jobs in the handler's
	// transaction, so a busy worker pays no claim transaction of its own per job;
	// next holds the jobs it claimed, which are the worker's once that transaction
	// has committed (the handler returned nil).
	claim *nextClaim
	next  []*domain.Job
}

// nextClaim is how a worker claims its next jobs: up to limit, as owner, of kinds,
// leased for lease, when when, asked as the job completes, reports true (nil:
// always).
type nextClaim struct {
	owner string
	kinds []string
	limit int
	lease time.Duration
	when  func() bool
}

// withLease returns ctx carrying the lease of j for its handler; claim, when not
// nil, lets the handler's completion claim the next job.
func withLease(ctx context.Context, j *domain.Job, claim *nextClaim) (context.Context, *runLease) {
	l := &runLease{job: j, claim: claim}
	return context.WithValue(ctx, leaseKey{}, l), l
}

// CompleteIn records in tx, the handler's write transaction, that the job the runner
// runs with ctx succeeded with result; the handler then returns a nil error once tx
// has committed, and the runner records nothing more. It fails with
// store.ErrLeaseLost when the job's lease has passed to another worker: tx must roll
// back, and the handler return the error. Called outside a run of the runner (a
// handler called directly), it does nothing: its caller records the outcome.
func CompleteIn(ctx context.Context, tx *store.Conn, result json.RawMessage, now time.Time) error {
	l, ok := ctx.Value(leaseKey{}).(*runLease)
	if !ok {
		return nil
	}
	if err := tx.CompleteLeasedJob(ctx, l.job, result, now); err != nil {
		return err
	}
	next, err := l.claim.in(ctx, tx, now)
	if err != nil {
		return err
	}
	// The job is done, and the jobs claimed the worker's, once tx has committed.
	tx.AfterCommit(func() { l.completed, l.next = true, *next })
	return nil
}

// in claims the worker's next jobs in tx at now, as c says, when c is set and its
// when reports true. The slice it returns holds them once tx has committed: they
// are the worker's only then, so their claim needs no answer before, and on
// PostgreSQL it goes in the commit's round trip.
func (c *nextClaim) in(ctx context.Context, tx *store.Conn, now time.Time) (*[]*domain.Job, error) {
	next := new([]*domain.Job)
	if c == nil || (c.when != nil && !c.when()) {
		return next, nil
	}
	err := tx.ClaimNextJobsAlong(ctx, c.owner, c.kinds, c.limit, now, now.Add(c.lease),
		func(j *domain.Job) { *next = append(*next, j) })
	return next, err
}
