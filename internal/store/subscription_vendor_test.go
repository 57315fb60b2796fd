package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestUpdateSubscriptionVendorDeclaresTheChange: writing what the vendor answered
// moves the reseller's SubscriptionsScope declaring that subscription changed, as
// UpdateSubscription does, so a cached page that does not show it can stay.
func TestUpdateSubscriptionVendorDeclaresTheChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		s, _ := osSeed(t, db).created(t, db, "")
		scope := store.SubscriptionsScope(s.ResellerID)
		old, _, err := db.Reader().ScopeState(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(c *store.Conn) error {
			sub, err := c.FindSubscriptionForUpdate(ctx, 0, s.ID)
			if err != nil {
				return err
			}
			sub.Vendor = domain.SubscriptionVendor{ExternalID: "vendor-1", JobID: "job-1"}
			return c.UpdateSubscriptionVendor(ctx, sub)
		})
		if err != nil {
			t.Fatal(err)
		}
		r := db.Reader()
		st, _, err := r.ScopeState(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		if st.Gen == old.Gen {
			t.Fatal("the scope did not move")
		}
		added, changed, ok, err := r.ChangedSince(ctx, scope, old, st)
		if err != nil || !ok || len(added) != 0 || !slices.Equal(changed, []int64{s.ID}) {
			t.Errorf("since the vendor's answer: added %v, changed %v, %v, %v; want subscription %d changed",
				added, changed, ok, err, s.ID)
		}
	})
}
