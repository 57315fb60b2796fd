package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// lkAggregate is one kind of row that updates read for update: how a transaction
// reads it locked and renames it, and how it reads it without a lock.
type lkAggregate struct {
	name   string
	locked func(ctx context.Context, c *store.Conn) (string, error)
	plain  func(ctx context.Context, c *store.Conn) (string, error)
	// rename writes a new name; it needs the row read for update first.
	rename func(ctx context.Context, c *store.Conn, name string) error
}

// lkAggregates makes a reseller, an account and a manager and returns how to read
// and rename each.
func lkAggregates(t *testing.T, db *store.DB) []lkAggregate {
	t.Helper()
	ctx := context.Background()
	r := mustReseller(t, db, 0, "", "root")
	acc := &domain.Account{ResellerID: r.ID, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
		Name: "Account", Email: "account@example.com", Status: domain.AccountStatusActive, Currency: "EUR",
		Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
	m := lkManager(t, db, r.ID, "manager@example.com")
	if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccount(ctx, acc) }); err != nil {
		t.Fatalf("create account: %v", err)
	}
	return []lkAggregate{
		{name: "reseller",
			locked: func(ctx context.Context, c *store.Conn) (string, error) {
				got, err := c.FindResellerForUpdate(ctx, r.ID)
				if err != nil {
					return "", err
				}
				return got.General.Name, nil
			},
			plain: func(ctx context.Context, c *store.Conn) (string, error) {
				got, err := c.FindResellerByID(ctx, r.ID)
				if err != nil {
					return "", err
				}
				return got.General.Name, nil
			},
			rename: func(ctx context.Context, c *store.Conn, name string) error {
				cp := *r
				cp.General.Name = name
				return c.UpdateReseller(ctx, &cp)
			}},
		{name: "account",
			locked: func(ctx context.Context, c *store.Conn) (string, error) {
				got, err := c.FindAccountForUpdate(ctx, acc.ID)
				if err != nil {
					return "", err
				}
				return got.Name, nil
			},
			plain: func(ctx context.Context, c *store.Conn) (string, error) {
				got, err := c.FindAccountByID(ctx, acc.ID)
				if err != nil {
					return "", err
				}
				return got.Name, nil
			},
			rename: func(ctx context.Context, c *store.Conn, name string) error {
				cp := *acc
				cp.Name = name
				return c.UpdateAccount(ctx, &cp)
			}},
		{name: "manager",
			locked: func(ctx context.Context, c *store.Conn) (string, error) {
				got, err := c.FindManagerForUpdate(ctx, m.ID)
				if err != nil {
					return "", err
				}
				return got.Name, nil
			},
			plain: func(ctx context.Context, c *store.Conn) (string, error) {
				got, err := c.FindManagerByID(ctx, m.ID)
				if err != nil {
					return "", err
				}
				return got.Name, nil
			},
			rename: func(ctx context.Context, c *store.Conn, name string) error {
				cp := *m
				cp.Name = name
				return c.UpdateManager(ctx, &cp)
			}},
	}
}

// lkManager creates an active sales manager of the reseller.
func lkManager(t *testing.T, db *store.DB, resellerID int64, email string) *domain.Manager {
	t.Helper()
	ctx := context.Background()
	m := &domain.Manager{ResellerID: resellerID, Name: "Manager", Email: email, Status: domain.ManagerStatusActive,
		Role: domain.RoleSales, PasswordHash: "x", TokenHash: []byte(email),
		Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
	if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateManager(ctx, m) }); err != nil {
		t.Fatalf("create manager: %v", err)
	}
	return m
}

// An update of a row the transaction did not read for update is refused on every
// engine, so a path that forgets the lock fails its tests on SQLite too.
func TestUpdateNeedsTheRowLock(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		for _, a := range lkAggregates(t, db) {
			t.Run(a.name, func(t *testing.T) {
				err := db.InTx(ctx, func(c *store.Conn) error {
					if _, err := a.plain(ctx, c); err != nil {
						return err
					}
					return a.rename(ctx, c, "Unlocked")
				})
				if err == nil {
					t.Fatal("update after a plain read succeeded, want it refused")
				}
				if got, err := a.plain(ctx, db.Reader()); err != nil || got == "Unlocked" {
					t.Fatalf("name after the refused update = %q, %v", got, err)
				}
				err = db.InTx(ctx, func(c *store.Conn) error {
					if _, err := a.locked(ctx, c); err != nil {
						return err
					}
					return a.rename(ctx, c, "Locked")
				})
				if err != nil {
					t.Fatalf("update after a read for update: %v", err)
				}
				if _, err := a.locked(ctx, db.Reader()); err == nil {
					t.Fatal("a locking read on the read pool succeeded, want it refused")
				}
			})
		}
	})
}

// A read for update waits for the transaction holding the row and then sees what it
// committed, so an update never builds on a copy that is already out of date.
func TestReadForUpdateWaitsForTheHolder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		for _, a := range lkAggregates(t, db) {
			t.Run(a.name, func(t *testing.T) {
				held := make(chan struct{})
				seen := make(chan string, 1)
				want := "Renamed " + a.name
				err := db.InTx(ctx, func(c *store.Conn) error {
					if _, err := a.locked(ctx, c); err != nil {
						return err
					}
					close(held)
					go func() {
						var got string
						err := db.InTx(ctx, func(c *store.Conn) error {
							var err error
							got, err = a.locked(ctx, c)
							return err
						})
						if err != nil {
							got = fmt.Sprintf("error: %v", err)
						}
						seen <- got
					}()
					// Give the other transaction time to reach its read before this one
					// writes: without the lock it would read the old name meanwhile.
					time.Sleep(100 * time.Millisecond)
					select {
					case got := <-seen:
						return fmt.Errorf("the other read returned %q while the row was held", got)
					default:
					}
					return a.rename(ctx, c, want)
				})
				if err != nil {
					t.Fatal(err)
				}
				<-held
				if got := <-seen; got != want {
					t.Fatalf("read for update after the holder committed = %q, want %q", got, want)
				}
			})
		}
	})
}

// A manager read for share, as a reference a write checks (an account's sales
// manager, a reseller's upstream manager), cannot be changed until that write's
// transaction ends.
func TestReadForShareHoldsTheReference(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		m := lkManager(t, db, r.ID, "shared@example.com")
		blocked := make(chan error, 1)
		err := db.InTx(ctx, func(c *store.Conn) error {
			if _, err := c.FindManagerForShare(ctx, m.ID); err != nil {
				return err
			}
			go func() {
				blocked <- db.InTx(ctx, func(c *store.Conn) error {
					got, err := c.FindManagerForUpdate(ctx, m.ID)
					if err != nil {
						return err
					}
					got.Status = domain.ManagerStatusInactive
					return c.UpdateManager(ctx, got)
				})
			}()
			time.Sleep(100 * time.Millisecond)
			again, err := c.FindManagerByID(ctx, m.ID)
			if err != nil {
				return err
			}
			if again.Status != domain.ManagerStatusActive {
				return fmt.Errorf("the shared manager became %s while held", again.Status)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := <-blocked; err != nil {
			t.Fatalf("block after the holder ended: %v", err)
		}
		got, err := db.Reader().FindManagerByID(ctx, m.ID)
		if err != nil || got.Status != domain.ManagerStatusInactive {
			t.Fatalf("status after both = %v, %v; want inactive", got, err)
		}
	})
}
