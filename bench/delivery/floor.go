package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/bench/rawdb"
	"github.com/cascade-billing/cascade/vendorkit"
)

// The floor (-floor): the same events delivered again by plain SQL that writes only
// what a delivery that loses and doubles nothing must keep, on the same tables with
// the same indexes. A worker claims the next due job with a lease (one UPDATE, SKIP
// LOCKED on PostgreSQL), posts the event's body to a fresh vendor service, and in one
// transaction writes the vendor's answer and the new status on the subscription, the
// order's status and closing time and the job's completion, guarded by the lease.
// Nothing else: no reads of the plan, account or users, no payload built, no
// ledger, no list counters or cache generations, no retry bookkeeping. It is what
// the machine can do with durable state at this concurrency, so Cascade's rate over
// the baseline's can be read beside the floor's.

// floorSQL are the floor's statements, written for PostgreSQL (see floor.text).
var floorSQL = struct{ claim, subscription, order, complete string }{
	claim: `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $1, lease_until = $2,
		updated_at = $3
		WHERE id = (SELECT id FROM jobs WHERE status = 'pending' AND run_at <= $3 AND kind = $4
			ORDER BY run_at, id LIMIT 1
			FOR UPDATE SKIP LOCKED)
		RETURNING id, payload`,
	subscription: `UPDATE subscriptions SET status = 'active', external_id = $2, vendor_attributes = $3,
		provisioning_job_id = $4, updated_at = $5 WHERE id = $1`,
	order: `UPDATE orders SET status = 'completed', closed_at = $2, updated_at = $2 WHERE id = $1`,
	complete: `UPDATE jobs SET status = 'completed', result = '', finished_at = $3, updated_at = $3
		WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
}

// floor is one floor run's statements on its database.
type floor struct {
	db                                   *sql.DB
	claim, subscription, order, complete *sql.Stmt
	kind                                 string // the events' jobs' kind, the only one claimed
	sqlite                               bool
}

// text is q, written for PostgreSQL, in the engine's dialect: on SQLite ?
// placeholders and no row locks, its one writer serialising the claims and writes.
func (f *floor) text(q string) string {
	if !f.sqlite {
		return q
	}
	q = strings.ReplaceAll(strings.ReplaceAll(q, "FOR UPDATE SKIP LOCKED", ""), "FOR UPDATE", "")
	return strings.ReplaceAll(q, "$", "?")
}

func openFloor(dbURL string, calls []call) (*floor, error) {
	db, sqlite, err := rawdb.Open(dbURL, 2*jobWorkers)
	if err != nil {
		return nil, err
	}
	f := &floor{db: db, sqlite: sqlite}
	if err := f.reset(calls); err != nil {
		db.Close()
		return nil, fmt.Errorf("reset the events for the floor: %w", err)
	}
	for _, s := range []struct {
		to  **sql.Stmt
		sql string
	}{{&f.claim, floorSQL.claim}, {&f.subscription, floorSQL.subscription}, {&f.order, floorSQL.order},
		{&f.complete, floorSQL.complete}} {
		if *s.to, err = db.Prepare(f.text(s.sql)); err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare the floor: %w", err)
		}
	}
	return f, nil
}

// reset puts the delivered events back as they were queued: their jobs pending, the
// subscriptions installing and the orders provisioning (the database holds nothing
// else of the product). On PostgreSQL the tables are then vacuumed and analysed, so
// the floor starts with no dead rows, which Cascade's run had not: the floor errs on
// the fast side.
func (f *floor) reset(calls []call) error {
	const chunk = 500
	for start := 0; start < len(calls); start += chunk {
		part := calls[start:min(start+chunk, len(calls))]
		marks, args := make([]string, len(part)), make([]any, len(part))
		for i, c := range part {
			marks[i], args[i] = fmt.Sprintf("$%d", i+1), c.eventID
		}
		q := `UPDATE jobs SET status = 'pending', attempts = 0, lease_owner = NULL, lease_until = NULL,
			result = NULL, finished_at = NULL WHERE id IN (` + strings.Join(marks, ",") + `)`
		if _, err := f.db.Exec(f.text(q), args...); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`UPDATE subscriptions SET status = 'installing', external_id = '', vendor_attributes = '',
			provisioning_job_id = '' WHERE status = 'active'`,
		`UPDATE orders SET status = 'provisioning', closed_at = 0 WHERE status = 'completed'`,
	} {
		if _, err := f.db.Exec(q); err != nil {
			return err
		}
	}
	// Only the events' jobs are claimed: a job of another kind (a scheduler's, say)
	// may come due meanwhile, and is no event of the run.
	if len(calls) > 0 {
		if err := f.db.QueryRow(f.text(`SELECT kind FROM jobs WHERE id = $1`), calls[0].eventID).Scan(&f.kind); err != nil {
			return fmt.Errorf("the events' kind: %w", err)
		}
	}
	if f.sqlite {
		_, err := f.db.Exec(`ANALYZE`)
		return err
	}
	_, err := f.db.Exec(`VACUUM ANALYZE jobs, subscriptions, orders`)
	return err
}

// deliver runs jobWorkers workers until no job is due, posting each event's body
// from calls (by event id) to base signed with secret. With every above zero, the
// workers together start at most one event each every (a paced floor).
func (f *floor) deliver(ctx context.Context, base, secret string, calls []call, every time.Duration) error {
	ctx, stop := context.WithCancel(ctx) // ends the pace with the delivery
	defer stop()
	starts := paced(ctx, every)
	byID := make(map[string]call, len(calls))
	for _, c := range calls {
		byID[c.eventID] = c
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: jobWorkers}}
	defer hc.CloseIdleConnections()
	owners := make([]string, jobWorkers) // each worker's lease owner
	for w := range owners {
		owners[w] = fmt.Sprintf("floor-%d", w+1)
	}
	return inParallel(jobWorkers, func(worker int) (bool, error) {
		if starts != nil {
			select {
			case <-starts:
			case <-ctx.Done():
				return false, ctx.Err()
			}
		}
		return f.one(ctx, hc, base, secret, owners[worker], byID)
	})
}

// paced returns a channel that yields once every interval until ctx ends, or nil
// (no pace) when every is not above zero.
func paced(ctx context.Context, every time.Duration) <-chan struct{} {
	if every <= 0 {
		return nil
	}
	starts := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
			select {
			case starts <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return starts
}

// one claims and delivers one job; more is false when none was due.
func (f *floor) one(ctx context.Context, hc *http.Client, base, secret, owner string, byID map[string]call) (more bool, err error) {
	now := time.Now()
	var id, payload string
	err = f.claim.QueryRowContext(ctx, owner, now.Add(time.Minute).UnixMicro(), now.UnixMicro(),
		f.kind).Scan(&id, &payload)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("floor claim: %w", err)
	}
	job, err := claimedJob(id, payload)
	if err != nil {
		return false, err
	}
	c, ok := byID[id]
	if !ok {
		return false, fmt.Errorf("floor: job %s is no event the vendor answered", id)
	}
	answer, err := post(ctx, hc, base, secret, c)
	if err != nil {
		return false, err
	}
	attributes, _ := json.Marshal(answer.Attributes)
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	done := time.Now().UnixMicro()
	if _, err := tx.StmtContext(ctx, f.subscription).ExecContext(ctx, job.subscription, answer.ExternalID,
		string(attributes), id, done); err != nil {
		return false, fmt.Errorf("floor subscription: %w", err)
	}
	if _, err := tx.StmtContext(ctx, f.order).ExecContext(ctx, job.order, done); err != nil {
		return false, fmt.Errorf("floor order: %w", err)
	}
	res, err := tx.StmtContext(ctx, f.complete).ExecContext(ctx, id, owner, done)
	if err != nil {
		return false, fmt.Errorf("floor completion: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, fmt.Errorf("floor: the lease of job %s was lost", id)
	}
	return true, tx.Commit()
}

// claimedJob is the job id the floor claimed, with the subscription and order its
// payload names.
func claimedJob(id, payload string) (claimedEvent, error) {
	var job struct {
		SubscriptionID int64 `json:"subscription_id"`
		OrderID        int64 `json:"order_id"`
	}
	if err := json.Unmarshal([]byte(payload), &job); err != nil {
		return claimedEvent{}, fmt.Errorf("floor payload of %s: %w", id, err)
	}
	return claimedEvent{id: id, subscription: job.SubscriptionID, order: job.OrderID}, nil
}

// post sends c to base signed now with secret, as the baseline does, and decodes
// the vendor's answer to a create.
func post(ctx context.Context, hc *http.Client, base, secret string, c call) (*vendorkit.CreateAnswer, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+c.uri, bytes.NewReader(c.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(vendorkit.HeaderEvent, string(c.event))
	req.Header.Set(vendorkit.HeaderEventID, c.eventID)
	req.Header.Set(vendorkit.HeaderSignature, vendorkit.Sign(secret, time.Now(), c.event, c.eventID, c.body))
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("call %s: %d %s", c.uri, resp.StatusCode, body)
	}
	var a vendorkit.CreateAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.ExternalID == "" {
		return nil, fmt.Errorf("call %s answered %q: %v", c.uri, body, err)
	}
	return &a, nil
}

func (f *floor) close() { f.db.Close() }
