package store_test

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestFindAccountTenant checks the one read a vendor request makes of its account:
// the account as FindAccountByID reads it, its type's key, and its owner's names,
// empty for an account without an owner.
func TestFindAccountTenant(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		owned := ownerTestAccount(r.ID, "owned")
		u := ownerTestUser(r.ID, "owner@example.com", "Olga")
		u.LastName = "Ivanova"
		bare := mustAccounts(t, db, r.ID, 1, func(int) string { return "bare" })[0]
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccountWithOwner(ctx, owned, &u) }); err != nil {
			t.Fatal(err)
		}
		types, err := db.Reader().FindAccountTypes(ctx)
		if err != nil || len(types) == 0 {
			t.Fatalf("account types: %v, %v", types, err)
		}
		for _, tc := range []struct {
			id          int64
			first, last string
		}{{owned.ID, "Olga", "Ivanova"}, {bare.ID, "", ""}} {
			got, err := db.Reader().FindAccountTenant(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.Reader().FindAccountByID(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Account.Equal(want) || got.TypeKey != types[0].Key || got.OwnerFirstName != tc.first ||
				got.OwnerLastName != tc.last {
				t.Errorf("tenant of account %d: %+v (type %q, owner %q %q), want %+v (type %q, owner %q %q)", tc.id,
					got.Account, got.TypeKey, got.OwnerFirstName, got.OwnerLastName, want, types[0].Key, tc.first, tc.last)
			}
		}
		if _, err := db.Reader().FindAccountTenant(ctx, 999999); domain.CodeOf(err) != domain.ErrNotFound {
			t.Errorf("a missing account: %v, want not found", err)
		}
	})
}
