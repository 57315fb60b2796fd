package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// accountCountsMigration is the migration that moves the accounts counters into the
// accounts scopes' rows.
const accountCountsMigration = 42

// TestMigrationMovesAccountCounts counts accounts in the schema before the migration
// (rows of list_counts), migrates, and checks that the totals of one reseller and of
// a subtree are still exact, that creates made after it count on, and that no
// accounts counter is left in list_counts.
func TestMigrationMovesAccountCounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := openBefore(t, e, accountCountsMigration)
		root := mustReseller(t, db, 0, "", "root")
		branch := mustReseller(t, db, root.ID, root.Path, "branch")
		made := 0
		create := func(resellerID int64) {
			t.Helper()
			made++
			name := fmt.Sprintf("counted%d", made)
			a := ownerTestAccount(resellerID, name)
			u := ownerTestUser(resellerID, name+"@example.com", "Owner")
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccountWithOwner(ctx, a, &u) }); err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
		}
		for range 3 {
			create(root.ID)
		}
		for range 2 {
			create(branch.ID)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		total := func(f store.AccountFilter, want int) {
			t.Helper()
			f.Query = domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}
			_, info, err := db.Reader().FindAccounts(ctx, f)
			if err != nil || info.Total != want {
				t.Fatalf("total of %+v: %d, %v; want %d", f, info.Total, err, want)
			}
		}
		total(store.AccountFilter{ResellerID: root.ID}, 3)
		total(store.AccountFilter{ResellerID: branch.ID}, 2)
		total(store.AccountFilter{Below: root.Path}, 2)
		create(root.ID)
		create(branch.ID)
		total(store.AccountFilter{ResellerID: root.ID}, 4)
		total(store.AccountFilter{Below: root.Path}, 3)
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
		var left int
		if err := db.Reader().Row(ctx, `SELECT COUNT(*) FROM list_counts WHERE kind = 'accounts'`, nil, &left); err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Errorf("%d accounts counter rows left in list_counts, want none", left)
		}
	})
}
