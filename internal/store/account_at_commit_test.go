package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// atCommitState reads what an account create writes for the reseller: its accounts,
// its users with the e-mail, its owner links, and the accounts scope's generation
// with the segments "generation:ids" its shards hold, joined by ';'.
func atCommitState(t *testing.T, db *store.DB, resellerID int64, email string) (accounts, users, links, gen int64, added string) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(c *store.Conn) error {
		return c.Row(ctx, `SELECT (SELECT COUNT(*) FROM accounts WHERE reseller_id = $1),
			(SELECT COUNT(*) FROM users WHERE reseller_id = $1 AND email = $2),
			(SELECT COUNT(*) FROM account_users au JOIN accounts a ON a.id = au.account_id
				WHERE a.reseller_id = $1 AND au.access_level = 'owner' AND au.user_id = a.owner_id),
			(SELECT COALESCE(CAST(SUM(generation) AS BIGINT), 0) FROM cache_scopes WHERE scope = $3),
			(SELECT COALESCE(string_agg(added, ';'), '') FROM cache_scopes WHERE scope = $3 AND added_generation = generation)`,
			[]any{resellerID, email, string(store.AccountsScope(resellerID))}, &accounts, &users, &links, &gen, &added)
	})
	if err != nil {
		t.Fatalf("read the state: %v", err)
	}
	return
}

