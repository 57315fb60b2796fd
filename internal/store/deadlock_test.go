package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestIsDeadlockKnowsPostgreSQLsAnswer makes two transactions lock two rows in
// opposite orders: PostgreSQL fails one of them, and IsDeadlock must recognise that
// failure through the store's wrapping, since the scheduler runs such a batch again.
func TestIsDeadlockKnowsPostgreSQLsAnswer(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		if e.Name == "sqlite" {
			return // one writer: no deadlock to break
		}
		db := storetest.Open(t, e)
		a := mustReseller(t, db, 0, "", "a")
		b := mustReseller(t, db, a.ID, a.Path, "b")
		ctx := context.Background()
		var locked sync.WaitGroup // both hold their first row before either asks for its second
		locked.Add(2)
		lockBoth := func(first, second int64) error {
			return db.InTx(ctx, func(c *store.Conn) error {
				var id int64
				if err := c.Row(ctx, `SELECT id FROM resellers WHERE id = $1 FOR UPDATE`, []any{first}, &id); err != nil {
					return err
				}
				locked.Done()
				locked.Wait()
				return c.Row(ctx, `SELECT id FROM resellers WHERE id = $1 FOR UPDATE`, []any{second}, &id)
			})
		}
		errs := make(chan error, 2)
		go func() { errs <- lockBoth(a.ID, b.ID) }()
		go func() { errs <- lockBoth(b.ID, a.ID) }()
		e1, e2 := <-errs, <-errs
		failed := errors.Join(e1, e2)
		if e1 != nil && e2 != nil || failed == nil {
			t.Fatalf("errors %v and %v: want exactly one transaction failed", e1, e2)
		}
		if !store.IsDeadlock(failed) {
			t.Fatalf("IsDeadlock(%v) = false", failed)
		}
		if store.IsDeadlock(errors.New("other")) {
			t.Fatal("IsDeadlock of another error")
		}
	})
}
