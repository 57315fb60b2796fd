package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Idempotency-key states. A key is claimed (started) before the request runs; the
// request's own transaction moves it to done with the answer when it knows the
// answer there, and to committed otherwise, in which case the answer is stored when
// the response is ready (done). A started key whose transaction never committed may
// be taken over by a retry; a committed key without an answer can only be reported.
const (
	IdemStarted   = "started"
	IdemCommitted = "committed"
	IdemDone      = "done"
)

// IdempotencyRecord is one claimed Idempotency-Key of one manager.
type IdempotencyRecord struct {
	ManagerID   int64
	KeyHash     []byte
	Fingerprint []byte
	Owner       []byte // random nonce of the claim now running the request
	State       string
	Status      int
	Response    []byte // sealed; see service.Idempotency
	UpdatedAt   time.Time
}

// ClaimIdempotencyKey records rec as started unless the key exists; it returns the
// existing record in that case, or nil when the claim is new.
func (c *Conn) ClaimIdempotencyKey(ctx context.Context, rec *IdempotencyRecord, now time.Time) (*IdempotencyRecord, error) {
	res, err := c.exec(ctx, `INSERT INTO idempotency_keys (manager_id, key_hash, fingerprint, owner, state,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (manager_id, key_hash) DO NOTHING`,
		rec.ManagerID, rec.KeyHash, rec.Fingerprint, rec.Owner, IdemStarted, micros(now))
	if err != nil {
		return nil, fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil, nil
	}
	old := IdempotencyRecord{ManagerID: rec.ManagerID, KeyHash: rec.KeyHash}
	var (
		updated  int64
		response []byte
	)
	err = c.row(ctx, `SELECT fingerprint, state, status, response, updated_at FROM idempotency_keys
		WHERE manager_id = $1 AND key_hash = $2`, []any{rec.ManagerID, rec.KeyHash},
		&old.Fingerprint, &old.State, &old.Status, &response, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("claim idempotency key: record vanished, retry")
	}
	if err != nil {
		return nil, fmt.Errorf("read idempotency key: %w", err)
	}
	old.Response, old.UpdatedAt = response, fromMicros(updated)
	return &old, nil
}

// TakeOverIdempotencyKey hands a started key last touched before staleBefore to a new
// owner and reports whether this caller won it. The old owner's transaction can then
// no longer mark the key committed, so it rolls back.
func (c *Conn) TakeOverIdempotencyKey(ctx context.Context, managerID int64, keyHash, owner []byte, staleBefore, now time.Time) (bool, error) {
	res, err := c.exec(ctx, `UPDATE idempotency_keys SET owner = $1, updated_at = $2
		WHERE manager_id = $3 AND key_hash = $4 AND state = $5 AND updated_at < $6`,
		owner, micros(now), managerID, keyHash, IdemStarted, micros(staleBefore))
	if err != nil {
		return false, fmt.Errorf("take over idempotency key: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ErrIdempotencyLost is returned by MarkIdempotencyCommitted when the claim is no
// longer this request's: a retry took it over.
var ErrIdempotencyLost = errors.New("idempotency key taken over by another request")

// IdempotencyAnswer is the answer of an idempotent request as stored: its HTTP status
// and its sealed body.
type IdempotencyAnswer struct {
	Status   int
	Response []byte // sealed by the service, like IdempotencyRecord.Response
}

// MarkIdempotencyCommitted records, inside the request's own transaction, that its
// changes are committed, together with its answer when the transaction knows it
// (state done; committed without one). It fails with ErrIdempotencyLost unless owner
// still holds the started key.
func (c *Conn) MarkIdempotencyCommitted(ctx context.Context, managerID int64, keyHash, owner []byte, answer *IdempotencyAnswer, now time.Time) error {
	state, status, response := IdemCommitted, 0, []byte(nil)
	if answer != nil {
		state, status, response = IdemDone, answer.Status, answer.Response
	}
	res, err := c.exec(ctx, `UPDATE idempotency_keys SET state = $1, status = $2, response = $3, updated_at = $4
		WHERE manager_id = $5 AND key_hash = $6 AND owner = $7 AND state = $8`,
		state, status, response, micros(now), managerID, keyHash, owner, IdemStarted)
	if err != nil {
		return fmt.Errorf("mark idempotency key committed: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrIdempotencyLost
	}
	return nil
}

// CompleteIdempotencyKey stores the answer of the request that owner ran.
func (c *Conn) CompleteIdempotencyKey(ctx context.Context, managerID int64, keyHash, owner []byte, status int, response []byte, now time.Time) error {
	_, err := c.exec(ctx, `UPDATE idempotency_keys SET state = $1, status = $2, response = $3, updated_at = $4
		WHERE manager_id = $5 AND key_hash = $6 AND owner = $7`, IdemDone, status, response, micros(now), managerID, keyHash, owner)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a started key whose request failed without changing
// anything, so a retry runs afresh.
func (c *Conn) ReleaseIdempotencyKey(ctx context.Context, managerID int64, keyHash, owner []byte) error {
	_, err := c.exec(ctx, `DELETE FROM idempotency_keys WHERE manager_id = $1 AND key_hash = $2 AND state = $3 AND owner = $4`,
		managerID, keyHash, IdemStarted, owner)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// DeleteIdempotencyKeysBefore forgets keys created before t and returns how many.
func (c *Conn) DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := c.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, micros(t))
	if err != nil {
		return 0, fmt.Errorf("expire idempotency keys: %w", err)
	}
	return res.RowsAffected()
}
