package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TakePassLease leases the scheduler pass name to owner until until, unless another
// owner holds an unexpired lease at now (both in the machine's time), and reports
// whether it did. The pass's row is made on first use. The lease is one conditional
// UPDATE: on PostgreSQL a concurrent taker waits for the row and then finds the
// condition false, so exactly one of them wins; SQLite's one writer serialises them.
func (db *DB) TakePassLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	var n int64
	err := db.InTx(ctx, func(c *Conn) error {
		if _, err := c.exec(ctx, `INSERT INTO scheduler_passes (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, name); err != nil {
			return err
		}
		res, err := c.exec(ctx, `UPDATE scheduler_passes SET lease_owner = $2, lease_until = $3
			WHERE name = $1 AND (lease_owner IS NULL OR lease_until <= $4)`, name, owner, micros(until), micros(now))
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("lease scheduler pass %s: %w", name, err)
	}
	return n > 0, nil
}

// ReleasePassLease ends owner's lease of the pass name. When ranFor is not zero the
// pass completed a run for that instant, which is recorded and counted. A lease that
// is no longer owner's is left alone.
func (db *DB) ReleasePassLease(ctx context.Context, name, owner string, ranFor time.Time) error {
	query := `UPDATE scheduler_passes SET lease_owner = NULL, lease_until = NULL WHERE name = $1 AND lease_owner = $2`
	args := []any{name, owner}
	if !ranFor.IsZero() {
		query = `UPDATE scheduler_passes SET lease_owner = NULL, lease_until = NULL, last_run_for = $3, runs = runs + 1
			WHERE name = $1 AND lease_owner = $2`
		args = append(args, micros(ranFor))
	}
	_, err := db.updatedOne(ctx, "release scheduler pass "+name, query, args...)
	return err
}

// PassRuns returns how many runs of the pass name completed and the instant of the
// last; a pass that never ran has none.
func (c *Conn) PassRuns(ctx context.Context, name string) (int64, time.Time, error) {
	var (
		runs int64
		last sql.NullInt64
	)
	err := c.row(ctx, `SELECT runs, last_run_for FROM scheduler_passes WHERE name = $1`, []any{name}, &runs, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("read scheduler pass %s: %w", name, err)
	}
	if !last.Valid {
		return runs, time.Time{}, nil
	}
	return runs, fromMicros(last.Int64), nil
}

// NextJobRunAt returns the earliest run_at after after of a pending job of one of the
// kinds, and whether there is one: the next instant the queue has work, which the
// test clock steps to.
func (c *Conn) NextJobRunAt(ctx context.Context, kinds []string, after time.Time) (time.Time, bool, error) {
	if len(kinds) == 0 {
		return time.Time{}, false, nil
	}
	in, kindArg := oneOf(c.db.engine, "kind", 3, kinds)
	var next sql.NullInt64
	err := c.row(ctx, `SELECT MIN(run_at) FROM jobs WHERE status = $1 AND run_at > $2 AND `+in,
		[]any{string(domain.JobStatusPending), micros(after), kindArg}, &next)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next job run: %w", err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	return fromMicros(next.Int64), true, nil
}

// HasLeasedJobs reports whether a job of one of the kinds is running under a lease
// that has not expired at now, or is due and still pending although the caller's own
// claim just found nothing to take: another worker's claim holds its row (PostgreSQL
// skips locked rows) and is about to run it. Either way a worker is on it.
func (c *Conn) HasLeasedJobs(ctx context.Context, kinds []string, now time.Time) (bool, error) {
	if len(kinds) == 0 {
		return false, nil
	}
	in, kindArg := oneOf(c.db.engine, "kind", 3, kinds)
	var n int
	err := c.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE ((status = $1 AND lease_until > $2)
		OR (status = $4 AND run_at <= $2)) AND `+in+` LIMIT 1) leased`,
		[]any{string(domain.JobStatusRunning), micros(now), kindArg, string(domain.JobStatusPending)}, &n)
	if err != nil {
		return false, fmt.Errorf("look for leased jobs: %w", err)
	}
	return n > 0, nil
}
