package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestReadLockedSeesWhatTheHolderCommitted: ReadLocked waits for a transaction that
// holds the subscription, and the reads sent with its locks (the subscription's
// resources, the account, its users) see what that transaction committed, although
// on PostgreSQL they go in the same round trip. The rows it read may then be
// updated; a missing order or subscription is not found.
func TestReadLockedSeesWhatTheHolderCommitted(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, o := osSeed(t, db).created(t, db, "SO000001")
		want := store.LockedReads{OrderID: o.ID, OrderLines: true, SubscriptionID: s.ID,
			AccountID: s.AccountID, UsersOf: s.AccountID}
		type seen struct {
			rows store.LockedRows
			err  error
		}
		done := make(chan seen, 1)
		err := db.InTx(ctx, func(c *store.Conn) error {
			held, err := c.FindSubscriptionForUpdate(ctx, 0, s.ID)
			if err != nil {
				return err
			}
			go func() {
				var got store.LockedRows
				err := db.InTx(ctx, func(c *store.Conn) error {
					var err error
					if got, err = c.ReadLocked(ctx, want); err != nil {
						return err
					}
					got.Order.Status = domain.OrderStatusCancelled
					if err := c.UpdateOrder(ctx, got.Order); err != nil {
						return err
					}
					got.Subscription.Name = "Renamed"
					return c.UpdateSubscription(ctx, got.Subscription)
				})
				done <- seen{got, err}
			}()
			// Give the other transaction time to reach its locks: without them it
			// would read the resources as they were.
			time.Sleep(100 * time.Millisecond)
			select {
			case got := <-done:
				return errors.New("ReadLocked returned while the subscription was held: " + errString(got.err))
			default:
			}
			held.Resources[0].Additional = 7
			return c.UpdateSubscription(ctx, held)
		})
		if err != nil {
			t.Fatal(err)
		}
		got := <-done
		if got.err != nil {
			t.Fatal(got.err)
		}
		rows := got.rows
		if rows.Order == nil || rows.Order.ID != o.ID || len(rows.Order.Lines) != 1 || len(rows.Order.QuoteLines) != 2 {
			t.Fatalf("order %+v, want order %d with its line and its two priced lines", rows.Order, o.ID)
		}
		if len(rows.Subscription.Resources) != 1 || rows.Subscription.Resources[0].Additional != 7 {
			t.Fatalf("resources %+v, want the holder's 7 additional", rows.Subscription.Resources)
		}
		// On SQLite, where a statement costs no round trip, the caller reads these
		// itself when it needs them.
		if e.Name == "postgres" {
			if rows.Account == nil || rows.Account.ID != s.AccountID || !rows.UsersRead {
				t.Fatalf("account %+v, users read %v, want the account and its users", rows.Account, rows.UsersRead)
			}
		} else if rows.Account != nil || rows.UsersRead {
			t.Fatalf("account %+v, users read %v on SQLite, want neither", rows.Account, rows.UsersRead)
		}
		after, err := db.Reader().FindSubscriptionByID(ctx, 0, s.ID)
		if err != nil || after.Name != "Renamed" || after.Resources[0].Additional != 7 {
			t.Fatalf("after both: %+v, %v; want the name and the resource of each", after, err)
		}

		for missing, msg := range map[store.LockedReads]domain.Message{
			{OrderID: o.ID + 100, SubscriptionID: s.ID}: domain.MsgOrderNotFound,
			{OrderID: o.ID, SubscriptionID: s.ID + 100}: domain.MsgSubscriptionNotFound,
		} {
			err := db.InTx(ctx, func(c *store.Conn) error {
				_, err := c.ReadLocked(ctx, missing)
				return err
			})
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.ErrNotFound || de.Message != msg {
				t.Errorf("ReadLocked(%+v) = %v, want %s", missing, err, msg)
			}
		}
	})
}

