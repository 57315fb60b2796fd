package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestAccountsAddedReadEachByID: on PostgreSQL the generic plan of a refresh's count
// of the accounts added to a page of one day's accounts finds each added account by
// its id, and reads no range of the day's index. Before, with the ids in an array
// condition, the generic plan walked the day's entries of accounts_reseller_created_at
// and tested each against the ids.
func TestAccountsAddedReadEachByID(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		if e.Name != "postgres" {
			t.Skip("SQLite plans each call with its values; NOT INDEXED keeps it on the primary key")
		}
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		accounts := mustAccounts(t, db, r.ID, 2000, func(i int) string { return "day account" })
		day := now.Truncate(24 * time.Hour)
		q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}.
			Where("created_at", domain.OpGe, day).Where("created_at", domain.OpLt, day.AddDate(0, 0, 1))
		ids := []int64{accounts[10].ID, accounts[20].ID, accounts[30].ID}
		plan, err := db.ExplainAccountsAdded(ctx, store.AccountFilter{ResellerID: r.ID, Query: q}, ids)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(plan, "\n")
		if !strings.Contains(got, "accounts_pkey") || strings.Contains(got, "accounts_reseller_created_at") {
			t.Fatalf("the added accounts are not read by id:\n%s", got)
		}
	})
}