// TestCreateAccountWithOwnerAtCommit checks the account create sent with the commit on
// PostgreSQL: one statement and one round trip write the owner, the account, the link,
// the counter and the scope move declaring the account; an existing user with the
// e-mail becomes the owner; and a create expecting moved reference data commits
// nothing at all (no user, no counter, no move) and says so. On SQLite the form does
// not apply and queues nothing.
func TestCreateAccountWithOwnerAtCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "at-commit")
		if e.Name != "postgres" {
			a, u := ownerTestAccount(r.ID, "lite"), ownerTestUser(r.ID, "lite@example.com", "Lite")
			err := db.InTx(ctx, func(c *store.Conn) error {
				if c.CreateAccountWithOwnerAtCommit(a, &u) {
					return errors.New("queued on SQLite")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		gen, _, err := db.Reader().Generation(ctx, store.ScopeReference)
		if err != nil {
			t.Fatal(err)
		}
		create := func(name, email string, expect int64) (*domain.Account, *domain.User, error) {
			a, u := ownerTestAccount(r.ID, name), ownerTestUser(r.ID, email, name)
			err := db.InTx(ctx, func(c *store.Conn) error {
				c.ExpectReference(expect)
				if !c.CreateAccountWithOwnerAtCommit(a, &u) {
					return errors.New("not queued")
				}
				if a.ID != 0 {
					return fmt.Errorf("account id %d before the commit", a.ID)
				}
				return nil
			})
			return a, &u, err
		}
		// Warm the connections' statement caches, so the round trips count only the
		// create.
		for i := range 16 {
			if _, _, err := create(fmt.Sprintf("warm%d", i), fmt.Sprintf("warm%d@example.com", i), gen); err != nil {
				t.Fatalf("warm: %v", err)
			}
		}
		statements, trips := db.Statements(), db.RoundTrips()
		a, u, err := create("one", "one@example.com", gen)
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if n, m := db.Statements()-statements, db.RoundTrips()-trips; n != 1 || m != 1 {
			t.Errorf("create ran %d statements in %d round trips, want 1 and 1", n, m)
		}
		if a.ID == 0 || a.OwnerID == 0 || u.ID != a.OwnerID || a.Currency == "" {
			t.Fatalf("account %d owner %d user %d currency %q after the commit", a.ID, a.OwnerID, u.ID, a.Currency)
		}
		accounts, users, links, scopeGen, added := atCommitState(t, db, r.ID, "one@example.com")
		if accounts != 17 || users != 1 || links != 17 {
			t.Errorf("accounts=%d users=%d owner links=%d, want 17, 1, 17", accounts, users, links)
		}
		if !declares(added, a.ID) {
			t.Errorf("the scope's moves declared %q, none of them the account %d", added, a.ID)
		}
		// The same e-mail again: the existing user owns the second account too.
		again, u2, err := create("again", "one@example.com", gen)
		if err != nil || u2.ID != u.ID || again.OwnerID != u.ID {
			t.Fatalf("same e-mail: owner %d user %d err=%v, want the user %d", again.OwnerID, u2.ID, err, u.ID)
		}

		// Reference data moved by another process: the commit fails and nothing of
		// the create is written.
		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		err = other.InTx(ctx, func(c *store.Conn) error {
			return c.Row(ctx, `UPDATE cache_scopes SET generation = generation + 1 WHERE scope = 'reference'
				RETURNING generation`, nil, new(int64))
		})
		if err != nil {
			t.Fatal(err)
		}
		accounts, _, links, scopeGen, _ = atCommitState(t, db, r.ID, "moved@example.com")
		if _, _, err := create("moved", "moved@example.com", gen); !errors.Is(err, store.ErrAccountNotWritten) {
			t.Fatalf("create expecting a moved generation: err=%v, want ErrAccountNotWritten", err)
		}
		accounts2, users2, links2, scopeGen2, _ := atCommitState(t, db, r.ID, "moved@example.com")
		if accounts2 != accounts || users2 != 0 || links2 != links || scopeGen2 != scopeGen {
			t.Errorf("after a create that wrote nothing: accounts %d→%d, users %d, links %d→%d, scope %d→%d",
				accounts, accounts2, users2, links, links2, scopeGen, scopeGen2)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestCreateAccountWithOwnerAtCommitRace checks the create sent with the commit
// whose new owner's e-mail another transaction is inserting: the statement cannot
// see that user once its transaction commits, so the commit writes nothing and says
// so, and the create run again the other way takes that user.
func TestCreateAccountWithOwnerAtCommitRace(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		if e.Name != "postgres" {
			return // the form is PostgreSQL's (see TestCreateAccountWithOwnerAtCommit)
		}
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "at-commit-race")
		first := ownerTestUser(r.ID, "race@example.com", "First")
		inserted, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		var holder int64 // the backend of the transaction holding the user's row
		go func() {
			done <- db.InTx(ctx, func(c *store.Conn) error {
				if err := c.EnsureUser(ctx, &first); err != nil {
					return err
				}
				if err := c.Row(ctx, "SELECT CAST(pg_backend_pid() AS BIGINT)", nil, &holder); err != nil {
					return err
				}
				close(inserted)
				<-release
				return nil
			})
		}()
		<-inserted
		go releaseOnceBlocked(ctx, db, holder, release)
		a, u := ownerTestAccount(r.ID, "racer"), ownerTestUser(r.ID, "race@example.com", "Second")
		err := db.InTx(ctx, func(c *store.Conn) error {
			if !c.CreateAccountWithOwnerAtCommit(a, &u) {
				return errors.New("not queued")
			}
			return nil
		})
		if !errors.Is(err, store.ErrAccountNotWritten) {
			t.Fatalf("create racing the owner: err=%v, want ErrAccountNotWritten", err)
		}
		if err := <-done; err != nil {
			t.Fatalf("first user: %v", err)
		}
		err = db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccountWithOwner(ctx, a, &u) })
		if err != nil || a.OwnerID != first.ID {
			t.Fatalf("create again: owner %d err=%v, want the other transaction's user %d", a.OwnerID, err, first.ID)
		}
		if accounts, users, links, _, _ := atCommitState(t, db, r.ID, "race@example.com"); accounts != 1 || users != 1 || links != 1 {
			t.Errorf("accounts=%d users=%d owner links=%d, want 1 each", accounts, users, links)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

// declares reports whether the segments "generation:ids" joined by ';' name id.
func declares(segments string, id int64) bool {
	for _, seg := range strings.Split(segments, ";") {
		_, ids, _ := strings.Cut(seg, ":")
		for _, s := range strings.Split(ids, ",") {
			if s == fmt.Sprint(id) {
				return true
			}
		}
	}
	return false
}
