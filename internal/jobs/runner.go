// Package jobs runs Cascade's durable job queue: handlers registered by kind, a poll
// loop that leases due jobs from the database, a pool of workers, retries with
// exponential backoff and jitter, and a clean shutdown. Jobs are written by the
// service layer inside the transaction of the change that causes them
// (store.Conn.EnqueueJob); this package only delivers them. See docs/jobs.md.
package jobs

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Job is a job as a handler receives it.
type Job = domain.Job

// Handler runs one job and returns its result, stored as the job's result JSON. An
// error marked Permanent, or a domain error other than internal or unavailable, ends
// the job as failed at once; any other error is retried until the job's attempts
// run out. The context ends when the job's timeout passes or the runner gives up
// waiting at shutdown; a handler must return soon after.
type Handler func(ctx context.Context, job Job) (result json.RawMessage, err error)

// Options tune a Runner; zero values take the defaults.
type Options struct {
	Workers       int           // handlers running at once; default 4
	PollInterval  time.Duration // how often the queue is polled without a Wake; default 200ms
	Lease         time.Duration // how long a claimed job stays leased; default 5 minutes
	Timeout       time.Duration // how long one run may take; default 1 minute, kept below Lease
	RetryBase     time.Duration // delay before the first retry; default 1 second
	RetryMax      time.Duration // the longest delay between retries; default 1 hour
	ShutdownGrace time.Duration // how long shutdown waits for running handlers; default 10 seconds
	Owner         string        // names this runner in leases; default host, pid and a random suffix
	Logger        *slog.Logger
	// Observe, when set, is told of every run of a handler: the job's kind, how the
	// run ended (completed, retry, failed, released at shutdown, lease_lost) and
	// how long the handler took, its own transaction included.
	Observe func(kind, outcome string, d time.Duration)
}

