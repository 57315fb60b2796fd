package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cascade-billing/cascade/internal/domain"
)

// ErrLeaseLost is returned when a worker records the outcome of a job whose lease
// is no longer its own: the lease expired and another worker took the job over, or
// the job was finished already. The other worker's outcome stands.
var ErrLeaseLost = errors.New("job lease lost")

const jobColumns = `id, kind, reseller_id, payload, status, attempts, max_attempts, run_at, lease_owner,
	lease_until, result, failure_message, created_at, updated_at, finished_at`

func scanJob(s scanner) (*domain.Job, error) {
	var (
		j                                domain.Job
		resellerID, leaseUntil, finished sql.NullInt64
		leaseOwner, result               sql.NullString
		payload, status                  string
		runAt, createdAt, updatedAt      int64
		attempts, maxAttempts            int64
	)
	err := s.Scan(&j.ID, &j.Kind, &resellerID, &payload, &status, &attempts, &maxAttempts, &runAt, &leaseOwner,
		&leaseUntil, &result, &j.FailureMessage, &createdAt, &updatedAt, &finished)
	if err != nil {
		return nil, err
	}
	j.ResellerID, j.Payload, j.Status = resellerID.Int64, json.RawMessage(payload), domain.JobStatus(status)
	j.Attempts, j.MaxAttempts, j.RunAt = int(attempts), int(maxAttempts), fromMicros(runAt)
	j.LeaseOwner = leaseOwner.String
	if leaseUntil.Valid {
		j.LeaseUntil = fromMicros(leaseUntil.Int64)
	}
	if result.Valid {
		j.Result = json.RawMessage(result.String)
	}
	if finished.Valid {
		j.FinishedAt = fromMicros(finished.Int64)
	}
	j.CreatedAt, j.UpdatedAt = fromMicros(createdAt), fromMicros(updatedAt)
	return &j, nil
}

// NewJobID returns a random (version 4) UUID in canonical form.
func NewJobID() string { return uuid.NewString() }

// EnqueueJob writes j as a pending job, or, due at once with a worker of this
// process free for it, as running under that worker's lease, which starts it once
// the transaction has committed (JobHandoff). It must run inside the transaction of
// the change that causes the job (the transactional outbox): the job then exists
// exactly when that change commits. An empty ID gets a new one; a zero RunAt means
// at once (CreatedAt); MaxAttempts below 1 means 1.
func (c *Conn) EnqueueJob(ctx context.Context, j *domain.Job) error {
	return c.insertJob(ctx, j, true)
}

// EnqueueTask is EnqueueJob for a job its client reads as an async task from the
// answer that created it on: it is written pending, as the task's first status is
// documented, and never handed to a worker as it is written (JobHandoff), so the
// answer shows it pending until a claim takes it.
func (c *Conn) EnqueueTask(ctx context.Context, j *domain.Job) error {
	return c.insertJob(ctx, j, false)
}

// insertJob runs j's INSERT now (enqueueJob), handing it over when handOff allows.
func (c *Conn) insertJob(ctx context.Context, j *domain.Job, handOff bool) error {
	q, args := c.enqueueJob(j, handOff)
	if _, err := c.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("enqueue %s job: %w", j.Kind, err)
	}
	return nil
}

// EnqueueJobLater is EnqueueJob sent just before the commit (execLater), for a job
// the transaction does not read: its id is new, so the INSERT cannot clash.
func (c *Conn) EnqueueJobLater(j *domain.Job) error {
	q, args := c.enqueueJob(j, true)
	return c.execLater(q, args...)
}

// EnqueuedJobs is how many jobs the transaction has written or put back in the
// queue (RequeueFailedJob) so far for the runner to claim: a job handed to a worker
// as it was written (JobHandoff) is not among them.
func (c *Conn) EnqueuedJobs() int { return c.enqueued }

