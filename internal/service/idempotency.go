package service

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Idempotency-Key rules: how long a key is remembered, and how long a started request
// may go silent before a retry may take its key over.
const (
	IdempotencyTTL        = 24 * time.Hour
	idempotencyStaleAfter = 2 * time.Minute
	idempotencyHeader     = "Idempotency-Key"
)

// Claim is a request's hold on an Idempotency-Key while it runs.
type Claim struct {
	managerID int64
	keyHash   []byte
	sealKey   []byte
	owner     []byte
	marked    bool // the request's transaction recorded its commit
	answered  bool // and its answer with it
}

// Replay is the recorded answer to an earlier request with the same key and body.
type Replay struct {
	Status int
	Body   []byte
}

type claimKey struct{}

// WithClaim returns ctx carrying claim, so the request's transaction marks it.
func WithClaim(ctx context.Context, c *Claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

func claimFrom(ctx context.Context) *Claim {
	c, _ := ctx.Value(claimKey{}).(*Claim)
	return c
}

// Presenter renders the result of an idempotent request's transaction as the
// request's HTTP answer: its status and body. httpapi puts one in the context of each
// idempotent create, so that the transaction which commits the request's changes
// records its answer too, and no crash between the two can lose it.
type Presenter func(result any) (status int, body []byte, err error)

type presenterKey struct{}

// WithPresenter returns ctx carrying p for the transaction of the request's claim.
// Without a claim in ctx there is no answer to record, and ctx comes back as it is.
func WithPresenter(ctx context.Context, p Presenter) context.Context {
	if claimFrom(ctx) == nil {
		return ctx
	}
	return context.WithValue(ctx, presenterKey{}, p)
}

// present renders a transaction's result with the context's Presenter and seals it
// for storage. Without a result or a Presenter it returns nil: the answer is then
// recorded after the commit, by FinishIdempotent.
func (c *Claim) present(ctx context.Context, result any) (*store.IdempotencyAnswer, error) {
	p, _ := ctx.Value(presenterKey{}).(Presenter)
	if p == nil || result == nil {
		return nil, nil
	}
	status, body, err := p(result)
	if err != nil {
		return nil, fmt.Errorf("present idempotent answer: %w", err)
	}
	sealed, err := seal(c.sealKey, body)
	if err != nil {
		return nil, err
	}
	return &store.IdempotencyAnswer{Status: status, Response: sealed}, nil
}

// ClaimIdempotencyKey starts an idempotent request of the actor. fingerprint
// identifies the request (method, path and body). It returns either a claim to run
// the request under, or the replay of the first answer. A key reused with another
// request is ErrInvalid; a key whose request is still running (including, for a
// request whose transaction could not record its answer, the moment between its
// commit and the recording of its answer), or whose changes committed more than a
// stale window ago without an answer being recorded, is ErrConflict.
func (s *Service) ClaimIdempotencyKey(ctx context.Context, a domain.Actor, key string, fingerprint []byte) (*Claim, *Replay, error) {
	if !validIdempotencyKey(key) {
		return nil, nil, &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgIdempotencyKeyFormat,
			Header: idempotencyHeader, Reason: domain.MsgIdempotencyKeyFormat.Reason()}
	}
	idHash := sha256.Sum256([]byte("cascade idempotency id\x00" + key))
	var mid [8]byte
	binary.BigEndian.PutUint64(mid[:], uint64(a.ManagerID))
	seal := sha256.Sum256(append([]byte("cascade idempotency seal\x00"+key+"\x00"), mid[:]...))
	owner := make([]byte, 16)
	rand.Read(owner)
	claim := &Claim{managerID: a.ManagerID, keyHash: idHash[:], sealKey: seal[:], owner: owner}

	var (
		replay *Replay
		now    = s.clock.Now()
	)
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		old, err := c.ClaimIdempotencyKey(ctx, &store.IdempotencyRecord{
			ManagerID: a.ManagerID, KeyHash: claim.keyHash, Fingerprint: fingerprint, Owner: owner}, now)
		if err != nil || old == nil {
			return err
		}
		if subtle.ConstantTimeCompare(old.Fingerprint, fingerprint) != 1 {
			return &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgIdempotencyMismatch,
				Header: idempotencyHeader, Reason: domain.MsgIdempotencyMismatch.Reason()}
		}
		switch old.State {
		case store.IdemDone:
			body, err := open(claim.sealKey, old.Response)
			if err != nil {
				return fmt.Errorf("open idempotent response: %w", err)
			}
			replay = &Replay{Status: old.Status, Body: body}
			return nil
		case store.IdemCommitted:
			// The changes are committed and the answer is on its way to the record,
			// unless the request went silent longer than a stale window ago: only then
			// is its answer lost.
			if old.UpdatedAt.Before(now.Add(-idempotencyStaleAfter)) {
				return domain.Errorf(domain.ErrConflict, domain.MsgIdempotencyLost)
			}
			return domain.Errorf(domain.ErrConflict, domain.MsgIdempotencyInFlight)
		}
		won, err := c.TakeOverIdempotencyKey(ctx, a.ManagerID, claim.keyHash, owner, now.Add(-idempotencyStaleAfter), now)
		if err != nil {
			return err
		}
		if !won {
			return domain.Errorf(domain.ErrConflict, domain.MsgIdempotencyInFlight)
		}
		return nil
	})
	if err != nil || replay != nil {
		return nil, replay, err
	}
	return claim, nil, nil
}

// StatusClientClosed is the status of a request whose client hung up before its
// answer was ready, as httpapi logs it. Nobody reads that answer, so it is never
// recorded for replay.
const StatusClientClosed = 499

// FinishIdempotent records the answer of a claimed request. A server error, or a
// client gone (StatusClientClosed), that changed nothing releases the key, so a retry
// runs afresh; a client gone after the changes committed leaves the key committed
// without an answer, as if the answer were lost; every other answer is
// kept for replay, sealed with a key derived from the Idempotency-Key itself, so the
// stored answer (which may hold a new manager's API token) is unreadable without it.
// An answer that the request's transaction recorded with its commit is already
// there, and nothing is done.
func (s *Service) FinishIdempotent(ctx context.Context, c *Claim, status int, body []byte) error {
	if c.answered || (status == StatusClientClosed && c.marked) {
		return nil
	}
	return s.db.InTx(ctx, func(conn *store.Conn) error {
		if (status >= 500 || status == StatusClientClosed) && !c.marked {
			return conn.ReleaseIdempotencyKey(ctx, c.managerID, c.keyHash, c.owner)
		}
		sealed, err := seal(c.sealKey, body)
		if err != nil {
			return err
		}
		return conn.CompleteIdempotencyKey(ctx, c.managerID, c.keyHash, c.owner, status, sealed, s.clock.Now())
	})
}

// ExpireIdempotencyKeys forgets keys older than IdempotencyTTL.
func (s *Service) ExpireIdempotencyKeys(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(c *store.Conn) error {
		var err error
		n, err = c.DeleteIdempotencyKeysBefore(ctx, s.clock.Now().Add(-IdempotencyTTL))
		return err
	})
	return n, err
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

func seal(key, plain []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return gcm.Seal(nonce, nonce, plain, nil), nil
}

func open(key, sealed []byte) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("sealed response too short")
	}
	return gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
