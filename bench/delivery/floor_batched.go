package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The batched floor (-floor-batch N): the floor's durable state, written for many
// events at once. One goroutine claims up to N due jobs in one statement, the
// floor's jobWorkers workers post their bodies (so the vendor sees the concurrency
// the plain client gives it), and one goroutine writes the answers that have come
// back, up to N, in one transaction: a statement for the subscriptions, one for the
// orders and one for the jobs' completions, whatever their number. The per-event
// floor pays a claim, three updates and a commit for every event; this one pays
// them once for a batch, while every index entry is still written. It bounds what
// a delivery that batches its bookkeeping could reach on the machine.

// floorBatchSQL are the batched floor's statements on PostgreSQL, which take the
// batch as arrays; on SQLite the updates run once an event in the batch's
// transaction (its one writer gains from the shared commit alone).
var floorBatchSQL = struct{ claim, subscriptions, orders, complete string }{
	claim: `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $1, lease_until = $2,
		updated_at = $3
		WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $3 AND kind = $4
			ORDER BY run_at, id LIMIT $5
			FOR UPDATE SKIP LOCKED)
		RETURNING id, payload`,
	subscriptions: `UPDATE subscriptions s SET status = 'active', external_id = v.external_id,
		vendor_attributes = v.attributes, provisioning_job_id = v.job, updated_at = $5
		FROM (SELECT unnest(CAST($1 AS BIGINT[])) AS id, unnest(CAST($2 AS TEXT[])) AS external_id,
			unnest(CAST($3 AS TEXT[])) AS attributes, unnest(CAST($4 AS TEXT[])) AS job) v
		WHERE s.id = v.id`,
	orders: `UPDATE orders SET status = 'completed', closed_at = $2, updated_at = $2 WHERE id = ANY(CAST($1 AS BIGINT[]))`,
	complete: `UPDATE jobs SET status = 'completed', result = '', finished_at = $3, updated_at = $3
		WHERE id = ANY(CAST($1 AS TEXT[])) AND lease_owner = $2 AND status = 'running'`,
}

// floorBatch is how many events the batched floor claims and writes at once; 0
// runs none. floorBatchEach has it write the batch with the
// floor's own statements, once an event, in the batch's one transaction: what
// sharing the commit alone gives, without statements that take many rows.
var (
	floorBatch     int
	floorBatchEach bool
)

// claimedEvent is a job the batched floor claimed, and answeredEvent its vendor's
// answer, ready to be written.
type claimedEvent struct {
	id                  string
	subscription, order int64
}

type answeredEvent struct {
	claimedEvent
	externalID, attributes string
}

