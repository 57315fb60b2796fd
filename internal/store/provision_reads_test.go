package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestProvisionSubjectWithGenerations holds that the generations a provisioning
// run asks for with its subscription are on PostgreSQL those GenerationSums reads,
// in the subject's one round trip, and follow a move of a scope; on SQLite, which
// keeps them in memory, none are read with it.
func TestProvisionSubjectWithGenerations(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		sub := f.subscription(t)
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateSubscription(ctx, sub) }); err != nil {
			t.Fatal(err)
		}
		groups := [][]store.Scope{{store.ScopeCatalog}, {store.ResellerScope(domain.OperatorID)},
			{store.AccountsScope(domain.OperatorID), store.ScopeCatalog}}
		check := func(when string) {
			t.Helper()
			trips := db.RoundTrips()
			got, err := db.Reader().FindProvisionSubject(ctx, sub.ID, 0, false, groups...)
			if err != nil {
				t.Fatal(err)
			}
			if got.Subscription == nil || got.Subscription.ID != sub.ID {
				t.Fatalf("%s: subscription %+v, want %d", when, got.Subscription, sub.ID)
			}
			if e.Name != "postgres" {
				if got.Gens != nil || got.GenOKs != nil {
					t.Fatalf("%s: generations %v %v read on SQLite, want none", when, got.Gens, got.GenOKs)
				}
				return
			}
			if n := db.RoundTrips() - trips; n != 1 {
				t.Fatalf("%s: %d round trips, want 1", when, n)
			}
			want, oks, err := db.Reader().GenerationSums(ctx, groups...)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Gens, want) || !slices.Equal(got.GenOKs, oks) {
				t.Fatalf("%s: generations %v %v, want %v %v", when, got.Gens, got.GenOKs, want, oks)
			}
		}
		check("at first")
		before, _, err := db.Reader().GenerationSums(ctx, groups...)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(c *store.Conn) error { c.TouchAccounts(domain.OperatorID); return nil }); err != nil {
			t.Fatal(err)
		}
		after, _, err := db.Reader().GenerationSums(ctx, groups...)
		if err != nil {
			t.Fatal(err)
		}
		if after[2] == before[2] || after[0] != before[0] {
			t.Fatalf("generations %v after the accounts' scope moved, from %v: want only the third group's moved", after, before)
		}
		check("after a move")
	})
}
