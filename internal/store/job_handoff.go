package store

import (
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// JobHandoff gives a job to a worker of this process as the transaction that causes
// it writes it (jobs.Runner): the job is written already leased to that worker,
// which starts it once the transaction has committed. A job a worker claimed from
// the queue costs a transaction of its own, the claim; one handed over this way
// costs none, and starts without waiting for the runner to look. Leased like a
// claimed job, it goes back to the queue the same ways: its lease runs out when the
// process dies before it ends.
type JobHandoff interface {
	// ReserveWorker takes a free worker for a job of kind that is due now; ok is
	// false when none is free, or the process runs no job of kind.
	ReserveWorker(kind string) (w ReservedWorker, ok bool)
}

// ReservedWorker is a worker taken for one job until the transaction writing the
// job ends, which then calls exactly one of Start and Cancel.
type ReservedWorker interface {
	// Lease is what the job is written with: its owner and the end of its lease.
	Lease() (owner string, until time.Time)
	// Start runs j, as written, once its transaction has committed.
	Start(j *domain.Job)
	// Cancel frees the worker: the transaction did not commit.
	Cancel()
}

// jobHandoff holds the DB's JobHandoff, nil until SetJobHandoff.
type jobHandoff struct {
	h atomic.Pointer[JobHandoff]
}

// SetJobHandoff has the jobs that transactions write from now on handed to h when
// it has a worker free (see JobHandoff); nil stops it.
func (db *DB) SetJobHandoff(h JobHandoff) {
	if h == nil {
		db.handoff.h.Store(nil)
		return
	}
	db.handoff.h.Store(&h)
}

// handedJob is a job c's transaction wrote leased to a reserved worker.
type handedJob struct {
	job    *domain.Job
	worker ReservedWorker
}

// handOff reserves a worker for j, due now, when the DB has a handoff and one is
// free, and then sets j's lease: the INSERT writes it running, its first attempt
// begun. It reports whether it did.
func (c *Conn) handOff(j *domain.Job) bool {
	h := c.db.handoff.h.Load()
	if h == nil || c.tx == nil || j.RunAt.After(j.CreatedAt) {
		return false
	}
	w, ok := (*h).ReserveWorker(j.Kind)
	if !ok {
		return false
	}
	j.LeaseOwner, j.LeaseUntil = w.Lease()
	c.handed = append(c.handed, handedJob{job: j, worker: w})
	return true
}

// settleHandoffs starts the jobs c's transaction handed to workers when it
// committed, and frees those workers when it did not.
func (c *Conn) settleHandoffs(committed bool) {
	for _, h := range c.handed {
		if committed {
			h.worker.Start(h.job)
		} else {
			h.worker.Cancel()
		}
	}
	c.handed = nil
}