// deliverBatched delivers every due job of the floor's kind as the batched floor,
// and returns how many write transactions it took.
func (f *floor) deliverBatched(ctx context.Context, base, secret string, calls []call, batch int) (writes int, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	byID := make(map[string]call, len(calls))
	for _, c := range calls {
		byID[c.eventID] = c
	}
	const owner = "floor-batched"
	claimed := make(chan claimedEvent, batch)
	answered := make(chan answeredEvent, batch)
	go func() { // the claims: until one finds nothing due
		defer close(claimed)
		for ctx.Err() == nil {
			claims, err := f.claimBatch(ctx, owner, batch)
			if err != nil {
				cancel(err)
				return
			}
			if len(claims) == 0 {
				return
			}
			if floorBatchReads {
				if err := f.readSubjects(ctx, claims); err != nil {
					cancel(err)
					return
				}
			}
			for _, e := range claims {
				select {
				case claimed <- e:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: jobWorkers}}
	defer hc.CloseIdleConnections()
	callsDone := make(chan struct{})
	go func() { // the calls, jobWorkers at a time
		defer close(callsDone)
		err := inParallel(jobWorkers, func(int) (bool, error) {
			e, ok := <-claimed
			if !ok {
				return false, nil
			}
			c, found := byID[e.id]
			if !found {
				return false, fmt.Errorf("floor: job %s is no event the vendor answered", e.id)
			}
			answer, err := post(ctx, hc, base, secret, c)
			if err != nil {
				return false, err
			}
			attributes, _ := json.Marshal(answer.Attributes)
			select {
			case answered <- answeredEvent{e, answer.ExternalID, string(attributes)}:
				return true, nil
			case <-ctx.Done():
				return false, ctx.Err()
			}
		})
		if err != nil {
			cancel(err)
		}
	}()
	go func() { <-callsDone; close(answered) }()
	// The writes: whatever has been answered, up to a batch, in one transaction.
	for {
		e, ok := <-answered
		if !ok {
			return writes, context.Cause(ctx)
		}
		ready := []answeredEvent{e}
	more:
		for len(ready) < batch {
			select {
			case e, ok := <-answered:
				if !ok {
					break more
				}
				ready = append(ready, e)
			default:
				break more
			}
		}
		if err := f.writeBatch(ctx, owner, ready); err != nil {
			cancel(err)
			return writes, err
		}
		writes++
	}
}

// claimBatch claims up to batch due jobs of the floor's kind.
func (f *floor) claimBatch(ctx context.Context, owner string, batch int) ([]claimedEvent, error) {
	now := time.Now()
	rows, err := f.db.QueryContext(ctx, f.text(floorBatchSQL.claim), owner, now.Add(time.Minute).UnixMicro(),
		now.UnixMicro(), f.kind, batch)
	if err != nil {
		return nil, fmt.Errorf("floor claim: %w", err)
	}
	defer rows.Close()
	var out []claimedEvent
	for rows.Next() {
		var id, payload string
		if err := rows.Scan(&id, &payload); err != nil {
			return nil, err
		}
		e, err := claimedJob(id, payload)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// writeBatch writes the answers of batch, their orders' closing and their jobs'
// completions in one transaction, guarded by the lease.
func (f *floor) writeBatch(ctx context.Context, owner string, batch []answeredEvent) error {
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if floorBatchReads {
		if err := f.lockBatch(ctx, tx, batch); err != nil {
			return err
		}
	}
	done := time.Now().UnixMicro()
	var completed int64
	if f.sqlite || floorBatchEach {
		completed, err = f.writeEach(ctx, tx, owner, batch, done)
	} else {
		completed, err = f.writeArrays(ctx, tx, owner, batch, done)
	}
	if err != nil {
		return err
	}
	if completed != int64(len(batch)) {
		return fmt.Errorf("floor: %d of %d leases were lost", int64(len(batch))-completed, len(batch))
	}
	return tx.Commit()
}

// writeArrays is writeBatch's statements on PostgreSQL: three for the batch.
func (f *floor) writeArrays(ctx context.Context, tx *sql.Tx, owner string, batch []answeredEvent, done int64) (int64, error) {
	subs, orders := make([]int64, len(batch)), make([]int64, len(batch))
	ext, attrs, jobs := make([]string, len(batch)), make([]string, len(batch)), make([]string, len(batch))
	for i, e := range batch {
		subs[i], orders[i], ext[i], attrs[i], jobs[i] = e.subscription, e.order, e.externalID, e.attributes, e.id
	}
	if _, err := tx.ExecContext(ctx, floorBatchSQL.subscriptions, subs, ext, attrs, jobs, done); err != nil {
		return 0, fmt.Errorf("floor subscriptions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, floorBatchSQL.orders, orders, done); err != nil {
		return 0, fmt.Errorf("floor orders: %w", err)
	}
	res, err := tx.ExecContext(ctx, floorBatchSQL.complete, jobs, owner, done)
	if err != nil {
		return 0, fmt.Errorf("floor completions: %w", err)
	}
	return res.RowsAffected()
}

// writeEach is writeBatch's statements on SQLite (and with floorBatchEach): the
// floor's own, once an event.
func (f *floor) writeEach(ctx context.Context, tx *sql.Tx, owner string, batch []answeredEvent, done int64) (int64, error) {
	var completed int64
	for _, e := range batch {
		if _, err := tx.StmtContext(ctx, f.subscription).ExecContext(ctx, e.subscription, e.externalID,
			e.attributes, e.id, done); err != nil {
			return 0, fmt.Errorf("floor subscription: %w", err)
		}
		if _, err := tx.StmtContext(ctx, f.order).ExecContext(ctx, e.order, done); err != nil {
			return 0, fmt.Errorf("floor order: %w", err)
		}
		res, err := tx.StmtContext(ctx, f.complete).ExecContext(ctx, e.id, owner, done)
		if err != nil {
			return 0, fmt.Errorf("floor completion: %w", err)
		}
		n, _ := res.RowsAffected()
		completed += n
	}
	return completed, nil
}
