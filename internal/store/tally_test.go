package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// tallyAccount is an account of reseller rid for the counter tests.
func tallyAccount(rid int64, name string) *domain.Account {
	return &domain.Account{ResellerID: rid, AccountTypeID: 1, Class: domain.AccountClass{Key: "default"},
		Name: name, Email: name + "@example.com", Status: domain.AccountStatusActive, Currency: "EUR",
		Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// accountTotal returns the total of the unfiltered account list of f, which the
// counters answer.
func accountTotal(t *testing.T, db *store.DB, f store.AccountFilter) int {
	t.Helper()
	f.Query = domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}}
	_, info, err := db.Reader().FindAccounts(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return info.Total
}

// TestListCountsExactUnderConcurrentCreates creates accounts of one reseller from
// 32 transactions at once (on PostgreSQL they run side by side; SQLite takes them
// in turn) and checks that the counters, which the list totals come from, agree
// with the rows: no increment lost, none counted twice.
func TestListCountsExactUnderConcurrentCreates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		child := mustReseller(t, db, root.ID, root.Path, "child")
		const clients, each = 32, 3
		var (
			wg     sync.WaitGroup
			start  = make(chan struct{})
			failed = make(chan error, clients)
		)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for j := range each {
					err := db.InTx(ctx, func(c *store.Conn) error {
						return c.CreateAccount(ctx, tallyAccount(child.ID, fmt.Sprintf("c%d-%d", i, j)))
					})
					if err != nil {
						failed <- err
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		close(failed)
		for err := range failed {
			t.Fatalf("create: %v", err)
		}
		if got := accountTotal(t, db, store.AccountFilter{ResellerID: child.ID}); got != clients*each {
			t.Errorf("child's accounts: total %d, want %d", got, clients*each)
		}
		if got := accountTotal(t, db, store.AccountFilter{Below: root.Path}); got != clients*each {
			t.Errorf("accounts below the root: total %d, want %d", got, clients*each)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestListCountsFollowBulkInserts checks that seeding moves the counters of every
// reseller it writes for.
func TestListCountsFollowBulkInserts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		child := mustReseller(t, db, root.ID, root.Path, "child")
		var accounts []*domain.Account
		for i := range 25 {
			rid := root.ID
			if i%5 == 0 {
				rid = child.ID
			}
			accounts = append(accounts, tallyAccount(rid, fmt.Sprintf("bulk%d", i)))
		}
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.InsertAccountsBulk(ctx, accounts) }); err != nil {
			t.Fatal(err)
		}
		if got := accountTotal(t, db, store.AccountFilter{ResellerID: root.ID}); got != 20 {
			t.Errorf("root's accounts: total %d, want 20", got)
		}
		if got := accountTotal(t, db, store.AccountFilter{Below: root.Path}); got != 5 {
			t.Errorf("accounts below the root: total %d, want 5", got)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestCheckListCountsSeesARowNotCounted checks that the invariant check, which the
// end-to-end tests run after every scenario, reports a row written without moving
// its counter.
func TestCheckListCountsSeesARowNotCounted(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		err := db.InTx(ctx, func(c *store.Conn) error {
			var id int64
			return c.Row(ctx, `INSERT INTO manager_roles (reseller_id, name, name_folded, role, created_at, updated_at)
				VALUES ($1, 'Uncounted', 'uncounted', 'admin', 0, 0) RETURNING id`, []any{root.ID}, &id)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.CheckListCounts(ctx)
		if err == nil || !strings.Contains(err.Error(), "manager_roles of reseller 1") {
			t.Fatalf("check = %v, want the uncounted access level reported", err)
		}
	})
}

// TestListCountsOfATransactionMoveTogether writes counted rows of two resellers in
// one transaction: the totals count every row, the check finds the counters exact,
// and each reseller's counter moved one of its rows, however many rows the
// transaction wrote (one statement at the commit moves them all).
func TestListCountsOfATransactionMoveTogether(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		root := mustReseller(t, db, 0, "", "root")
		child := mustReseller(t, db, root.ID, root.Path, "child")
		err := db.InTx(ctx, func(c *store.Conn) error {
			for i := range 7 {
				rid := root.ID
				if i%3 == 0 {
					rid = child.ID
				}
				r := &domain.ManagerRole{ResellerID: rid, Name: fmt.Sprintf("Level %d", i), Role: domain.RoleAdmin,
					Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
				if err := c.CreateManagerRole(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var rows int
		if err := db.Reader().Row(ctx, `SELECT COUNT(*) FROM list_counts WHERE kind = 'manager_roles'`, nil, &rows); err != nil {
			t.Fatal(err)
		}
		if rows != 2 {
			t.Errorf("%d rows of manager_roles counters, want one for each reseller", rows)
		}
		for _, want := range []struct {
			reseller int64
			total    int
		}{{root.ID, 4}, {child.ID, 3}} {
			_, info, err := db.Reader().FindManagerRoles(ctx, want.reseller, domain.ListQuery{Page: domain.Page{Number: 1, Size: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if info.Total != want.total {
				t.Errorf("access levels of reseller %d: total %d, want %d", want.reseller, info.Total, want.total)
			}
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}
