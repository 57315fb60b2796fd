package service

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// mgClaim claims key for the actor and fails unless a fresh claim comes back.
func mgClaim(t *testing.T, s *Service, a domain.Actor, key string, fp []byte) *Claim {
	t.Helper()
	c, replay, err := s.ClaimIdempotencyKey(context.Background(), a, key, fp)
	if err != nil || replay != nil || c == nil {
		t.Fatalf("claim %q = %v, %+v, %v; want a fresh claim", key, c, replay, err)
	}
	return c
}

// mgWantConflict asserts that claiming key fails with a 409 of the given message.
func mgWantConflict(t *testing.T, s *Service, a domain.Actor, key string, fp []byte, msg domain.Message) {
	t.Helper()
	c, replay, err := s.ClaimIdempotencyKey(context.Background(), a, key, fp)
	if domain.CodeOf(err) != domain.ErrConflict || mgMessage(err) != msg {
		t.Fatalf("claim %q = %v, %+v, %v; want conflict %s", key, c, replay, err, msg)
	}
}

// mgWantReplay asserts that claiming key replays the given answer.
func mgWantReplay(t *testing.T, s *Service, a domain.Actor, key string, fp []byte, status int, body string) {
	t.Helper()
	c, replay, err := s.ClaimIdempotencyKey(context.Background(), a, key, fp)
	if err != nil || c != nil || replay == nil {
		t.Fatalf("claim %q = %v, %+v, %v; want a replay", key, c, replay, err)
	}
	if replay.Status != status || string(replay.Body) != body {
		t.Fatalf("replay = %d %q, want %d %q", replay.Status, replay.Body, status, body)
	}
}

// mgStored reads the record of the claim's key as stored.
func mgStored(t *testing.T, db *store.DB, s *Service, c *Claim, fp []byte) *store.IdempotencyRecord {
	t.Helper()
	ctx := context.Background()
	var stored *store.IdempotencyRecord
	err := db.InTx(ctx, func(conn *store.Conn) error {
		var err error
		stored, err = conn.ClaimIdempotencyKey(ctx, &store.IdempotencyRecord{ManagerID: c.managerID,
			KeyHash: c.keyHash, Fingerprint: fp, Owner: []byte("reader")}, s.clock.Now())
		return err
	})
	if err != nil || stored == nil {
		t.Fatalf("read the stored key: %+v, %v", stored, err)
	}
	return stored
}

// mgResellerChange is a valid new reseller on the given domain.
func mgResellerChange(domainName string) domain.ResellerChange {
	name, cur := "Claimed "+domainName, "EUR"
	return domain.ResellerChange{Name: &name, Domain: &domainName, Currency: &cur}
}

// mgResellersOn counts the operator's downstream resellers on a domain.
func mgResellersOn(t *testing.T, s *Service, a domain.Actor, domainName string) int {
	t.Helper()
	q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}.Where("domain", domain.OpIn, domainName)
	_, n, err := s.FindChildResellers(context.Background(), a, domain.OperatorID, q)
	if err != nil {
		t.Fatal(err)
	}
	return n.Total
}

func TestIdempotencyTakeOverStaleClaim(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock := domain.NewTestClock(time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC))
		s, admin := mgNewService(t, storetest.Open(t, e), clock)
		fp := []byte("POST /api/v3/resellers/1/child_resellers\n{...}")

		first := mgClaim(t, s, admin, "takeover", fp)
		// A retry inside the stale window finds the request still running.
		mgWantConflict(t, s, admin, "takeover", fp, domain.MsgIdempotencyInFlight)
		clock.Advance(idempotencyStaleAfter)
		mgWantConflict(t, s, admin, "takeover", fp, domain.MsgIdempotencyInFlight)

		// Past the window the first request counts as dead, and a retry takes its key.
		clock.Advance(time.Microsecond)
		second := mgClaim(t, s, admin, "takeover", fp)
		mgWantConflict(t, s, admin, "takeover", fp, domain.MsgIdempotencyInFlight)

		// The first request was not dead after all: its transaction can no longer
		// mark the key, so its change rolls back.
		_, err := s.CreateReseller(WithClaim(ctx, first), admin, domain.OperatorID, mgResellerChange("first.example.com"))
		if domain.CodeOf(err) != domain.ErrConflict || mgMessage(err) != domain.MsgIdempotencyInFlight {
			t.Fatalf("original request after the take-over: %v, want conflict %s", err, domain.MsgIdempotencyInFlight)
		}
		if n := mgResellersOn(t, s, admin, "first.example.com"); n != 0 {
			t.Fatalf("%d resellers from the overtaken request, want 0", n)
		}
		// Its late answer is not recorded either.
		if err := s.FinishIdempotent(ctx, first, 409, []byte("first answer")); err != nil {
			t.Fatal(err)
		}

		r, err := s.CreateReseller(WithClaim(ctx, second), admin, domain.OperatorID, mgResellerChange("second.example.com"))
		if err != nil {
			t.Fatalf("request holding the key: %v", err)
		}
		if err := s.FinishIdempotent(ctx, second, 201, []byte("second answer")); err != nil {
			t.Fatal(err)
		}
		mgWantReplay(t, s, admin, "takeover", fp, 201, "second answer")
		if n := mgResellersOn(t, s, admin, "second.example.com"); n != 1 || r.ID == 0 {
			t.Fatalf("%d resellers from the request holding the key, want 1", n)
		}

		// A done key is never taken over, however old.
		clock.Advance(IdempotencyTTL - time.Minute)
		mgWantReplay(t, s, admin, "takeover", fp, 201, "second answer")
	})
}

