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
					list, info, err := db.Reader().FindAccounts(ctx, store.AccountFilter{ResellerID: r.ID, Query: q})
					if err != nil {
						t.Fatalf("page %d: %v", page, err)
					}
					if info.Total != len(want) {
						t.Fatalf("page %d: total %d, want %d", page, info.Total, len(want))
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

// TestFindAccountsSeesEveryCommit checks that account pages, which the SQLite store
// answers from memory while the database is unchanged, follow every commit at once:
// this process's own (an update, a new account) and another process's.
func TestFindAccountsSeesEveryCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		newAccount := func(name string) *domain.Account {
			return &domain.Account{ResellerID: r.ID, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
				Name: name, Email: name + "@example.com", Status: domain.AccountStatusActive, Currency: "EUR",
				Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		}
		first := newAccount("first")
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccount(ctx, first) }); err != nil {
			t.Fatalf("create: %v", err)
		}
		list := func(want ...string) {
			t.Helper()
			for read := 1; read <= 2; read++ { // the second read comes from memory on SQLite
				got, info, err := db.Reader().FindAccounts(ctx, store.AccountFilter{ResellerID: r.ID,
					Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}})
				if err != nil {
					t.Fatalf("read %d: %v", read, err)
				}
				var names []string
				for _, a := range got {
					names = append(names, a.Name)
				}
				if !slices.Equal(names, want) || info.Total != len(want) {
					t.Fatalf("read %d: names %q, total %d; want %q", read, names, info.Total, want)
				}
			}
		}
		list("first")

		rename := func(db *store.DB, to string) {
			t.Helper()
			err := db.InTx(ctx, func(c *store.Conn) error {
				cur, err := c.FindAccountForUpdate(ctx, first.ID)
				if err != nil {
					return err
				}
				cur.Name = to
				return c.UpdateAccount(ctx, cur)
			})
			if err != nil {
				t.Fatalf("rename to %q: %v", to, err)
			}
		}
		rename(db, "renamed here")
		list("renamed here")
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccount(ctx, newAccount("second")) }); err != nil {
			t.Fatalf("create second: %v", err)
		}
		list("renamed here", "second")

		other, err := store.Open(ctx, e.URL)
		if err != nil {
			t.Fatalf("open a second store: %v", err)
		}
		defer other.Close()
		rename(other, "renamed elsewhere")
		list("renamed elsewhere", "second")
	})
}
