package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

func ownerTestAccount(resellerID int64, name string) *domain.Account {
	return &domain.Account{ResellerID: resellerID, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
		Name: name, Email: name + "@example.com", Status: domain.AccountStatusActive,
		Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
}

func ownerTestUser(resellerID int64, email, first string) domain.User {
	return domain.User{ResellerID: resellerID, Email: email, FirstName: first, Status: domain.UserStatusActive,
		Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// TestCreateAccountWithOwner checks that an account made with a new owner gets that
// user, or the reseller's user with the same e-mail, never another reseller's, and
// takes the reseller's currency.
func TestCreateAccountWithOwner(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		other := mustReseller(t, db, r.ID, r.Path, "other")
		create := func(resellerID int64, name string, u *domain.User) *domain.Account {
			t.Helper()
			a := ownerTestAccount(resellerID, name)
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccountWithOwner(ctx, a, u) }); err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			if a.ID == 0 || a.OwnerID != u.ID || u.ID == 0 || a.Currency == "" {
				t.Fatalf("%s: account %d owner %d, user %d, currency %q", name, a.ID, a.OwnerID, u.ID, a.Currency)
			}
			stored, err := db.Reader().FindAccountByID(ctx, a.ID)
			if err != nil || stored.OwnerID != u.ID {
				t.Fatalf("%s as stored: %+v, %v; want owner %d", name, stored, err, u.ID)
			}
			return a
		}
		u1 := ownerTestUser(r.ID, "own@example.com", "First")
		create(r.ID, "a1", &u1)
		u2 := ownerTestUser(r.ID, "own@example.com", "Second")
		create(r.ID, "a2", &u2)
		if u2.ID != u1.ID {
			t.Errorf("same e-mail, same reseller: owner %d, want the existing user %d", u2.ID, u1.ID)
		}
		u3 := ownerTestUser(other.ID, "own@example.com", "Third")
		create(other.ID, "a3", &u3)
		if u3.ID == u1.ID {
			t.Errorf("another reseller's account got the first reseller's user %d", u1.ID)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestCreateAccountWithOwnerRace checks the owner of an account whose new owner's
// e-mail another transaction is inserting at the same moment: the account waits for
// that transaction and takes its user. On PostgreSQL the one-statement form cannot
// see that user (it committed after the statement began) and falls back to two
// statements; on SQLite the create waits for its turn to write and finds the user.
func TestCreateAccountWithOwnerRace(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		first := ownerTestUser(r.ID, "race@example.com", "First")
		inserted, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		var holder int64 // the backend of the transaction holding the user's row (PostgreSQL)
		go func() {
			done <- db.InTx(ctx, func(c *store.Conn) error {
				if err := c.EnsureUser(ctx, &first); err != nil {
					return err
				}
				if e.Name == "postgres" {
					if err := c.Row(ctx, "SELECT CAST(pg_backend_pid() AS BIGINT)", nil, &holder); err != nil {
						return err
					}
				}
				close(inserted)
				<-release
				return nil
			})
		}()
		<-inserted
		before := db.Statements()
		polls := make(chan uint64, 1) // the statements that looked for the create's wait
		if e.Name == "postgres" {
			go func() { polls <- releaseOnceBlocked(ctx, db, holder, release) }()
		} else {
			// SQLite: the create waits for the one writer whenever it comes.
			go func() { time.Sleep(100 * time.Millisecond); close(release); polls <- 0 }()
		}
		a := ownerTestAccount(r.ID, "racer")
		u := ownerTestUser(r.ID, "race@example.com", "Second")
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccountWithOwner(ctx, a, &u) }); err != nil {
			t.Fatalf("create: %v", err)
		}
		if err := <-done; err != nil {
			t.Fatalf("first user: %v", err)
		}
		if a.OwnerID != first.ID || u.ID != first.ID {
			t.Errorf("owner %d (user %d), want the user the other transaction made, %d", a.OwnerID, u.ID, first.ID)
		}
		// The other transaction's scope move (at its commit), EnsureUser's insert and
		// read, the account's INSERT, the owner link and the scope move, which counts
		// the account; on PostgreSQL the one statement tried first.
		want := uint64(6)
		if e.Name == "postgres" {
			want = 7
		}
		if n := db.Statements() - before - <-polls; n != want {
			t.Errorf("statements from the create's start: %d, want %d", n, want)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

// releaseOnceBlocked closes release once a transaction waits on the PostgreSQL
// backend holder (a fixed pause raced a loaded machine), or after ten seconds, when
// the test that waits for it fails. It returns how many statements it ran to look.
func releaseOnceBlocked(ctx context.Context, db *store.DB, holder int64, release chan struct{}) (polls uint64) {
	defer close(release)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		var waiting int64
		polls++
		err := db.InTx(ctx, func(c *store.Conn) error {
			return c.Row(ctx, "SELECT COUNT(*) FROM pg_stat_activity WHERE CAST($1 AS INTEGER) = ANY(pg_blocking_pids(pid))",
				[]any{holder}, &waiting)
		})
		if err != nil || waiting > 0 {
			return polls
		}
		time.Sleep(10 * time.Millisecond)
	}
	return polls
}