// enqueueJob fills in j's defaults (see EnqueueJob), hands it to a worker when
// handOff allows it, one is free and it is due (Conn.handOff), and returns its
// INSERT: pending, or running under the worker's lease.
func (c *Conn) enqueueJob(j *domain.Job, handOff bool) (string, []any) {
	if j.ID == "" {
		j.ID = NewJobID()
	}
	if j.RunAt.IsZero() {
		j.RunAt = j.CreatedAt
	}
	if j.MaxAttempts < 1 {
		j.MaxAttempts = 1
	}
	if len(j.Payload) == 0 {
		j.Payload = json.RawMessage("{}")
	}
	j.Status, j.Attempts, j.UpdatedAt = domain.JobStatusPending, 0, j.CreatedAt
	var owner any
	var until int64
	if handOff && c.handOff(j) {
		j.Status, j.Attempts, owner, until = domain.JobStatusRunning, 1, j.LeaseOwner, micros(j.LeaseUntil)
	} else {
		c.enqueued++
	}
	return `INSERT INTO jobs (id, kind, reseller_id, payload, status, attempts, max_attempts, run_at,
		lease_owner, lease_until, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
		[]any{j.ID, j.Kind, nullable(j.ResellerID), string(j.Payload), string(j.Status), j.Attempts, j.MaxAttempts,
			micros(j.RunAt), owner, nullable(until), micros(j.CreatedAt)}
}

// FindJobByID returns the job with the given id, or a not-found error.
func (c *Conn) FindJobByID(ctx context.Context, id string) (*domain.Job, error) {
	return one(ctx, c, domain.NotFound(domain.MsgAsyncTaskNotFound), "find job "+id, scanJob,
		"SELECT "+jobColumns+" FROM jobs WHERE id = $1", id)
}

// dueJobs is the condition of a job a worker may claim at $3: pending ($1) and due,
// or running ($2) with an expired lease, its worker gone. Queries using it pass
// dueArgs first.
const dueJobs = `((status = $1 AND run_at <= $3) OR (status = $2 AND lease_until <= $3))`

func dueArgs(now time.Time) []any {
	return []any{string(domain.JobStatusPending), string(domain.JobStatusRunning), micros(now)}
}

// HasDueJobs reports whether a job of one of the kinds could be claimed at now. It
// reads without locking, so the poll loop of an idle runner never takes the write
// lock; a claim may still find the job gone to another worker.
func (c *Conn) HasDueJobs(ctx context.Context, kinds []string, now time.Time) (bool, error) {
	if len(kinds) == 0 {
		return false, nil
	}
	in, kindArg := oneOf(c.db.engine, "kind", 4, kinds)
	var n int
	err := c.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE `+dueJobs+` AND `+in+` LIMIT 1) due`,
		append(dueArgs(now), kindArg), &n)
	if err != nil {
		return false, fmt.Errorf("look for due jobs: %w", err)
	}
	return n > 0, nil
}

// ClaimJobs leases up to limit due jobs of the given kinds (those the caller can
// run) to owner until leaseUntil and returns them with their attempt counted. Due
// are pending jobs whose run_at has come and running jobs whose lease has expired
// (their worker died). On PostgreSQL the candidates are locked with FOR UPDATE SKIP
// LOCKED, so workers on many nodes claim disjoint sets without waiting for each
// other; SQLite has one writer connection, which serialises claims by itself. It
// runs in a transaction of its own, which on PostgreSQL is one round trip: the jobs
// are the caller's only once it has committed, so the claim goes with the COMMIT.
func (db *DB) ClaimJobs(ctx context.Context, owner string, kinds []string, limit int, now, leaseUntil time.Time) ([]*domain.Job, error) {
	var out []*domain.Job
	err := db.InTx(ctx, func(c *Conn) error {
		return c.claimAtCommit(ctx, owner, kinds, limit, now, leaseUntil, func(j *domain.Job) { out = append(out, j) })
	})
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	return out, nil
}

// claimSQL is the statement that claims the first limit due jobs of kinds for
// owner, leased until leaseUntil, and returns them, with its arguments.
func (c *Conn) claimSQL(owner string, kinds []string, limit int, now, leaseUntil time.Time) (string, []any) {
	in, kindArg := oneOf(c.db.engine, "kind", 7, kinds)
	due := claimDuePostgres(in)
	if c.db.engine == SQLite {
		due = claimDueSQLite(in)
	}
	args := append(dueArgs(now), owner, micros(leaseUntil), limit, kindArg)
	return `UPDATE jobs SET status = $2, attempts = attempts + 1, lease_owner = $4,
		lease_until = $5, updated_at = $3
		WHERE id IN (` + due + `)
		RETURNING ` + jobColumns, args
}