func (o *Options) defaults() {
	if o.Workers < 1 {
		o.Workers = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Minute
	}
	// A run must end well before its lease does, or another node could take the job
	// over while it still runs; so there is no lease renewal to get wrong.
	if o.Timeout > o.Lease/2 {
		o.Timeout = o.Lease / 2
	}
	if o.RetryBase <= 0 {
		o.RetryBase = time.Second
	}
	if o.RetryMax <= 0 {
		o.RetryMax = time.Hour
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 10 * time.Second
	}
	if o.Owner == "" {
		o.Owner = defaultOwner()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// defaultOwner names this process uniquely: a restarted process must not take its
// predecessor's leases for its own.
func defaultOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Runner delivers the jobs of the kinds it has handlers for. Register handlers with
// Handle before Run.
type Runner struct {
	db       *store.DB
	clock    domain.Clock
	opts     Options
	log      *slog.Logger
	handlers map[string]Handler
	groups   map[string]GroupHandler // the kinds whose jobs claimed together run as one (group.go)
	kinds    []string
	wake     chan struct{}
	// busy says every worker was running a job when the poll loop last claimed: a
	// completion then claims its worker's next job in its own transaction
	// (CompleteIn). With a worker to spare, the poll loop claims a woken job at
	// once itself, so that claim would find nothing, or race it for the job.
	busy atomic.Bool
	// inUse counts the workers taken: running a job, or reserved for a job a
	// transaction is writing (ReserveWorker). It never passes opts.Workers (acquire).
	inUse atomic.Int64
	// freed signals the poll loop, and the drain at shutdown, that a worker was
	// given back; one pending signal stands for any number.
	freed chan struct{}
	// live is the run in progress, nil before Run and once it stops claiming: only
	// then are workers reserved for jobs handed over at commit (handoff.go).
	live atomic.Pointer[liveRun]
}

// liveRun is what a job handed over at commit runs under: Run's context, which
// ends claiming, and the one its handlers keep through the shutdown's grace.
type liveRun struct {
	ctx, hard context.Context
}

// NewRunner returns a runner over db reading time from clock.
func NewRunner(db *store.DB, clock domain.Clock, opts Options) *Runner {
	opts.defaults()
	return &Runner{db: db, clock: clock, opts: opts, log: opts.Logger, handlers: map[string]Handler{},
		groups: map[string]GroupHandler{}, wake: make(chan struct{}, 1), freed: make(chan struct{}, 1)}
}

// Handle registers h for jobs of kind. Only jobs of registered kinds are claimed, so
// a node that does not know a kind yet (during a rolling upgrade) leaves it to one
// that does.
func (r *Runner) Handle(kind string, h Handler) {
	if _, ok := r.handlers[kind]; !ok {
		r.kinds = append(r.kinds, kind)
		sort.Strings(r.kinds)
	}
	r.handlers[kind] = h
}

// Wake asks the poll loop to look for due jobs now rather than at its next tick.
// Callers poke it after committing a job, so the job starts at once; it never blocks.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// Run delivers jobs until ctx ends, then stops claiming, waits up to ShutdownGrace
// for running handlers, cancels those still running (their jobs go back to the
// queue) and returns.
func (r *Runner) Run(ctx context.Context) {
	ctx = store.Background(ctx) // the handlers' statements give way to requests on SQLite
	// Handlers outlive ctx during the grace period; hard ends them after it.
	hard, stopHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopHandlers()
	ticker := time.NewTicker(r.opts.PollInterval)
	defer ticker.Stop()
	r.live.Store(&liveRun{ctx: ctx, hard: hard})
	var (
		woken bool // a job was committed since the last claim
		// look says due jobs may be waiting: at the start, at each tick and wake,
		// and after a claim that filled every free worker. A job's end makes none
		// due (a subscription's next operation is written by the outcome that
		// ends its last, which wakes the runner), so it costs no query.
		look = true
	)
	for ctx.Err() == nil {
		if look && r.inUse.Load() < int64(r.opts.Workers) {
			look, woken = r.poll(ctx, hard, woken), false
		}
		r.busy.Store(r.inUse.Load() >= int64(r.opts.Workers))
		select {
		case <-ctx.Done():
		case <-ticker.C:
			look = true
		case <-r.wake:
			woken, look = true, true
		case <-r.freed:
		}
	}
	r.live.Store(nil)
	r.drain(stopHandlers)
}

// poll claims due jobs for the free workers and starts them, and reports whether
// more may be due: its claim filled every worker it had. The workers are taken
// only for the claim, after the read that finds jobs due (due), so that meanwhile
// they stay free for jobs handed over at commit; were they all taken by then, it
// looks again when one is given back.
func (r *Runner) poll(ctx, hard context.Context, woken bool) bool {
	if !r.due(ctx, woken) {
		return false
	}
	free := r.acquire(r.opts.Workers)
	if free == 0 {
		return true
	}
	jobs := r.claim(ctx, free)
	r.release(free - len(jobs))
	for _, j := range jobs {
		go r.work(ctx, hard, j)
	}
	return len(jobs) == free
}

// work runs j and the jobs its completions claim on a worker taken for it, and
// gives the worker back.
func (r *Runner) work(ctx, hard context.Context, j *domain.Job) {
	defer r.release(1)
	r.runChain(ctx, hard, j, 0, r.busy.Load)
}

// acquire takes up to n free workers and returns how many it took.
func (r *Runner) acquire(n int) int {
	for {
		used := r.inUse.Load()
		take := min(int64(n), int64(r.opts.Workers)-used)
		if take <= 0 {
			return 0
		}
		if r.inUse.CompareAndSwap(used, used+take) {
			return int(take)
		}
	}
}

// release gives back n workers and tells the poll loop.
func (r *Runner) release(n int) {
	if n <= 0 {
		return
	}
	r.inUse.Add(int64(-n))
	select {
	case r.freed <- struct{}{}:
	default: // a signal is pending already
	}
}

// drain waits for the running handlers at shutdown, and for the transactions that
// reserved a worker to commit or not: up to the grace period, then, after
// cancelling the handlers, up to as long again for them to hand their jobs back.
func (r *Runner) drain(stopHandlers context.CancelFunc) {
	grace := time.NewTimer(r.opts.ShutdownGrace)
	defer grace.Stop()
	cancelled := false
	for r.inUse.Load() > 0 {
		select {
		case <-r.freed:
		case <-grace.C:
			if cancelled {
				r.log.Warn("jobs: handlers still running at shutdown; their leases will expire",
					"count", r.inUse.Load())
				return
			}
			cancelled = true
			stopHandlers()
			grace.Reset(r.opts.ShutdownGrace)
		}
	}
}

// due reports whether jobs may be due: a job was committed since the last claim
// (woken), or the queue has one due, asked without locking, so an idle queue costs
// no write transaction per poll (on SQLite that would take the one write lock five
// times a second). A database error is logged, and the next poll asks again.
func (r *Runner) due(ctx context.Context, woken bool) bool {
	if woken {
		return true
	}
	due, err := r.db.Reader().HasDueJobs(ctx, r.kinds, r.clock.Now())
	if err != nil && ctx.Err() == nil {
		r.log.Warn("jobs: claim", "err", err)
	}
	return due
}

// claim leases up to n due jobs; a database error is logged and retried at the next
// poll.
func (r *Runner) claim(ctx context.Context, n int) []*domain.Job {
	now := r.clock.Now()
	jobs, err := r.db.ClaimJobs(ctx, r.opts.Owner, r.kinds, n, now, now.Add(r.opts.Lease))
	if err != nil && ctx.Err() == nil {
		r.log.Warn("jobs: claim", "err", err)
	}
	return jobs
}

// ClaimAhead is how many jobs a busy worker's completion claims at once: it runs
// them one after the other, or as one group (group.go), and claims again as the
// last of them completes. Every claim walks the queue's index past the entries of
// jobs just claimed, whose rows are dead but not yet removable, so one claim of
// several costs about what a claim of one does.
const ClaimAhead = 8

// runChain runs j, then each job a completion claimed in its place (CompleteIn),
// until one claims none or limit jobs ran (0: no limit), and returns how many it
// ran. Jobs claimed together of a kind with a group handler run as one group
// (group.go). A completion claims only while along reports true (nil: always), and
// only once the jobs claimed before have run. Once ctx ends, no more are claimed,
// and the jobs claimed already go back to the queue unrun; so does a claimed job
// whose lease would end before a run started now could (Options.Timeout), having
// waited behind the others.
func (r *Runner) runChain(ctx, hard context.Context, j *domain.Job, limit int, along func() bool) int {
	ran := 0
	for queue := []*domain.Job{j}; len(queue) > 0; {
		var group []*domain.Job
		group, queue = r.nextGroup(queue)
		if ctx.Err() != nil {
			r.giveBack(hard, append(group, queue...))
			return ran
		}
		if ran > 0 {
			group = r.keepLeased(hard, group)
		}
		if len(group) == 0 {
			continue
		}
		ran += len(group)
		var claim *nextClaim
		if len(queue) == 0 && (limit == 0 || ran < limit) {
			n := ClaimAhead
			if limit > 0 {
				n = min(n, limit-ran)
			}
			claim = &nextClaim{owner: r.opts.Owner, kinds: r.kinds, limit: n, lease: r.opts.Lease, when: along}
		}
		var next []*domain.Job
		if len(group) == 1 {
			next = r.run(hard, group[0], claim)
		} else {
			next = r.runGroup(hard, group, claim)
		}
		// A claim's answer need not come in the queue's order; its jobs run in it.
		slices.SortFunc(next, func(a, b *domain.Job) int {
			return cmp.Or(a.RunAt.Compare(b.RunAt), cmp.Compare(a.ID, b.ID))
		})
		queue = append(queue, next...)
	}
	return ran
}

// keepLeased returns the jobs of group whose leases last long enough for a run
// started now, and gives the others back.
func (r *Runner) keepLeased(hard context.Context, group []*domain.Job) []*domain.Job {
	var kept, late []*domain.Job
	for _, j := range group {
		if r.clock.Now().Add(r.opts.Timeout).Before(j.LeaseUntil) {
			kept = append(kept, j)
		} else {
			late = append(late, j)
		}
	}
	r.giveBack(hard, late)
	return kept
}

// giveBack hands leased jobs back to the queue unrun, due as they were, their
// attempts not counted.
func (r *Runner) giveBack(hard context.Context, jobs []*domain.Job) {
	if len(jobs) == 0 {
		return // a group whose leases all last: no timer to start
	}
	rec, cancel := context.WithTimeout(context.WithoutCancel(hard), 30*time.Second)
	defer cancel()
	for _, j := range jobs {
		r.record(r.log.With("job_id", j.ID, "kind", j.Kind), r.db.ReleaseJob(rec, j, r.clock.Now()))
	}
}

// run runs one leased job and records its outcome. With claim, a handler that
// completes the job in its own transaction claims the worker's next jobs there,
// which run returns.
func (r *Runner) run(hard context.Context, j *domain.Job, claim *nextClaim) (next []*domain.Job) {
	if j.Attempts > j.MaxAttempts {
		r.abandon(hard, j)
		return nil
	}
	ctx, stop := context.WithTimeout(hard, r.opts.Timeout)
	ctx, lease := withLease(ctx, j, claim)
	started := time.Now()
	result, err := call(ctx, r.handlers[j.Kind], *j)
	ran := time.Since(started)
	stop()
	r.settle(hard, j, result, err, lease.completed, ran)
	if err == nil && lease.completed {
		return lease.next
	}
	return nil
}

// abandon fails j, a job every attempt of which so far ended with its worker gone
// (a crash, a kill): the job itself is the likely cause, so it is not run again.
func (r *Runner) abandon(hard context.Context, j *domain.Job) {
	rec, cancel := context.WithTimeout(context.WithoutCancel(hard), 30*time.Second)
	defer cancel()
	log := r.log.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	msg := fmt.Sprintf("abandoned: %d attempts ended without an outcome", j.MaxAttempts)
	log.Error("jobs: failed", "err", msg)
	r.record(log, r.db.FailJob(rec, j, msg, r.clock.Now()))
}

// settle records how a run of j that took ran ended: the handler's result and
// error, and whether it completed the job in its own transaction (CompleteIn).
func (r *Runner) settle(hard context.Context, j *domain.Job, result json.RawMessage, err error, completed bool,
	ran time.Duration) {
	log := r.log.With("job_id", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	// Recording the outcome must not be cut short by the shutdown that cancels the
	// handler, or a finished job would run again.
	rec, cancel := context.WithTimeout(context.WithoutCancel(hard), 30*time.Second)
	defer cancel()
	now := r.clock.Now()
	outcome := "completed"
	defer func() { r.observe(j.Kind, outcome, ran) }()
	switch {
	case err == nil && completed:
		// The handler recorded the job's success with its own changes (CompleteIn).
	case err == nil:
		r.record(log, r.db.CompleteJob(rec, j, result, now))
	case errors.Is(err, store.ErrLeaseLost):
		outcome = "lease_lost"
		r.record(log, err)
	case errors.Is(err, ErrNotRun):
		outcome = "released"
		r.record(log, r.db.ReleaseJob(rec, j, now))
	case hard.Err() != nil:
		outcome = "released"
		log.Info("jobs: released at shutdown", "err", err)
		r.record(log, r.db.ReleaseJob(rec, j, now))
	case IsPermanent(err) || j.Attempts >= j.MaxAttempts:
		outcome = "failed"
		log.Error("jobs: failed", "err", err)
		r.record(log, r.db.FailJob(rec, j, err.Error(), now))
	default:
		outcome = "retry"
		delay, chosen := retryDelay(err)
		if !chosen {
			delay = Backoff(j.Attempts, r.opts.RetryBase, r.opts.RetryMax)
		}
		log.Warn("jobs: will retry", "err", err, "in", delay)
		r.record(log, r.db.RetryJob(rec, j, now.Add(delay), err.Error(), now))
	}
}

// observe tells Options.Observe of a handler's run, when it is set.
func (r *Runner) observe(kind, outcome string, d time.Duration) {
	if r.opts.Observe != nil {
		r.opts.Observe(kind, outcome, d)
	}
}

func (r *Runner) record(log *slog.Logger, err error) {
	if err != nil {
		// ErrLeaseLost: the lease expired and another worker owns the job now; its
		// outcome stands. Anything else: the lease will expire and the job run again.
		log.Warn("jobs: outcome not recorded", "err", err)
	}
}

// call runs h, turning a panic into a permanent error so one bad job cannot take
// the process down or be retried into doing so again.
func call(ctx context.Context, h Handler, j Job) (result json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = Permanent(fmt.Errorf("handler panicked: %v", p))
		}
	}()
	return h(ctx, j)
}
