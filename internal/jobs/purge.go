package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// DefaultRetention is how long finished jobs are kept when the installation does
// not say otherwise (CASCADE_JOB_RETENTION): long enough for clients to read their
// async tasks and for operators to look into failures.
const DefaultRetention = 30 * 24 * time.Hour

// PurgeOptions tune a Purger; zero values take the defaults.
type PurgeOptions struct {
	Retention time.Duration // finished jobs older than this are deleted; default DefaultRetention
	Interval  time.Duration // between purges; default 1 hour
	// FirstDelay is the wait from Run to the first purge; default 1 minute, so a
	// starting node gets going before it deals with a backlog, and a node that is
	// restarted often still purges.
	FirstDelay time.Duration
	Batch      int // jobs deleted per transaction; default 1,000
	Logger     *slog.Logger
}

func (o *PurgeOptions) defaults() {
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Interval <= 0 {
		o.Interval = time.Hour
	}
	if o.FirstDelay <= 0 {
		o.FirstDelay = time.Minute
	}
	if o.Batch < 1 {
		o.Batch = 1000
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Purger deletes finished (completed or failed) jobs once they are older than the
// retention; pending and running jobs stay whatever their age.
type Purger struct {
	db    *store.DB
	clock domain.Clock
	opts  PurgeOptions
}

// NewPurger returns a purger over db reading time from clock.
func NewPurger(db *store.DB, clock domain.Clock, opts PurgeOptions) *Purger {
	opts.defaults()
	return &Purger{db: db, clock: clock, opts: opts}
}

// Retention is how old a finished job gets before it is deleted.
func (p *Purger) Retention() time.Duration { return p.opts.Retention }

// Purge deletes the jobs that finished more than the retention ago, in batches, and
// returns how many it deleted.
func (p *Purger) Purge(ctx context.Context) (int64, error) {
	return p.db.PurgeFinishedJobs(ctx, p.clock.Now().Add(-p.opts.Retention), p.opts.Batch)
}

// Run purges after FirstDelay and then every Interval until ctx ends. A failed purge
// is logged and tried again at the next one.
func (p *Purger) Run(ctx context.Context) {
	timer := time.NewTimer(p.opts.FirstDelay)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		n, err := p.Purge(ctx)
		if err != nil && ctx.Err() == nil {
			p.opts.Logger.Warn("jobs: purge finished jobs", "err", err, "deleted", n)
		} else if n > 0 {
			p.opts.Logger.Info("jobs: purged finished jobs", "count", n, "retention", p.opts.Retention.String())
		}
		timer.Reset(p.opts.Interval)
	}
}
