package store_test

import (
	"context"
	"errors"
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
// no other, as LIKE on the folded names does; on SQLite no account is left noted for
// the index.
func TestSearchFindsAGroupCommitsAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		before, _ := db.WriterStats()
		account := func(name string) *domain.Account {
			return &domain.Account{ResellerID: r.ID, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
				Name: name, Email: strings.ReplaceAll(name, " ", ".") + "@example.com",
				Status: domain.AccountStatusActive, Currency: "EUR", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		}
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
		var noted int
		if err := raw.QueryRow("SELECT COUNT(*) FROM accounts_name_fts_pending").Scan(&noted); err != nil {
			t.Fatal(err)
		}
		if noted != 0 {
			t.Errorf("%d accounts left noted for the search index after the commit", noted)
		}
		if after, _ := db.WriterStats(); after.Commits-before.Commits != 1 {
			t.Errorf("%d commits, want the one of the group", after.Commits-before.Commits)
		}
	})
}
