package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// mgNewService returns a service over a fresh database of engine e with the
// operator bootstrapped, and the operator administrator acting.
func mgNewService(t *testing.T, db *store.DB, clock domain.Clock) (*Service, domain.Actor) {
	t.Helper()
	ctx := context.Background()
	s := New(db, clock, Options{PasswordCost: bcrypt.MinCost, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	token, err := s.Bootstrap(ctx, Operator{Name: "Operator", Domain: "operator.example.com", Currency: "EUR",
		AdminName: "Administrator", AdminEmail: "admin@operator.example.com"})
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	admin, err := s.Authenticate(ctx, token)
	if err != nil {
		t.Fatalf("authenticate the administrator: %v", err)
	}
	return s, admin
}

var mgSeq atomic.Int64

// mgCreateManager creates a manager of the operator with the given role and returns
// it with its token.
func mgCreateManager(t *testing.T, s *Service, admin domain.Actor, role domain.Role) (*domain.Manager, string) {
	t.Helper()
	name := fmt.Sprintf("manager-%s-%d", role, mgSeq.Add(1))
	email, password, r := name+"@example.com", "secret123", string(role)
	m, token, err := s.CreateManager(context.Background(), admin, domain.OperatorID, domain.ManagerChange{
		Name: &name, Email: &email, Password: &password, Role: &r})
	if err != nil {
		t.Fatalf("create %s manager: %v", role, err)
	}
	return m, token
}

// mgMessage returns the message of err's first domain error, or "".
func mgMessage(err error) domain.Message {
	var e *domain.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// mgSetStatus changes a manager's status as the administrator.
func mgSetStatus(t *testing.T, s *Service, admin domain.Actor, id int64, status domain.ManagerStatus) {
	t.Helper()
	st := string(status)
	if _, err := s.UpdateManager(context.Background(), admin, domain.OperatorID, id, domain.ManagerChange{Status: &st}); err != nil {
		t.Fatalf("set manager %d %s: %v", id, status, err)
	}
}

// mgWantRefused asserts that token no longer authenticates, with the given reason.
func mgWantRefused(t *testing.T, s *Service, token string, msg domain.Message) {
	t.Helper()
	_, err := s.Authenticate(context.Background(), token)
	if domain.CodeOf(err) != domain.ErrUnauthorized || mgMessage(err) != msg {
		t.Fatalf("Authenticate = %v, want unauthorized %s", err, msg)
	}
}

func TestAuthenticate(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s, admin := mgNewService(t, storetest.Open(t, e), domain.SystemClock{})
		m, token := mgCreateManager(t, s, admin, domain.RoleSales)
		tests := []struct {
			name  string
			token string
			msg   domain.Message
		}{
			{"ErrTokenMissing", "", domain.MsgTokenMissing},
			{"ErrTokenUnknown", "no-such-token", domain.MsgTokenInvalid},
			{"ErrTokenTruncated", token[:len(token)-1], domain.MsgTokenInvalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				mgWantRefused(t, s, tt.token, tt.msg)
			})
		}
		t.Run("OK", func(t *testing.T) {
			for range 2 { // the second answer comes from the cache
				a, err := s.Authenticate(context.Background(), token)
				if err != nil {
					t.Fatal(err)
				}
				want := domain.Actor{ManagerID: m.ID, ResellerID: domain.OperatorID, ResellerPath: "/1/", Role: domain.RoleSales}
				if a != want {
					t.Fatalf("actor = %+v, want %+v", a, want)
				}
			}
		})
	})
}

func TestAuthenticateAfterLocalCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.SystemClock{})

		t.Run("Blocked", func(t *testing.T) {
			m, token := mgCreateManager(t, s, admin, domain.RoleSales)
			for round := 0; round < 3; round++ {
				if _, err := s.Authenticate(ctx, token); err != nil {
					t.Fatalf("round %d, active: %v", round, err)
				}
				mgSetStatus(t, s, admin, m.ID, domain.ManagerStatusInactive)
				mgWantRefused(t, s, token, domain.MsgManagerBlocked)
				mgSetStatus(t, s, admin, m.ID, domain.ManagerStatusActive)
				if _, err := s.Authenticate(ctx, token); err != nil {
					t.Fatalf("round %d, reactivated: %v", round, err)
				}
			}
		})
		t.Run("Rotated", func(t *testing.T) {
			m, old := mgCreateManager(t, s, admin, domain.RoleOwner)
			if _, err := s.Authenticate(ctx, old); err != nil {
				t.Fatal(err)
			}
			_, fresh, err := s.RotateManagerToken(ctx, admin, domain.OperatorID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			mgWantRefused(t, s, old, domain.MsgTokenInvalid)
			if a, err := s.Authenticate(ctx, fresh); err != nil || a.ManagerID != m.ID {
				t.Fatalf("new token = %+v, %v; want manager %d", a, err, m.ID)
			}
		})
		t.Run("RoleChanged", func(t *testing.T) {
			m, token := mgCreateManager(t, s, admin, domain.RoleSales)
			if a, err := s.Authenticate(ctx, token); err != nil || a.Role != domain.RoleSales {
				t.Fatalf("before: %+v, %v", a, err)
			}
			owner := string(domain.RoleOwner)
			if _, err := s.UpdateManager(ctx, admin, domain.OperatorID, m.ID, domain.ManagerChange{Role: &owner}); err != nil {
				t.Fatal(err)
			}
			if a, err := s.Authenticate(ctx, token); err != nil || a.Role != domain.RoleOwner {
				t.Fatalf("after the role change: %+v, %v; want role owner", a, err)
			}
		})
	})
}

// TestTokenCacheStaleReadAfterCommit replays the race the epoch exists for: a request
// reads a token's row just before a block commits, and files it in the cache just
// after. The entry carries the epoch read before the row, so it is never served.
func TestTokenCacheStaleReadAfterCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, admin := mgNewService(t, db, domain.SystemClock{})

		t.Run("Blocked", func(t *testing.T) {
			m, token := mgCreateManager(t, s, admin, domain.RoleSales)
			h := HashToken(token)
			epoch := s.tokens.epoch.Load()
			actor, status, err := db.Reader().ActorByTokenHash(ctx, h[:])
			if err != nil || status != domain.ManagerStatusActive {
				t.Fatalf("read before the change: %v, %v", status, err)
			}
			mgSetStatus(t, s, admin, m.ID, domain.ManagerStatusInactive)
			s.tokens.put(h, tokenEntry{actor: actor, status: status, epoch: epoch})
			mgWantRefused(t, s, token, domain.MsgManagerBlocked)
		})
		t.Run("Rotated", func(t *testing.T) {
			m, token := mgCreateManager(t, s, admin, domain.RoleSales)
			h := HashToken(token)
			epoch := s.tokens.epoch.Load()
			actor, status, err := db.Reader().ActorByTokenHash(ctx, h[:])
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.RotateManagerToken(ctx, admin, domain.OperatorID, m.ID); err != nil {
				t.Fatal(err)
			}
			s.tokens.put(h, tokenEntry{actor: actor, status: status, epoch: epoch})
			mgWantRefused(t, s, token, domain.MsgTokenInvalid)
		})
	})
}

// TestTokenCacheConcurrentBlock authenticates from several goroutines while the
// manager is blocked: no call that starts after the block has returned may succeed.
func TestTokenCacheConcurrentBlock(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.SystemClock{})
		m, token := mgCreateManager(t, s, admin, domain.RoleSales)
		for round := 0; round < 5; round++ {
			var (
				committed atomic.Bool
				served    atomic.Int64 // successes that started after the commit
				wg, ready sync.WaitGroup
			)
			const workers, afterCommit = 4, 50
			for range workers {
				wg.Add(1)
				ready.Add(1)
				go func() {
					defer wg.Done()
					// Every worker has the token cached before the block starts.
					if _, err := s.Authenticate(ctx, token); err != nil {
						t.Errorf("before the block: %v", err)
					}
					ready.Done()
					for n := 0; n < afterCommit; {
						after := committed.Load()
						_, err := s.Authenticate(ctx, token)
						if !after {
							runtime.Gosched() // leave the block room to run
							continue
						}
						n++
						if err == nil {
							served.Add(1)
						}
					}
				}()
			}
			ready.Wait()
			mgSetStatus(t, s, admin, m.ID, domain.ManagerStatusInactive)
			committed.Store(true)
			wg.Wait()
			if n := served.Load(); n != 0 {
				t.Fatalf("round %d: the blocked manager's token was served %d times after the block returned", round, n)
			}
			mgSetStatus(t, s, admin, m.ID, domain.ManagerStatusActive)
			if _, err := s.Authenticate(ctx, token); err != nil {
				t.Fatalf("round %d, reactivated: %v", round, err)
			}
		}
	})
}

