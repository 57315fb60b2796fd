package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestHoldSettledVendorUser checks which rows an outcome that wants a user active
// may hold shared instead of locking for update: those wanted active and told so,
// or whose delivery job is still pending or running; not a row that is missing,
// wanted otherwise, or whose job ended before telling the vendor.
func TestHoldSettledVendorUser(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		const user, product = 7, 3
		held := func() bool {
			t.Helper()
			var got bool
			err := db.InTx(ctx, func(c *store.Conn) (err error) {
				got, err = c.HoldSettledVendorUser(ctx, user, product, "active")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		set := func(change func(u *store.VendorUser)) {
			t.Helper()
			err := db.InTx(ctx, func(c *store.Conn) error {
				u, err := c.LockVendorUser(ctx, user, product, 1, "active", now)
				if err != nil {
					return err
				}
				change(u)
				return c.UpdateVendorUser(ctx, u)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if held() {
			t.Fatal("a missing row was held")
		}
		set(func(*store.VendorUser) {}) // wanted active, never told, no job
		if held() {
			t.Fatal("a row with nothing delivering it was held")
		}
		j := &domain.Job{Kind: "vendor_user", RunAt: now, Timestamps: domain.Timestamps{CreatedAt: now}}
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.EnqueueJob(ctx, j) }); err != nil {
			t.Fatal(err)
		}
		set(func(u *store.VendorUser) { u.JobID = j.ID })
		if !held() {
			t.Fatal("a row whose job is pending was not held")
		}
		claimed, err := db.ClaimJobs(ctx, "w", []string{"vendor_user"}, 1, now, now.Add(time.Minute))
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %v, %v", claimed, err)
		}
		if !held() {
			t.Fatal("a row whose job is running was not held")
		}
		if err := db.CompleteJob(ctx, claimed[0], nil, now); err != nil {
			t.Fatal(err)
		}
		if held() {
			t.Fatal("a row whose job ended without telling the vendor was held")
		}
		set(func(u *store.VendorUser) { u.Told, u.JobID = "active", "" })
		if !held() {
			t.Fatal("a row told active was not held")
		}
		set(func(u *store.VendorUser) { u.Wanted = "inactive" })
		if held() {
			t.Fatal("a row wanted inactive was held")
		}
	})
}