func TestIdempotencyCommittedAwaitingAnswer(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock := domain.NewTestClock(time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC))
		s, admin := mgNewService(t, storetest.Open(t, e), clock)
		fp := []byte("fingerprint")

		c := mgClaim(t, s, admin, "committed", fp)
		if err := s.inTx(WithClaim(ctx, c), func(*store.Conn) error { return nil }); err != nil {
			t.Fatal(err)
		}
		// Between the commit and the recording of the answer a retry must wait.
		mgWantConflict(t, s, admin, "committed", fp, domain.MsgIdempotencyInFlight)
		// Long after, the answer is lost for good, and the committed key is never
		// taken over: that would run the request twice.
		clock.Advance(idempotencyStaleAfter + time.Second)
		mgWantConflict(t, s, admin, "committed", fp, domain.MsgIdempotencyLost)

		if err := s.FinishIdempotent(ctx, c, 201, []byte("late answer")); err != nil {
			t.Fatal(err)
		}
		mgWantReplay(t, s, admin, "committed", fp, 201, "late answer")
	})
}

func TestIdempotencyFinish(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, admin := mgNewService(t, db, domain.NewTestClock(time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)))
		fp := []byte("fingerprint")

		t.Run("ServerErrorBeforeCommitReleases", func(t *testing.T) {
			c := mgClaim(t, s, admin, "released", fp)
			if err := s.FinishIdempotent(ctx, c, 500, []byte("oops")); err != nil {
				t.Fatal(err)
			}
			mgClaim(t, s, admin, "released", []byte("another request"))
		})
		t.Run("ServerErrorAfterCommitKept", func(t *testing.T) {
			c := mgClaim(t, s, admin, "kept", fp)
			if err := s.inTx(WithClaim(ctx, c), func(*store.Conn) error { return nil }); err != nil {
				t.Fatal(err)
			}
			if err := s.FinishIdempotent(ctx, c, 500, []byte("committed, then failed")); err != nil {
				t.Fatal(err)
			}
			mgWantReplay(t, s, admin, "kept", fp, 500, "committed, then failed")
		})
		t.Run("ClientGoneBeforeCommitReleases", func(t *testing.T) {
			c := mgClaim(t, s, admin, "gone", fp)
			if err := s.FinishIdempotent(ctx, c, StatusClientClosed, nil); err != nil {
				t.Fatal(err)
			}
			mgClaim(t, s, admin, "gone", fp)
		})
		t.Run("ClientGoneAfterCommitAwaitsAnswer", func(t *testing.T) {
			c := mgClaim(t, s, admin, "gone after commit", fp)
			if err := s.inTx(WithClaim(ctx, c), func(*store.Conn) error { return nil }); err != nil {
				t.Fatal(err)
			}
			if err := s.FinishIdempotent(ctx, c, StatusClientClosed, nil); err != nil {
				t.Fatal(err)
			}
			// Nobody got an answer: none is replayed, and the changes are never run again.
			mgWantConflict(t, s, admin, "gone after commit", fp, domain.MsgIdempotencyInFlight)
		})
		t.Run("ValidationErrorKept", func(t *testing.T) {
			c := mgClaim(t, s, admin, "invalid", fp)
			if err := s.FinishIdempotent(ctx, c, 422, []byte("invalid")); err != nil {
				t.Fatal(err)
			}
			mgWantReplay(t, s, admin, "invalid", fp, 422, "invalid")
		})
		t.Run("OtherRequestIsInvalid", func(t *testing.T) {
			_, _, err := s.ClaimIdempotencyKey(ctx, admin, "invalid", []byte("another request"))
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.ErrInvalid || de.Header != "Idempotency-Key" ||
				de.Message != domain.MsgIdempotencyMismatch {
				t.Fatalf("claim with another fingerprint = %v, want invalid at the Idempotency-Key header", err)
			}
		})
		t.Run("PerManager", func(t *testing.T) {
			other, _ := mgCreateManager(t, s, admin, domain.RoleAdmin)
			actor := admin
			actor.ManagerID = other.ID
			mgClaim(t, s, actor, "invalid", []byte("another request"))
		})
		t.Run("AnswerIsSealed", func(t *testing.T) {
			const secret = `{"api_token":"very-secret-token"}`
			c := mgClaim(t, s, admin, "sealed", fp)
			if err := s.FinishIdempotent(ctx, c, 201, []byte(secret)); err != nil {
				t.Fatal(err)
			}
			stored := mgStored(t, db, s, c, fp)
			if stored.State != store.IdemDone || bytes.Contains(stored.Response, []byte("very-secret-token")) {
				t.Fatalf("stored answer %q in state %s, want it sealed and done", stored.Response, stored.State)
			}
			mgWantReplay(t, s, admin, "sealed", fp, 201, secret)
		})
	})
}

func TestValidIdempotencyKey(t *testing.T) {
	tests := []struct {
		name string
		key  string
		want bool
	}{
		{"OK", "order-2030-05-01/42", true},
		{"Longest", strings.Repeat("k", 255), true},
		{"Space", "a key", true},
		{"ErrEmpty", "", false},
		{"ErrTooLong", strings.Repeat("k", 256), false},
		{"ErrControl", "key\x7f", false},
		{"ErrTab", "key\t1", false},
		{"ErrNotASCII", "ключ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := validIdempotencyKey(tt.key); got != tt.want {
				t.Fatalf("validIdempotencyKey(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
	t.Run("ClaimRefuses", func(t *testing.T) {
		s := &Service{}
		_, _, err := s.ClaimIdempotencyKey(context.Background(), domain.Actor{ManagerID: 1}, strings.Repeat("k", 256), nil)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.ErrInvalid || de.Header != "Idempotency-Key" {
			t.Fatalf("claim with a 256-character key = %v, want invalid at the Idempotency-Key header", err)
		}
	})
}