// TestTokenCacheOtherNode runs two services on one database, as two API nodes do: a
// change through one reaches the other's cache when that node reads the epoch.
func TestTokenCacheOtherNode(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		one, admin := mgNewService(t, db, domain.SystemClock{})
		other := New(db, domain.SystemClock{}, Options{PasswordCost: bcrypt.MinCost})
		m, token := mgCreateManager(t, one, admin, domain.RoleSales)
		if _, err := one.Authenticate(ctx, token); err != nil {
			t.Fatal(err)
		}
		mgSetStatus(t, other, admin, m.ID, domain.ManagerStatusInactive)
		// Until it polls, the first node answers from its cache without a query: that is
		// the window PollAuthEpoch bounds.
		if _, err := one.Authenticate(ctx, token); err != nil {
			t.Fatalf("before the poll: %v, want the cached answer", err)
		}
		if err := one.refreshAuthEpoch(ctx); err != nil {
			t.Fatal(err)
		}
		mgWantRefused(t, one, token, domain.MsgManagerBlocked)
		mgWantRefused(t, other, token, domain.MsgManagerBlocked)
	})
}

func TestAuthEpoch(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, admin := mgNewService(t, db, domain.SystemClock{})
		m, token := mgCreateManager(t, s, admin, domain.RoleSales)
		if _, err := s.Authenticate(ctx, token); err != nil {
			t.Fatal(err)
		}
		epoch := func(t *testing.T) int64 {
			t.Helper()
			e, err := db.Reader().AuthEpoch(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if local := s.tokens.epoch.Load(); local != e {
				t.Fatalf("local epoch %d, database epoch %d: a local commit must move the local epoch", local, e)
			}
			return e
		}
		str := func(v string) *string { return &v }
		tests := []struct {
			name   string
			change func() error
			moves  bool
		}{
			{"Name", func() error {
				_, err := s.UpdateManager(ctx, admin, 1, m.ID, domain.ManagerChange{Name: str("Renamed")})
				return err
			}, false},
			{"Phone", func() error {
				_, err := s.UpdateManager(ctx, admin, 1, m.ID, domain.ManagerChange{Phone: str("+375291112233")})
				return err
			}, false},
			{"SameStatus", func() error {
				_, err := s.UpdateManager(ctx, admin, 1, m.ID, domain.ManagerChange{Status: str("active")})
				return err
			}, false},
			{"Status", func() error {
				_, err := s.UpdateManager(ctx, admin, 1, m.ID, domain.ManagerChange{Status: str("inactive")})
				return err
			}, true},
			{"Role", func() error {
				_, err := s.UpdateManager(ctx, admin, 1, m.ID, domain.ManagerChange{Role: str("marketing")})
				return err
			}, true},
			{"Token", func() error {
				_, _, err := s.RotateManagerToken(ctx, admin, 1, m.ID)
				return err
			}, true},
			{"NewManager", func() error {
				mgCreateManager(t, s, admin, domain.RoleOwner)
				return nil
			}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := epoch(t)
				if err := tt.change(); err != nil {
					t.Fatal(err)
				}
				after := epoch(t)
				if moved := after > before; moved != tt.moves {
					t.Fatalf("epoch %d -> %d; want moved=%v", before, after, tt.moves)
				}
			})
		}
		t.Run("CacheSurvivesOtherChanges", func(t *testing.T) {
			_, token := mgCreateManager(t, s, admin, domain.RoleSales)
			if _, err := s.Authenticate(ctx, token); err != nil {
				t.Fatal(err)
			}
			h := HashToken(token)
			if _, ok := s.tokens.get(h); !ok {
				t.Fatal("token not cached after authenticating")
			}
			if _, err := s.UpdateManager(ctx, admin, 1, m.ID, domain.ManagerChange{Name: str("Renamed again")}); err != nil {
				t.Fatal(err)
			}
			if _, ok := s.tokens.get(h); !ok {
				t.Fatal("a change that touches no access dropped the cache")
			}
		})
	})
}

func TestTokenCacheEpochOnlyMovesForward(t *testing.T) {
	c := newTokenCache()
	h := HashToken("token")
	c.moveTo(5)
	c.moveTo(3)
	if got := c.epoch.Load(); got != 5 {
		t.Fatalf("epoch = %d, want 5", got)
	}
	c.put(h, tokenEntry{epoch: 5})
	if _, ok := c.get(h); !ok {
		t.Fatal("entry of the current epoch not served")
	}
	c.moveTo(6)
	if _, ok := c.get(h); ok {
		t.Fatal("entry of epoch 5 served at epoch 6")
	}
	c.put(h, tokenEntry{epoch: 4})
	if _, ok := c.get(h); ok {
		t.Fatal("entry of epoch 4 served at epoch 6")
	}
}
