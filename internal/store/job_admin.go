package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The operators' side of the job queue: looking at jobs, running failed ones again
// and deleting finished ones once nobody needs them. See docs/jobs.md.

// DefaultJobListLimit is how many jobs ListJobs returns when the filter names no limit.
const DefaultJobListLimit = 50

// JobFilter selects jobs for ListJobs; zero fields match every job.
type JobFilter struct {
	Status domain.JobStatus
	Kind   string
	Limit  int // at most this many; DefaultJobListLimit when 0 or less
}

// ListJobs returns the jobs matching f, the most recently updated first. It is an
// operator's tool: no index serves the order, since one on updated_at would cost
// every claim and outcome of the queue a write, and retention keeps the table small
// enough to sort.
func (c *Conn) ListJobs(ctx context.Context, f JobFilter) ([]*domain.Job, error) {
	b := c.builder()
	if f.Status != "" {
		b.cond("status = %s", string(f.Status))
	}
	if f.Kind != "" {
		b.cond("kind = %s", f.Kind)
	}
	where := b.whereSQL()
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultJobListLimit
	}
	out, err := collect(ctx, c, "SELECT "+jobColumns+" FROM jobs"+where+
		" ORDER BY updated_at DESC, id DESC LIMIT "+b.arg(limit), b.args, scanJob)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return out, nil
}

// RetryFailedJobs puts the failed jobs with the given ids back in the queue: pending,
// due at now, with a fresh budget of attempts. The failure message stays until the
// next outcome replaces it, so an operator can still see why a job failed while it
// waits. It is all or nothing, in one transaction: when an id is unknown or its job
// is not failed, the error names every such id and no job changes. It returns the
// retried jobs in the order of ids (each once).
func (db *DB) RetryFailedJobs(ctx context.Context, ids []string, now time.Time) ([]*domain.Job, error) {
	ids = uniqueStrings(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	var out []*domain.Job
	err := db.InTx(ctx, func(c *Conn) error {
		found, err := c.jobStatuses(ctx, ids)
		if err != nil {
			return err
		}
		var refused []string
		for _, id := range ids {
			switch st, ok := found[id]; {
			case !ok:
				refused = append(refused, fmt.Sprintf("job %s: not found", id))
			case st != domain.JobStatusFailed:
				refused = append(refused, fmt.Sprintf("job %s: is %s; only failed jobs can be retried", id, st))
			}
		}
		if len(refused) > 0 {
			return fmt.Errorf("%s (no job was retried)", strings.Join(refused, "; "))
		}
		byID := map[string]*domain.Job{}
		in, idArg := oneOf(c.db.engine, "id", 3, ids)
		err = eachRow(ctx, c, `UPDATE jobs SET `+requeueJob+`
			WHERE status = $2 AND `+in+` RETURNING `+jobColumns,
			[]any{micros(now), string(domain.JobStatusFailed), idArg}, func(s scanner) error {
				j, err := scanJob(s)
				if err == nil {
					byID[j.ID] = j
				}
				return err
			})
		if err != nil {
			return err
		}
		// Only workers change jobs behind our back, and they never touch failed ones;
		// still, a count that does not add up must not commit half a retry.
		if len(byID) != len(ids) {
			return fmt.Errorf("%d of %d jobs changed while being retried (no job was retried)", len(ids)-len(byID), len(ids))
		}
		for _, id := range ids {
			out = append(out, byID[id])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("retry jobs: %w", err)
	}
	return out, nil
}

// requeueJob is the SET clause that puts a failed job back in the queue, due at $1.
const requeueJob = `status = 'pending', attempts = 0, run_at = $1, lease_owner = NULL,
	lease_until = NULL, finished_at = NULL, updated_at = $1`

// RequeueFailedJob is RetryFailedJobs of one job inside the caller's transaction: it
// reports false, changing nothing, when job id is not failed (or does not exist).
func (c *Conn) RequeueFailedJob(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := c.exec(ctx, `UPDATE jobs SET `+requeueJob+` WHERE status = $2 AND id = $3`,
		micros(now), string(domain.JobStatusFailed), id)
	if err != nil {
		return false, fmt.Errorf("retry job %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if n == 1 {
		c.enqueued++
	}
	return n == 1, err
}

// jobStatuses returns the status of each of the jobs with the given ids that exists.
func (c *Conn) jobStatuses(ctx context.Context, ids []string) (map[string]domain.JobStatus, error) {
	out := map[string]domain.JobStatus{}
	in, arg := oneOf(c.db.engine, "id", 1, ids)
	err := eachRow(ctx, c, "SELECT id, status FROM jobs WHERE "+in, []any{arg}, func(s scanner) error {
		var id, status string
		if err := s.Scan(&id, &status); err != nil {
			return err
		}
		out[id] = domain.JobStatus(status)
		return nil
	})
	return out, err
}

// PurgeFinishedJobs deletes the completed and failed jobs that finished before
// before, at most batch of them per transaction, so a large backlog never holds the
// (on SQLite, single) writer for long; other writers get their turn between
// batches. Pending and running jobs are never deleted. It returns how many jobs it
// deleted, also when a later batch fails.
func (db *DB) PurgeFinishedJobs(ctx context.Context, before time.Time, batch int) (int64, error) {
	if batch < 1 {
		return 0, fmt.Errorf("purge jobs: batch size %d: want at least 1", batch)
	}
	// The conditions stand on the DELETE itself as well as in the subquery: on
	// PostgreSQL a job retried while this statement waited for its row lock is
	// checked again in its new version, and kept. The status test is written as NOT
	// IN: an equality would lead SQLite (without statistics) to read every finished
	// job through the status index instead of the few old ones through
	// jobs_finished_at, and to find the batch's ids by scanning rather than by key.
	const finished = `finished_at < $1 AND status NOT IN ('pending', 'running')`
	var total int64
	for {
		var n int64
		err := db.InTx(ctx, func(c *Conn) error {
			res, err := c.exec(ctx, `DELETE FROM jobs WHERE `+finished+` AND id IN (
				SELECT id FROM jobs WHERE `+finished+` LIMIT $2)`, micros(before), batch)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, fmt.Errorf("purge jobs: %w", err)
		}
		total += n
		if n < int64(batch) {
			return total, nil
		}
	}
}

// uniqueStrings returns ss without repeats, in the order of first appearance.
func uniqueStrings(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
