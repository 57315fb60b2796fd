package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestFindResellerByIDSeesEveryCommit checks that reads on the read pool, which the
// SQLite store answers from a cache, see every commit at once: this process's own,
// and another process's (a second DB on the same database), and that a caller
// changing what it got does not change what the next caller gets.
func TestFindResellerByIDSeesEveryCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		r := &domain.Reseller{Timestamps: domain.Timestamps{CreatedAt: at, UpdatedAt: at},
			General:          domain.ResellerGeneral{Name: "Root", Domain: "root.cache.example", Currency: "EUR", UpdatedAt: at},
			CustomAttributes: map[string]string{"inn": "7701"}}
		r.Company.UpdatedAt, r.Contacts.UpdatedAt = at, at
		if _, err := db.Reader().FindResellerByID(ctx, 1); domain.CodeOf(err) != domain.ErrNotFound {
			t.Fatalf("find before create: err=%v, want not_found", err)
		}
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateReseller(ctx, r, "") }); err != nil {
			t.Fatalf("create: %v", err)
		}
		name := func(db *store.DB) string {
			t.Helper()
			got, err := db.Reader().FindResellerByID(ctx, r.ID)
			if err != nil {
				t.Fatalf("find reseller %d: %v", r.ID, err)
			}
			return got.General.Name
		}
		if got := name(db); got != "Root" {
			t.Fatalf("name=%q after create, want %q", got, "Root")
		}

		got, _ := db.Reader().FindResellerByID(ctx, r.ID)
		got.General.Name, got.CustomAttributes["inn"] = "Changed by a caller", "0"
		again, _ := db.Reader().FindResellerByID(ctx, r.ID)
		if again.General.Name != "Root" || again.CustomAttributes["inn"] != "7701" {
			t.Fatalf("after a caller changed its copy: name=%q inn=%q, want %q and %q",
				again.General.Name, again.CustomAttributes["inn"], "Root", "7701")
		}

		update := func(db *store.DB, to string) {
			t.Helper()
			err := db.InTx(ctx, func(c *store.Conn) error {
				cur, err := c.FindResellerForUpdate(ctx, r.ID)
				if err != nil {
					return err
				}
				cur.General.Name = to
				return c.UpdateReseller(ctx, cur)
			})
			if err != nil {
				t.Fatalf("update to %q: %v", to, err)
			}
		}
		update(db, "Renamed here")
		if got := name(db); got != "Renamed here" {
			t.Fatalf("name=%q after this process's update, want %q", got, "Renamed here")
		}

		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer other.Close()
		update(other, "Renamed elsewhere")
		if got := name(db); got != "Renamed elsewhere" {
			t.Fatalf("name=%q after another process's update, want %q", got, "Renamed elsewhere")
		}
	})
}
