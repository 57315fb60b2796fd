package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// ctLongList is n ids that name nothing, with the given ids among them, longer than
// either engine takes in one statement (SQLite 32,766 values, PostgreSQL 65,535).
func ctLongList(n int, real ...int64) []int64 {
	out := make([]int64, 0, n+len(real))
	for i := range n {
		out = append(out, int64(1_000_000+i))
	}
	return append(out[:n/2:n/2], append(real, out[n/2:]...)...)
}

func TestCatalogStateReadsLongIDLists(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		k := ctSeed(t, db)
		const n = 70_000
		err := db.InTx(ctx, func(c *store.Conn) error {
			copies, err := c.LoadPlanCopies(ctx, ctLongList(n, k.basic.ID, k.pro.ID))
			if err != nil {
				return err
			}
			if len(copies) != 1 || copies[0].ID != k.childBasic.ID || len(copies[0].Periods) != 1 {
				t.Errorf("copies = %+v, want the child's basic with its period", copies)
			}
			keys, err := c.PlanKeysOf(ctx, ctLongList(n, k.child.ID))
			if err != nil {
				return err
			}
			if got := keys[k.child.ID]; len(keys) != 1 || len(got) != 2 || got["basic"] != k.basic.ID || got["notes"] != 0 {
				t.Errorf("plan keys = %v", keys)
			}
			domains := make([]string, n)
			for i := range domains {
				domains[i] = fmt.Sprintf("nobody-%d.example", i)
			}
			domains[n/3] = k.grand.General.Domain
			refs, err := c.FindResellerRefs(ctx, ctLongList(n, k.sibling.ID), domains)
			if err != nil {
				return err
			}
			found := map[int64]bool{}
			for _, r := range refs {
				found[r.ID] = true
			}
			if len(refs) != 2 || !found[k.sibling.ID] || !found[k.grand.ID] {
				t.Errorf("reseller refs = %+v, want the sibling and the grandchild", refs)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