// ClaimNextJobsAlong is ClaimJobs of up to limit jobs in c's transaction, for a
// caller that needs the jobs only once the transaction has committed: on PostgreSQL
// the claim goes in the commit's round trip, ahead of COMMIT (Conn.execLater). got
// is called with each job claimed when its answer is read, before the commit's.
//
// It goes last because of what it may lock and not claim. A claim whose snapshot
// still saw a job pending that another worker's claim took and committed meanwhile
// locks that job's new row (PostgreSQL follows the update to lock it, then finds it
// no longer due and skips it), and holds that lock until its transaction ends: the
// worker that owns the job then waits for it to complete the job. Sent with the
// order's lock, early in a provisioning outcome, such a lock was held through the
// outcome's other round trips, and a fifth of a worker's time went to completions
// waiting for it (pg_stat_activity sampled during bench/run.sh delivery); with the
// commit, it ends in the round trip that took it.
func (c *Conn) ClaimNextJobsAlong(ctx context.Context, owner string, kinds []string, limit int, now, leaseUntil time.Time,
	got func(*domain.Job)) error {
	return c.claimAtCommit(ctx, owner, kinds, limit, now, leaseUntil, got)
}

// claimAtCommit claims up to limit jobs as ClaimJobs does, handing each to got
// when its answer is read: on PostgreSQL with the commit, in its round trip; on
// SQLite at once.
func (c *Conn) claimAtCommit(ctx context.Context, owner string, kinds []string, limit int, now, leaseUntil time.Time,
	got func(*domain.Job)) error {
	if len(kinds) == 0 || limit < 1 {
		return nil
	}
	query, args := c.claimSQL(owner, kinds, limit, now, leaseUntil)
	s := statement{query: query, args: args, each: func(sc scanner) error {
		j, err := scanJob(sc)
		if err == nil {
			got(j)
		}
		return err
	}}
	if c.db.engine == Postgres && c.tx != nil {
		c.later = append(c.later, claimPlan, s)
		return nil
	}
	return translate(c.along(ctx, s))
}

// claimPlan, sent ahead of a claim on PostgreSQL in its round trip, keeps the claim
// from sorting every due job, for the rest of its transaction (a claim ends the
// transactions it is in, but for the writes queued for the commit after it, the
// scope moves and the commit, which sort nothing). The claim orders by run_at and
// id, which the (status, run_at) index orders by its first key: with statistics on
// jobs, the planner walks that index and sorts only the jobs of the first run_at (an
// incremental sort), stopping at the limit. Without them, as on a queue filled
// faster than autovacuum analyses it (a fresh database, a burst of orders), it
// guessed few due jobs, read them all through a bitmap and sorted them: 13 to 30 ms
// a claim with 20,000 queued instead of 0.1, for every claim until the next
// analysis. With sorts off (an incremental sort is not one), the index walk is its
// only plan that is not a full sort. JIT goes off with them: a plan priced with a
// disabled sort in it (the final order of the claim's two sides) costs enough to be
// compiled, which took over a second.
var claimPlan = statement{query: `SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)`}

// claimDueSQLite selects the first $6 due jobs of the kinds in (dueJobs's
// arguments) on SQLite. Asked with dueJobs's OR, SQLite reads every due job and
// sorts them all to keep the first: with a long queue, each claim cost as much as
// the queue, in the one writer's turn. Each side of the OR alone walks its index
// in run_at's order and stops at the limit, and the first $6 of both are the first
// $6 of all.
func claimDueSQLite(in string) string {
	limit := opaqueInt(6) // one text for every limit, prepared once
	return `SELECT id FROM (
		SELECT * FROM (SELECT id, run_at FROM jobs WHERE status = $1 AND run_at <= $3 AND ` + in + `
			ORDER BY run_at, id LIMIT ` + limit + `)
		UNION ALL
		SELECT * FROM (SELECT id, run_at FROM jobs WHERE status = $2 AND lease_until <= $3 AND ` + in + `
			ORDER BY run_at, id LIMIT ` + limit + `))
		ORDER BY run_at, id LIMIT ` + limit
}

// claimDuePostgres selects and locks the first $6 due jobs of the kinds in on
// PostgreSQL, skipping those other claims hold. Asked with dueJobs's OR, the
// planner read every due job (a bitmap of both indexes) and sorted them all to
// keep the first: 22 ms a claim with 20,000 queued, so delivery slowed as its
// queue grew. Each side alone walks its index in run_at's order and stops at the
// limit. A side may lock up to $6 rows the final limit leaves out; they stay
// locked, and are skipped by other claims, only until this transaction ends.
func claimDuePostgres(in string) string {
	return `WITH pending AS (SELECT id, run_at FROM jobs WHERE status = $1 AND run_at <= $3 AND ` + in + `
			ORDER BY run_at, id LIMIT $6 FOR UPDATE SKIP LOCKED),
		expired AS (SELECT id, run_at FROM jobs WHERE status = $2 AND lease_until <= $3 AND ` + in + `
			ORDER BY run_at, id LIMIT $6 FOR UPDATE SKIP LOCKED)
		SELECT id FROM (SELECT id, run_at FROM pending UNION ALL SELECT id, run_at FROM expired) due
		ORDER BY run_at, id LIMIT $6`
}

