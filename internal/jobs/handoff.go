package jobs

import (
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// ReserveWorker takes a free worker for a job of kind that a transaction is writing
// (store.JobHandoff): the job is written leased to this runner, and the worker runs
// it once the transaction has committed, as if the poll loop had claimed it. It
// fails while the runner is not running, for a kind without a handler, and when
// every worker is taken.
func (r *Runner) ReserveWorker(kind string) (store.ReservedWorker, bool) {
	live := r.live.Load()
	if live == nil || live.ctx.Err() != nil || r.handlers[kind] == nil || r.acquire(1) == 0 {
		return nil, false
	}
	return &reservedWorker{r: r, live: live, until: r.clock.Now().Add(r.opts.Lease)}, true
}

// reservedWorker is a worker taken by ReserveWorker; its transaction calls Start or
// Cancel once.
type reservedWorker struct {
	r     *Runner
	live  *liveRun
	until time.Time
	ended atomic.Bool
}

func (w *reservedWorker) Lease() (string, time.Time) { return w.r.opts.Owner, w.until }

// Start runs a copy of j on the worker, so the job the transaction's writer built
// stays its own. Were the runner stopping meanwhile, the run puts the job back in
// the queue instead (runChain).
func (w *reservedWorker) Start(j *domain.Job) {
	if w.ended.Swap(true) {
		return
	}
	run := *j
	go w.r.work(w.live.ctx, w.live.hard, &run)
}

// Cancel gives the worker back.
func (w *reservedWorker) Cancel() {
	if !w.ended.Swap(true) {
		w.r.release(1)
	}
}
