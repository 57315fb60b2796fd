package store_test

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestFindSwitchTargetsOf reads the switches of several plans in one query: each
// plan gets what FindSwitchTargets finds for it, a plan without switches none.
func TestFindSwitchTargetsOf(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		k := ctSeed(t, db)
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.LockCatalogs(ctx); err != nil {
				return err
			}
			return c.ReplacePlanSwitches(ctx, k.childBasic.ID, []domain.PlanSwitch{
				{PlanID: k.childBasic.ID, TargetID: k.notesPlan.ID, Type: domain.SwitchDelayed},
				{PlanID: k.childBasic.ID, TargetID: k.pro.ID, Type: domain.SwitchImmediate}})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Reader().FindSwitchTargetsOf(ctx, []int64{k.basic.ID, k.pro.ID, k.childBasic.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{k.basic.ID, k.pro.ID, k.childBasic.ID} {
			one, err := db.Reader().FindSwitchTargets(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(got[id]) != len(one) {
				t.Fatalf("plan %d: %v, want %v", id, got[id], one)
			}
			for i := range one {
				if got[id][i] != one[i] {
					t.Fatalf("plan %d: %v, want %v", id, got[id], one)
				}
			}
		}
		if len(got[k.basic.ID]) != 1 || len(got[k.pro.ID]) != 0 || len(got[k.childBasic.ID]) != 2 {
			t.Fatalf("switches %v, want 1 of basic, none of pro, 2 of the child's basic", got)
		}
	})
}
