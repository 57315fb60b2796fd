package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestSearchFindsAGroupCommitsAccounts creates accounts in transactions that commit
// together (on SQLite one group commit, every member after the first in a savepoint
// of its own): one created and renamed, one created and deleted, one rolled back. A
// search after the commit finds each account by the name it was committed with, and
// no other, as LIKE on the folded names does; on SQLite the two accounts kept wait
// noted for the index (fewer than a batch), and no other.
func TestSearchFindsAGroupCommitsAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		before, _ := db.WriterStats()
		account := func(name string) *domain.Account { return namedAccount(r.ID, name) }
		held, release := make(chan struct{}), make(chan struct{})
		failed := errors.New("the transaction fails")
		work := []func(c *store.Conn) error{
			func(c *store.Conn) error { // the first, holding SQLite's write turn
				close(held)
				<-release
				return c.CreateAccount(ctx, account("alpha member"))
			},
			func(c *store.Conn) error {
				a := account("bravo born")
				if err := c.CreateAccount(ctx, a); err != nil {
					return err
				}
				if _, err := c.FindAccountForUpdate(ctx, a.ID); err != nil {
					return err
				}
				a.Name = "bravo renamed"
				return c.UpdateAccount(ctx, a)
			},
			func(c *store.Conn) error {
				a := account("charlie gone")
				if err := c.CreateAccount(ctx, a); err != nil {
					return err
				}
				var id int64
				return c.Row(ctx, "DELETE FROM accounts WHERE id = $1 RETURNING id", []any{a.ID}, &id)
			},
			func(c *store.Conn) error {
				if err := c.CreateAccount(ctx, account("delta undone")); err != nil {
					return err
				}
				return failed
			},
		}
		outcomes := make([]chan error, len(work))
		for i, fn := range work {
			outcomes[i] = make(chan error, 1)
			go func() { outcomes[i] <- db.InTx(ctx, fn) }()
			if i == 0 {
				<-held
			}
		}
		if db.QueuedWriters() >= 0 {
			for deadline := time.Now().Add(10 * time.Second); db.QueuedWriters() < len(work)-1; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d transactions queued for the write turn, want %d", db.QueuedWriters(), len(work)-1)
				}
			}
		}
		close(release)
		for i, out := range outcomes {
			if err := <-out; err != nil && (i != 3 || !errors.Is(err, failed)) {
				t.Fatalf("transaction %d: %v", i, err)
			}
		}
		raw := openRaw(t, e)
		for term, want := range map[string]int{"alpha": 1, "member": 1, "bravo": 1, "renamed": 1, "born": 0,
			"charlie": 0, "gone": 0, "delta": 0, "undone": 0} {
			got := findByName(t, db, r.ID, term)
			if len(got) != want {
				t.Errorf("contains %q: %d accounts, want %d", term, len(got), want)
			}
			if like := likeIDs(t, raw, e, r.ID, term); !slices.Equal(got, like) {
				t.Errorf("contains %q: ids %v, LIKE on the folded column finds %v", term, got, like)
			}
		}
		if e.Name != "sqlite" {
			return
		}
		if noted, indexed := searchRows(t, raw); noted != 2 || indexed != 0 {
			t.Errorf("%d accounts noted and %d indexed after the commit, want 2 and 0", noted, indexed)
		}
		if after, _ := db.WriterStats(); after.Commits-before.Commits != 1 {
			t.Errorf("%d commits, want the one of the group", after.Commits-before.Commits)
		}
	})
}

// TestNotedAccountsIndexedInBatches: on SQLite new accounts' names wait noted until a
// commit finds a batch of them, then enter the index together; a search finds the
// same accounts as LIKE on the folded names all the while, inside a write
// transaction too: a waiting account renamed is found by its new name alone, and one
// deleted not at all.
func TestNotedAccountsIndexedInBatches(t *testing.T) {
	storetest.ForEach(t, testNotedAccountsIndexedInBatches)
}

