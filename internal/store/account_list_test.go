package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestFindAccountsPagesInIDOrder checks the pages of a created_at filter, whose
// matches FindAccounts either walks in id order (when they lie close together) or
// sorts (when they are spread out), against the answer worked out here, page by page.
func TestFindAccountsPagesInIDOrder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		day := func(n int) time.Time { return now.AddDate(0, 0, n) }
		// 40 accounts in id order: even ones made on day 1 (matches two ids apart: a
		// dense range), odd ones on day 2, except the first and last odd ones, made on
		// day 3 (two matches 38 ids apart: a sparse range).
		accounts := make([]*domain.Account, 40)
		for i := range accounts {
			created := day(1)
			switch {
			case i == 1 || i == 39:
				created = day(3)
			case i%2 == 1:
				created = day(2)
			}
			accounts[i] = &domain.Account{ResellerID: r.ID, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
				Name: fmt.Sprintf("A%02d", i), Email: fmt.Sprintf("a%d@example.com", i), Status: domain.AccountStatusActive,
				Currency: "EUR", Timestamps: domain.Timestamps{CreatedAt: created, UpdatedAt: created}}
		}
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.InsertAccountsBulk(ctx, accounts) }); err != nil {
			t.Fatalf("insert accounts: %v", err)
		}
		all, _, err := db.Reader().FindAccounts(ctx, store.AccountFilter{ResellerID: r.ID,
			Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 100}}})
		if err != nil || len(all) != 40 {
			t.Fatalf("all accounts: %d, %v", len(all), err)
		}
		for _, tc := range []struct {
			name string
			day  int
			sort []domain.SortKey
		}{
			{"dense, by id", 1, nil},
			{"dense, by name descending", 1, []domain.SortKey{{Field: "name", Desc: true}}},
			{"spread out, by id", 3, nil},
			{"spread out, by id descending", 3, []domain.SortKey{{Field: "id", Desc: true}}},
			{"none", 9, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var want []int64
				for _, a := range all {
					if a.CreatedAt.Equal(day(tc.day)) {
						want = append(want, a.ID)
					}
				}
				if len(tc.sort) > 0 {
					slices.Reverse(want) // by name descending is by id descending here
				}
				var got []int64
				for page := 1; page <= 8; page++ {
					q := domain.ListQuery{Sort: tc.sort, Page: domain.Page{Number: page, Size: 3}}
					q = q.Where("created_at", domain.OpGe, day(tc.day)).Where("created_at", domain.OpLt, day(tc.day).Add(time.Hour))
					list, total, err := db.Reader().FindAccounts(ctx, store.AccountFilter{ResellerID: r.ID, Query: q})
					if err != nil {
						t.Fatalf("page %d: %v", page, err)
					}
					if total != len(want) {
						t.Fatalf("page %d: total %d, want %d", page, total, len(want))
					}
					for _, a := range list {
						got = append(got, a.ID)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("ids %v, want %v", got, want)
				}
			})
		}
	})
}