// TestUpdateSubscriptionWritesTheVendorState: the vendor's answer set on a
// subscription read for update is written by UpdateSubscription with the rest, and
// after UpdateSubscriptionVendor wrote it, an update that changes nothing of it
// leaves it as written.
func TestUpdateSubscriptionWritesTheVendorState(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, _ := osSeed(t, db).created(t, db, "")
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		answer := domain.SubscriptionVendor{ExternalID: "ext-1", Attributes: map[string]string{"login": "x"},
			JobID: "job-1", Error: &domain.ProvisioningError{Code: "500", Message: "busy", At: at}}
		// rewrite changes the subscription under its lock with change, and reads it back.
		rewrite := func(change func(c *store.Conn, sub *domain.Subscription) error) *domain.Subscription {
			t.Helper()
			err := db.InTx(ctx, func(c *store.Conn) error {
				sub, err := c.FindSubscriptionForUpdate(ctx, 0, s.ID)
				if err != nil {
					return err
				}
				if err := change(c, sub); err != nil {
					return err
				}
				return c.UpdateSubscription(ctx, sub)
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Reader().FindSubscriptionByID(ctx, 0, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		got := rewrite(func(_ *store.Conn, sub *domain.Subscription) error {
			sub.Vendor, sub.Status = answer, domain.SubscriptionStatusActive
			return nil
		})
		if got.Status != domain.SubscriptionStatusActive || got.Vendor.ExternalID != "ext-1" ||
			got.Vendor.Attributes["login"] != "x" || got.Vendor.JobID != "job-1" || got.Vendor.Error == nil ||
			got.Vendor.Error.Message != "busy" || !got.Vendor.Error.At.Equal(at) {
			t.Fatalf("after the update: status %s, vendor %+v; want active with the vendor's answer", got.Status, got.Vendor)
		}

		got = rewrite(func(c *store.Conn, sub *domain.Subscription) error {
			sub.Vendor = domain.SubscriptionVendor{ExternalID: "ext-2", JobID: "job-2"}
			if err := c.UpdateSubscriptionVendor(ctx, sub); err != nil {
				return err
			}
			sub.Name = "Renamed"
			return nil
		})
		if got.Name != "Renamed" || got.Vendor.ExternalID != "ext-2" || got.Vendor.JobID != "job-2" ||
			got.Vendor.Error != nil {
			t.Fatalf("after both writes: name %q, vendor %+v; want both", got.Name, got.Vendor)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// TestReadLockedHoldsTheFirstSettledUser: asked to, ReadLocked holds the vendor row
// of the account's first user (the lowest id) shared when it is settled (told what
// it should hold), so that a stop, which locks the row for update, waits for the
// transaction; a row not settled is not held. SQLite takes no row locks and holds
// nothing.
func TestReadLockedHoldsTheFirstSettledUser(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s, _ := f.created(t, db, "")
		const product = 1
		var users [2]int64
		err := db.InTx(ctx, func(c *store.Conn) error {
			for i := range users {
				u := ownerTestUser(s.ResellerID, string(rune('a'+i))+"@users.example", "User")
				if err := c.EnsureUser(ctx, &u); err != nil {
					return err
				}
				if err := c.AddAccountUser(ctx, s.AccountID, u.ID, domain.AccessLevelAdmin, now); err != nil {
					return err
				}
				users[i] = u.ID
			}
			// Only the first is settled: wanted active and told so.
			v, err := c.LockVendorUser(ctx, users[0], product, s.ResellerID, "active", now)
			if err != nil {
				return err
			}
			v.Told = "active"
			return c.UpdateVendorUser(ctx, v)
		})
		if err != nil {
			t.Fatal(err)
		}
		read := func(state string) (store.LockedRows, error) {
			var rows store.LockedRows
			err := db.InTx(ctx, func(c *store.Conn) (err error) {
				rows, err = c.ReadLocked(ctx, store.LockedReads{SubscriptionID: s.ID, UsersOf: s.AccountID,
					HoldProduct: product, HoldState: state})
				return err
			})
			return rows, err
		}
		rows, err := read("active")
		if err != nil {
			t.Fatal(err)
		}
		if e.Name != "postgres" {
			if rows.HeldUser != 0 {
				t.Fatalf("held user %d on SQLite, want none", rows.HeldUser)
			}
			return
		}
		if !rows.Held(users[0], product) || rows.Held(users[1], product) || len(rows.Users) != 2 {
			t.Fatalf("users %v, held %d, want both read and the first held", rows.Users, rows.HeldUser)
		}
		if rows, err = read("inactive"); err != nil || rows.HeldUser != 0 {
			t.Fatalf("wanting inactive: held %d, %v; want none", rows.HeldUser, err)
		}

		// Held, the row keeps a writer that locks it for update waiting.
		locked := make(chan error, 1)
		err = db.InTx(ctx, func(c *store.Conn) error {
			got, err := c.ReadLocked(ctx, store.LockedReads{SubscriptionID: s.ID, UsersOf: s.AccountID,
				HoldProduct: product, HoldState: "active"})
			if err != nil || !got.Held(users[0], product) {
				return fmt.Errorf("held %d, %v; want the first user", got.HeldUser, err)
			}
			go func() {
				locked <- db.InTx(ctx, func(c *store.Conn) error {
					_, err := c.FindVendorUserForUpdate(ctx, users[0], product)
					return err
				})
			}()
			time.Sleep(100 * time.Millisecond)
			select {
			case err := <-locked:
				return fmt.Errorf("the lock for update was granted while the row was held (%v)", err)
			default:
				return nil
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := <-locked; err != nil {
			t.Fatal(err)
		}
	})
}
