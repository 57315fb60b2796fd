package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestGenerationsAreScoped checks that a write moves the generation of the scopes it
// changes and of no other: an account write leaves the catalogue, the reseller and
// another reseller's accounts alone. It checks too that a commit of another process
// sharing the database is seen at once (on SQLite through the data_version check),
// that a rolled-back write moves nothing, that a manager's change moves the
// resellers it manages, and that a transaction that touched a scope may not cache it.
func TestGenerationsAreScoped(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		a := mustReseller(t, db, 0, "", "scope-a")
		b := mustReseller(t, db, a.ID, a.Path, "scope-b")
		scopes := []store.Scope{store.ScopeCatalog, store.ScopeReference, store.ResellerScope(a.ID),
			store.ResellerScope(b.ID), store.AccountsScope(a.ID), store.AccountsScope(b.ID)}
		gens := func(db *store.DB) map[store.Scope]int64 {
			t.Helper()
			out := make(map[store.Scope]int64)
			for _, s := range scopes {
				g, ok, err := db.Reader().Generation(ctx, s)
				if err != nil || !ok {
					t.Fatalf("generation of %s: ok=%t err=%v, want one", s, ok, err)
				}
				out[s] = g
			}
			return out
		}
		// moved checks that exactly the scopes named moved since before.
		moved := func(db *store.DB, before map[store.Scope]int64, want ...store.Scope) map[store.Scope]int64 {
			t.Helper()
			after := gens(db)
			for _, s := range scopes {
				should := false
				for _, w := range want {
					should = should || w == s
				}
				if did := after[s] != before[s]; did != should {
					t.Fatalf("scope %s: moved=%t (%d -> %d), want %t", s, did, before[s], after[s], should)
				}
			}
			return after
		}
		before := gens(db)
		account := &domain.Account{ResellerID: b.ID, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
			Name: "Scoped", Email: "scoped@example.com", Status: domain.AccountStatusActive, Currency: "EUR",
			Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.CreateAccount(ctx, account); err != nil {
				return err
			}
			if _, ok, err := c.Generation(ctx, store.AccountsScope(b.ID)); ok || err != nil {
				t.Errorf("generation of a scope the transaction touched: ok=%t err=%v, want none", ok, err)
			}
			if _, ok, err := c.Generation(ctx, store.ScopeCatalog); !ok || err != nil {
				t.Errorf("generation of an untouched scope in the transaction: ok=%t err=%v, want one", ok, err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("create account: %v", err)
		}
		before = moved(db, before, store.AccountsScope(b.ID))

		failed := errors.New("rolled back")
		err = db.InTx(ctx, func(c *store.Conn) error {
			cur, err := c.FindAccountForUpdate(ctx, account.ID)
			if err != nil {
				return err
			}
			cur.Name = "never"
			if err := c.UpdateAccount(ctx, cur); err != nil {
				return err
			}
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatalf("rolled-back update: %v", err)
		}
		before = moved(db, before)

		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer other.Close()
		err = other.InTx(ctx, func(c *store.Conn) error {
			cur, err := c.FindResellerForUpdate(ctx, a.ID)
			if err != nil {
				return err
			}
			cur.General.Name = "renamed elsewhere"
			return c.UpdateReseller(ctx, cur)
		})
		if err != nil {
			t.Fatalf("update reseller in another process: %v", err)
		}
		before = moved(db, before, store.ResellerScope(a.ID))

		m := lkManager(t, db, a.ID, "upstream@example.com")
		err = db.InTx(ctx, func(c *store.Conn) error {
			cur, err := c.FindResellerForUpdate(ctx, b.ID)
			if err != nil {
				return err
			}
			cur.General.ManagerID = m.ID
			return c.UpdateReseller(ctx, cur)
		})
		if err != nil {
			t.Fatalf("attach upstream manager: %v", err)
		}
		before = moved(db, before, store.ResellerScope(b.ID))
		err = db.InTx(ctx, func(c *store.Conn) error {
			cur, err := c.FindManagerForUpdate(ctx, m.ID)
			if err != nil {
				return err
			}
			cur.Name = "Renamed manager"
			return c.UpdateManager(ctx, cur)
		})
		if err != nil {
			t.Fatalf("rename manager: %v", err)
		}
		before = moved(db, before, store.ResellerScope(b.ID))

		if err := db.InTx(ctx, func(c *store.Conn) error { return c.LockCatalogs(ctx) }); err != nil {
			t.Fatalf("lock catalogues: %v", err)
		}
		moved(db, before, store.ScopeCatalog)

		if _, ok, err := db.Reader().Generation(ctx, store.ResellerScope(999999)); ok || err != nil {
			t.Fatalf("generation of a scope without rows: ok=%t err=%v, want none", ok, err)
		}
	})
}
