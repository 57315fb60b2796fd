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
}

// withLease returns ctx carrying the lease of j for its handler.
func withLease(ctx context.Context, j *domain.Job) (context.Context, *runLease) {
	l := &runLease{job: j}
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
	l.completed = true
	return nil
}
