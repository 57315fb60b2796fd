package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// tokenCache remembers what API tokens resolve to, so a request costs no query to
// authenticate. Every entry carries the auth epoch it was read under; the database
// bumps the epoch in every transaction that changes a token, a status or a role, and
// an entry of an older epoch is never used. This node moves its epoch at once after
// such a commit; other nodes sharing the database learn of it from PollAuthEpoch.
type tokenCache struct {
	epoch   atomic.Int64
	mu      sync.RWMutex
	entries map[[sha256.Size]byte]tokenEntry
}

type tokenEntry struct {
	actor  domain.Actor
	status domain.ManagerStatus
	epoch  int64
}

// maxCachedTokens bounds the cache; when full it starts again empty.
const maxCachedTokens = 100_000

func newTokenCache() *tokenCache {
	return &tokenCache{entries: make(map[[sha256.Size]byte]tokenEntry)}
}

func (c *tokenCache) get(h [sha256.Size]byte) (tokenEntry, bool) {
	c.mu.RLock()
	e, ok := c.entries[h]
	c.mu.RUnlock()
	return e, ok && e.epoch == c.epoch.Load()
}

func (c *tokenCache) put(h [sha256.Size]byte, e tokenEntry) {
	c.mu.Lock()
	if len(c.entries) >= maxCachedTokens {
		c.entries = make(map[[sha256.Size]byte]tokenEntry)
	}
	c.entries[h] = e
	c.mu.Unlock()
}

// moveTo records a newer epoch; older entries are dead from now on.
func (c *tokenCache) moveTo(epoch int64) {
	for {
		old := c.epoch.Load()
		if epoch <= old || c.epoch.CompareAndSwap(old, epoch) {
			return
		}
	}
}

// HashToken returns the stored form of an API token.
func HashToken(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// NewToken returns a fresh random API token: 32 letters and digits, about 190 bits,
// safe to paste into a shell or a header.
func NewToken() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 0, 32)
	buf := make([]byte, 48)
	for len(out) < cap(out) {
		rand.Read(buf)
		for _, b := range buf {
			// 248 = 4*62: rejecting larger bytes keeps every letter equally likely.
			if b < 248 && len(out) < cap(out) {
				out = append(out, alphabet[b%62])
			}
		}
	}
	return string(out)
}

// Authenticate resolves an X-Api-Token to its actor. It returns ErrUnauthorized for a
// missing or unknown token and for a blocked manager.
func (s *Service) Authenticate(ctx context.Context, token string) (domain.Actor, error) {
	if token == "" {
		return domain.Actor{}, domain.Errorf(domain.ErrUnauthorized, domain.MsgTokenMissing)
	}
	h := HashToken(token)
	e, ok := s.tokens.get(h)
	if !ok {
		// Read the epoch before the row: if a change commits in between, the entry is
		// filed under the older epoch and discarded on the next look-up. That holds
		// for a look-up between a change's commit and this node adopting its epoch
		// too: the change's epoch is above every epoch committed before it (the bump
		// holds the epoch row until commit), so an entry read before the commit is
		// dead once the change is answered, and one read after it sees the change.
		// What it cannot hold is a status changed without a bump; that is why a
		// manager's update compares with its row read under a lock (managerForUpdate).
		epoch := s.tokens.epoch.Load()
		actor, status, err := s.db.Reader().ActorByTokenHash(ctx, h[:])
		if err != nil {
			return domain.Actor{}, err
		}
		e = tokenEntry{actor: actor, status: status, epoch: epoch}
		s.tokens.put(h, e)
	}
	if e.status != domain.ManagerStatusActive {
		return domain.Actor{}, domain.Errorf(domain.ErrUnauthorized, domain.MsgManagerBlocked)
	}
	return e.actor, nil
}

// refreshAuthEpoch reads the database's auth epoch into the token cache.
func (s *Service) refreshAuthEpoch(ctx context.Context) error {
	e, err := s.db.Reader().AuthEpoch(ctx)
	if err != nil {
		return err
	}
	s.tokens.moveTo(e)
	return nil
}

// PollAuthEpoch refreshes the auth epoch every interval until ctx ends, so a token
// revoked through another node sharing the database stops working here within one
// interval.
func (s *Service) PollAuthEpoch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.refreshAuthEpoch(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("refresh auth epoch", "err", err)
			}
		}
	}
}
