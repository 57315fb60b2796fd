package jobs

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// maxDueJobs bounds one RunDue: handlers that keep enqueueing jobs due at once would
// otherwise keep it going for ever.
const maxDueJobs = 10000

// RunDue delivers, before it returns, every job of the runner's kinds that is due at
// the clock's current time: it claims and runs them (up to Workers at once) until
// none is left, then waits for the due jobs other workers (this process's poll loop,
// another node) are running, for at most one run's Timeout. Jobs the runs enqueue
// due at once are delivered too; a job retried later is not. It returns how many jobs
// it ran. The test clock calls it after each step of an advance.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	ran := 0
	var giveUp <-chan time.Time // set while waiting for other workers' runs
	for ran < maxDueJobs {
		now := r.clock.Now()
		jobs, err := r.db.ClaimJobs(ctx, r.opts.Owner, r.kinds, r.opts.Workers, now, now.Add(r.opts.Lease))
		if err != nil {
			return ran, err
		}
		if len(jobs) > 0 {
			var (
				wg      sync.WaitGroup
				chained atomic.Int64
				// Each run may claim the next job as it completes; together they
				// stay within maxDueJobs.
				budget = max(1, (maxDueJobs-ran)/len(jobs))
			)
			for _, j := range jobs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					chained.Add(int64(r.runChain(ctx, ctx, j, budget, nil)))
				}()
			}
			wg.Wait()
			ran += int(chained.Load())
			giveUp = nil
			continue
		}
		busy, err := r.db.Reader().HasLeasedJobs(ctx, r.kinds, now)
		if err != nil || !busy {
			return ran, err
		}
		// Another worker runs a due job: its outcome may enqueue more work that is
		// due now, so wait for it, as long as one run may take.
		if giveUp == nil {
			giveUp = time.After(r.opts.Timeout)
		}
		select {
		case <-ctx.Done():
			return ran, ctx.Err()
		case <-giveUp:
			return ran, nil
		case <-time.After(10 * time.Millisecond):
		}
	}
	return ran, nil
}

// NextRunAt returns the earliest instant after after at which a pending job of the
// runner's kinds falls due, and whether there is one.
func (r *Runner) NextRunAt(ctx context.Context, after time.Time) (time.Time, bool, error) {
	return r.db.Reader().NextJobRunAt(ctx, r.kinds, after)
}
