package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// mgManagerChange is a valid new sales manager with the given e-mail.
func mgManagerChange(email string) domain.ManagerChange {
	name, password, role := "Answered Manager", "secret123", string(domain.RoleSales)
	return domain.ManagerChange{Name: &name, Email: &email, Password: &password, Role: &role}
}

// TestIdempotencyAnswerRecordedWithCommit runs a create with a Presenter and never
// calls FinishIdempotent, as when the process dies right after the commit: the
// transaction has recorded the answer, sealed, and a retry replays it.
func TestIdempotencyAnswerRecordedWithCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, admin := mgNewService(t, db, domain.NewTestClock(time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)))
		fp := []byte("POST /api/v3/resellers/1/managers\n{...}")

		c := mgClaim(t, s, admin, "answered", fp)
		presented := 0
		rctx := WithPresenter(WithClaim(ctx, c), func(result any) (int, []byte, error) {
			presented++
			n := result.(NewManager)
			return 201, fmt.Appendf(nil, `{"id":%d,"api_token":%q}`, n.Manager.ID, n.Token), nil
		})
		m, token, err := s.CreateManager(rctx, admin, domain.OperatorID, mgManagerChange("answered@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"id":%d,"api_token":%q}`, m.ID, token)
		if presented != 1 {
			t.Fatalf("presenter called %d times, want once", presented)
		}
		stored := mgStored(t, db, s, c, fp)
		if stored.State != store.IdemDone || stored.Status != 201 || bytes.Contains(stored.Response, []byte(token)) {
			t.Fatalf("stored answer %q in state %s with status %d, want it sealed, done and 201",
				stored.Response, stored.State, stored.Status)
		}
		mgWantReplay(t, s, admin, "answered", fp, 201, want)

		// The later recording step has nothing left to do: the first answer stays.
		if err := s.FinishIdempotent(ctx, c, 500, []byte("late answer")); err != nil {
			t.Fatal(err)
		}
		mgWantReplay(t, s, admin, "answered", fp, 201, want)
	})
}

// TestIdempotencyPresenterFailureRollsBack checks that an answer that cannot be
// rendered undoes the request's changes, so the key is released and nothing is left
// half done.
func TestIdempotencyPresenterFailureRollsBack(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)))
		fp := []byte("fingerprint")
		broken := errors.New("cannot render")

		c := mgClaim(t, s, admin, "unrendered", fp)
		rctx := WithPresenter(WithClaim(ctx, c), func(any) (int, []byte, error) { return 0, nil, broken })
		if _, err := s.CreateReseller(rctx, admin, domain.OperatorID, mgResellerChange("unrendered.example.com")); !errors.Is(err, broken) {
			t.Fatalf("create with a failing presenter: %v, want %v", err, broken)
		}
		if n := mgResellersOn(t, s, admin, "unrendered.example.com"); n != 0 {
			t.Fatalf("%d resellers after the failed answer, want 0", n)
		}
		if err := s.FinishIdempotent(ctx, c, 500, []byte("oops")); err != nil {
			t.Fatal(err)
		}
		mgClaim(t, s, admin, "unrendered", []byte("another request"))
	})
}

// TestWithPresenterNeedsClaim checks that a request without an Idempotency-Key never
// renders its answer in its transaction.
func TestWithPresenterNeedsClaim(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)))
		rctx := WithPresenter(ctx, func(any) (int, []byte, error) {
			t.Fatal("presenter called without a claim")
			return 0, nil, nil
		})
		if rctx != ctx {
			t.Fatal("WithPresenter without a claim changed the context")
		}
		if _, err := s.CreateReseller(rctx, admin, domain.OperatorID, mgResellerChange("unkeyed.example.com")); err != nil {
			t.Fatal(err)
		}
	})
}