func testNotedAccountsIndexedInBatches(t *testing.T, e storetest.Engine) {
	ctx := context.Background()
	db := storetest.Open(t, e)
	raw := openRaw(t, e)
	r := mustReseller(t, db, 0, "", "root")
	create := func(c *store.Conn, name string) *domain.Account {
		t.Helper()
		a := namedAccount(r.ID, name)
		if err := c.CreateAccount(ctx, a); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return a
	}
	same := func(when string, terms map[string]int) {
		t.Helper()
		for term, want := range terms {
			got := findByName(t, db, r.ID, term)
			if len(got) != want {
				t.Errorf("%s: contains %q found %d accounts, want %d", when, term, len(got), want)
			}
			if like := likeIDs(t, raw, e, r.ID, term); !slices.Equal(got, like) {
				t.Errorf("%s: contains %q found %v, LIKE on the folded names %v", when, term, got, like)
			}
		}
	}
	var renamed, gone *domain.Account
	for i := range store.SearchBatch - 1 {
		err := db.InTx(ctx, func(c *store.Conn) error {
			a := create(c, fmt.Sprintf("waiting %03d", i))
			switch i {
			case 0:
				renamed = a
			case 1:
				gone = a
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// On SQLite the names wait noted; PostgreSQL's index takes each with its row.
	rowsAre := func(when string, noted, indexed int) {
		t.Helper()
		if e.Name != "sqlite" {
			return
		}
		if n, i := searchRows(t, raw); n != noted || i != indexed {
			t.Errorf("%s: %d accounts noted and %d indexed, want %d and %d", when, n, i, noted, indexed)
		}
	}
	rowsAre("before the batch", store.SearchBatch-1, 0)
	err := db.InTx(ctx, func(c *store.Conn) error {
		if _, err := c.FindAccountForUpdate(ctx, renamed.ID); err != nil {
			return err
		}
		renamed.Name = "renamed in line"
		if err := c.UpdateAccount(ctx, renamed); err != nil {
			return err
		}
		var id int64
		return c.Row(ctx, "DELETE FROM accounts WHERE id = $1 RETURNING id", []any{gone.ID}, &id)
	})
	if err != nil {
		t.Fatal(err)
	}
	waiting := store.SearchBatch - 3 // less the renamed and the deleted
	same("noted", map[string]int{"waiting": waiting, "waiting 000": 0, "waiting 001": 0, "renamed": 1, "in line": 1})

	// Inside a write transaction a search finds the transaction's own new accounts.
	err = db.InTx(ctx, func(c *store.Conn) error {
		create(c, "fresh inside")
		create(c, "fresh second")
		q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}.Where("name", domain.OpContains, "fresh")
		found, _, err := c.FindAccounts(ctx, store.AccountFilter{ResellerID: r.ID, Query: q})
		if err != nil {
			return err
		}
		if len(found) != 2 {
			t.Errorf("a search inside the creating transaction found %d accounts, want the 2 created", len(found))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// That commit found a batch noted (the renamed account and the two new ones
	// included, the deleted one gone) and indexed them all.
	rowsAre("after the batch", 0, store.SearchBatch)
	same("indexed", map[string]int{"waiting": waiting, "waiting 000": 0, "waiting 001": 0, "renamed": 1,
		"in line": 1, "fresh": 2})
}

// namedAccount is a new active account of reseller rid named name, its e-mail made
// of the name.
func namedAccount(rid int64, name string) *domain.Account {
	return &domain.Account{ResellerID: rid, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
		Name: name, Email: strings.ReplaceAll(name, " ", ".") + "@example.com",
		Status: domain.AccountStatusActive, Currency: "EUR", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// searchRows counts the accounts noted for the name index and those indexed (SQLite).
func searchRows(t *testing.T, raw *sql.DB) (noted, indexed int) {
	t.Helper()
	err := raw.QueryRow(`SELECT (SELECT COUNT(*) FROM accounts_name_fts_pending),
		(SELECT COUNT(*) FROM accounts_name_fts_docsize)`).Scan(&noted, &indexed)
	if err != nil {
		t.Fatal(err)
	}
	return noted, indexed
}
