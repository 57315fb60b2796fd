package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestPlanCacheSeesEveryCatalogueChange checks that plans read on the read pool,
// which come from a cache kept by catalogue version, show every committed catalogue
// change at once: this process's own and another process's (a second DB on the same
// database), and none of a transaction that rolled back.
func TestPlanCacheSeesEveryCatalogueChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		k := ctSeed(t, db)
		page := domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}
		fee := func() domain.Amount {
			t.Helper()
			byID, err := db.Reader().FindPlanByID(ctx, k.basic.ID)
			if err != nil {
				t.Fatalf("find plan: %v", err)
			}
			listed, _, err := db.Reader().FindPlans(ctx, store.PlanFilter{ResellerID: k.root.ID, Query: page})
			if err != nil || len(listed) == 0 || listed[0].ID != k.basic.ID {
				t.Fatalf("list plans: %v, %d plans", err, len(listed))
			}
			if a, b := byID.Periods[0].RecurringFee, listed[0].Periods[0].RecurringFee; a != b {
				t.Fatalf("plan by id has fee %s, the list %s", a, b)
			}
			return byID.Periods[0].RecurringFee
		}
		if got := fee(); got != 10_500_000 {
			t.Fatalf("fee=%s, want 10.5", got)
		}
		if fee() != fee() { // answered from the cache now
			t.Fatal("two reads disagree")
		}
		version := func(db *store.DB) int64 {
			t.Helper()
			v, err := db.Reader().CatalogVersion(ctx)
			if err != nil {
				t.Fatalf("catalogue version: %v", err)
			}
			return v
		}
		setFee := func(db *store.DB, to domain.Amount, fail error) error {
			return db.InTx(ctx, func(c *store.Conn) error {
				if err := c.LockCatalogs(ctx); err != nil {
					return err
				}
				st, err := c.LoadCatalog(ctx, k.root.ID)
				if err != nil {
					return err
				}
				for _, pp := range st.Plans["basic"].Periods {
					if pp.Key == "1m" {
						pp.RecurringFee = to
						if err := c.UpdatePlanPeriod(ctx, &pp); err != nil {
							return err
						}
					}
				}
				return fail
			})
		}

		before := version(db)
		rollback := errors.New("dry run")
		if err := setFee(db, 1, rollback); !errors.Is(err, rollback) {
			t.Fatalf("rolled-back change: err=%v", err)
		}
		if got, v := fee(), version(db); got != 10_500_000 || v != before {
			t.Fatalf("after a rollback: fee=%s version=%d, want 10.5 and %d", got, v, before)
		}

		if err := setFee(db, 11_000_000, nil); err != nil {
			t.Fatalf("change here: %v", err)
		}
		if got := fee(); got != 11_000_000 {
			t.Fatalf("after this process's change: fee=%s, want 11.0", got)
		}

		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer other.Close()
		if err := setFee(other, 12_000_000, nil); err != nil {
			t.Fatalf("change elsewhere: %v", err)
		}
		if got := fee(); got != 12_000_000 {
			t.Fatalf("after another process's change: fee=%s, want 12.0", got)
		}
		if v := version(db); v != before+2 {
			t.Fatalf("version=%d after two changes, want %d", v, before+2)
		}

		total := func() int {
			t.Helper()
			_, n, err := db.Reader().FindPlans(ctx, store.PlanFilter{ResellerID: k.root.ID, Query: page})
			if err != nil {
				t.Fatalf("list plans: %v", err)
			}
			return n.Total
		}
		was := total()
		err = other.InTx(ctx, func(c *store.Conn) error {
			if err := c.LockCatalogs(ctx); err != nil {
				return err
			}
			return c.CreatePlan(ctx, &domain.Plan{ResellerID: k.root.ID, ProductID: k.mail.ID, Key: "new",
				Name: "New", Status: domain.PlanActive, BillingType: "csp_monthly", Currency: "USD",
				Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}})
		})
		if err != nil {
			t.Fatalf("create a plan elsewhere: %v", err)
		}
		if got := total(); got != was+1 {
			t.Fatalf("total=%d after another process added a plan, want %d", got, was+1)
		}
	})
}

// TestCatalogueWriteNeedsTheLock checks that a transaction writing the catalogue
// without LockCatalogs, which would leave cached plans stale, is refused.
func TestCatalogueWriteNeedsTheLock(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		err := db.InTx(ctx, func(c *store.Conn) error {
			return c.CreateCategory(ctx, &domain.ProductCategory{ResellerID: r.ID, Key: "k", Name: "K",
				Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}})
		})
		if err == nil {
			t.Fatal("a catalogue write without LockCatalogs succeeded")
		}
		cats, n, err := db.Reader().FindVisibleCategories(ctx, r.ID, domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}})
		if err != nil || n.Total != 0 || len(cats) != 0 {
			t.Fatalf("categories after the refused write: %d (err %v), want none", n.Total, err)
		}
	})
}