// leased is the condition that the job is still leased by the claim that counted
// attempt number attempts: a later claim by anyone, this owner included, counts
// another attempt.
const leased = `id = $1 AND status = 'running' AND lease_owner = $2 AND attempts = $3`

// finishJob runs one outcome update guarded by the lease, in a transaction of its own.
func (db *DB) finishJob(ctx context.Context, what string, j *domain.Job, query string, args ...any) error {
	err := db.InTx(ctx, func(c *Conn) error { return c.finishJob(ctx, j, query, args...) })
	if err != nil {
		return fmt.Errorf("%s job %s: %w", what, j.ID, err)
	}
	return nil
}

// finishJob runs one outcome update guarded by the lease in c's transaction.
func (c *Conn) finishJob(ctx context.Context, j *domain.Job, query string, args ...any) error {
	res, err := c.exec(ctx, query, append([]any{j.ID, j.LeaseOwner, j.Attempts}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrLeaseLost
	}
	return nil
}

// completeJobSQL records a leased job's success.
const completeJobSQL = `UPDATE jobs SET status = 'completed', result = $4, failure_message = '',
	lease_owner = NULL, lease_until = NULL, updated_at = $5, finished_at = $5 WHERE ` + leased

// CompleteJob records that the leased job j succeeded with result. It fails with
// ErrLeaseLost unless j's lease is still held.
func (db *DB) CompleteJob(ctx context.Context, j *domain.Job, result json.RawMessage, now time.Time) error {
	return db.finishJob(ctx, "complete", j, completeJobSQL, resultText(result), micros(now))
}

// CompleteLeasedJob is CompleteJob in c's transaction: the handler's own, so that the
// job is done exactly when the changes it made commit. It fails with ErrLeaseLost,
// and the transaction must roll back, unless j's lease is still held.
//
// On PostgreSQL the completion goes in the round trip of the transaction's next
// statement (Conn.along), which the handler always sends before its commit: a lost
// lease fails that statement's call, and the transaction rolls back.
func (c *Conn) CompleteLeasedJob(ctx context.Context, j *domain.Job, result json.RawMessage, now time.Time) error {
	var id string
	err := c.along(ctx, statement{query: completeJobSQL + " RETURNING id",
		args: []any{j.ID, j.LeaseOwner, j.Attempts, resultText(result), micros(now)},
		dest: []any{&id}, none: ErrLeaseLost})
	if err != nil {
		return fmt.Errorf("complete job %s: %w", j.ID, err)
	}
	return nil
}

// resultText is a job's result as its column holds it: JSON null for none.
func resultText(result json.RawMessage) string {
	if len(result) == 0 {
		return "null"
	}
	return string(result)
}

// FailJob records that the leased job j failed for good with message. It fails with
// ErrLeaseLost unless j's lease is still held.
func (db *DB) FailJob(ctx context.Context, j *domain.Job, message string, now time.Time) error {
	return db.finishJob(ctx, "fail", j, `UPDATE jobs SET status = 'failed', failure_message = $4,
		lease_owner = NULL, lease_until = NULL, updated_at = $5, finished_at = $5 WHERE `+leased,
		message, micros(now))
}

// RetryJob puts the leased job j back to pending, due at runAt, remembering the
// failure message of the attempt. It fails with ErrLeaseLost unless j's lease is
// still held.
func (db *DB) RetryJob(ctx context.Context, j *domain.Job, runAt time.Time, message string, now time.Time) error {
	return db.finishJob(ctx, "retry", j, `UPDATE jobs SET status = 'pending', run_at = $4, failure_message = $5,
		lease_owner = NULL, lease_until = NULL, updated_at = $6 WHERE `+leased,
		micros(runAt), message, micros(now))
}

// ReleaseJob hands the leased job j back as pending and due at once, without
// counting the attempt: its worker is shutting down and did not finish it. It fails
// with ErrLeaseLost unless j's lease is still held.
func (db *DB) ReleaseJob(ctx context.Context, j *domain.Job, now time.Time) error {
	return db.finishJob(ctx, "release", j, `UPDATE jobs SET status = 'pending', attempts = attempts - 1,
		lease_owner = NULL, lease_until = NULL, updated_at = $4 WHERE `+leased, micros(now))
}
