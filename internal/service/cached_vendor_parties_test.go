package service

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestVendorPartiesInMemory checks that the seller and the distributor a vendor
// call names, kept in memory under their resellers' scopes, are copies a caller
// may change without changing the next caller's, and are read anew once a change
// of the reseller commits.
func TestVendorPartiesInMemory(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, soAutomaticCatalog)
		plan := w.plan("monthly")
		c := w.db.Reader()
		read := func() vendorParties {
			t.Helper()
			_, p, parties, err := w.s.deliveryCatalog(ctx, c, plan.ID, domain.OperatorID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if parties.seller.ID != domain.OperatorID || parties.distributor.ID != p.product.ResellerID {
				t.Fatalf("seller %d, distributor %d, want %d and %d", parties.seller.ID, parties.distributor.ID,
					domain.OperatorID, p.product.ResellerID)
			}
			return parties
		}
		first := read()
		name := first.seller.General.Name
		first.seller.General.Name = "changed by a caller" // a copy: the cache keeps its own
		first.distributor.General.Name = "changed by a caller"
		if again := read(); again.seller.General.Name != name || again.distributor.General.Name != name {
			t.Fatalf("names %q and %q after a caller changed its copies, want %q", again.seller.General.Name,
				again.distributor.General.Name, name)
		}
		renamed := "Renamed Operator"
		if _, err := w.s.UpdateReseller(ctx, w.admin, domain.OperatorID, domain.ResellerChange{Name: &renamed}); err != nil {
			t.Fatal(err)
		}
		if got := read(); got.seller.General.Name != renamed || got.distributor.General.Name != renamed {
			t.Fatalf("names %q and %q after the reseller's change, want %q", got.seller.General.Name,
				got.distributor.General.Name, renamed)
		}
	})
}

// TestVendorPartiesOfAnotherSeller checks the parties of a sale by a reseller
// other than the product's: the distributor's generation is read afterwards the
// first time, then with the others once the plan tells whose it is, and a change
// of the distributor is seen either way.
func TestVendorPartiesOfAnotherSeller(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, soCatalog)
		plan := w.plan("monthly")
		name, dom, cur := "Seller", "seller.example.com", "USD"
		seller, err := w.s.CreateReseller(ctx, w.admin, domain.OperatorID,
			domain.ResellerChange{Name: &name, Domain: &dom, Currency: &cur})
		if err != nil {
			t.Fatal(err)
		}
		read := func() vendorParties {
			t.Helper()
			_, p, parties, err := w.s.deliveryCatalog(ctx, w.db.Reader(), plan.ID, seller.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if parties.seller.ID != seller.ID || parties.distributor.ID != p.product.ResellerID ||
				parties.seller.General.Name != name {
				t.Fatalf("seller %d %q, distributor %d, want %d %q and %d", parties.seller.ID,
					parties.seller.General.Name, parties.distributor.ID, seller.ID, name, p.product.ResellerID)
			}
			return parties
		}
		first := read() // no hint yet of the distributor
		renamed := "Renamed Distributor"
		if _, err := w.s.UpdateReseller(ctx, w.admin, first.distributor.ID, domain.ResellerChange{Name: &renamed}); err != nil {
			t.Fatal(err)
		}
		if got := read(); got.distributor.General.Name != renamed { // with the hint
			t.Fatalf("distributor %q after its change, want %q", got.distributor.General.Name, renamed)
		}
	})
}

// TestVendorPartiesWithGenerationsRead checks deliveryCatalog given the
// generations a provisioning run read with its subscription: the seller comes
// from memory at them (as it was when they were read), generations read for
// another seller are not used, and a change of the seller shows once they are
// read again.
func TestVendorPartiesWithGenerationsRead(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, soAutomaticCatalog)
		plan := w.plan("monthly")
		c := w.db.Reader()
		gensOf := func(seller int64) *sellerGens {
			t.Helper()
			gens, oks, err := c.GenerationSums(ctx, sellerGroups(seller)...)
			if err != nil {
				t.Fatal(err)
			}
			return &sellerGens{seller: seller, gens: gens, oks: oks}
		}
		sellerName := func(read *sellerGens) string {
			t.Helper()
			_, _, parties, err := w.s.deliveryCatalog(ctx, c, plan.ID, domain.OperatorID, read)
			if err != nil {
				t.Fatal(err)
			}
			return parties.seller.General.Name
		}
		stale := gensOf(domain.OperatorID)
		name := sellerName(stale)
		renamed := "Renamed Operator"
		if _, err := w.s.UpdateReseller(ctx, w.admin, domain.OperatorID, domain.ResellerChange{Name: &renamed}); err != nil {
			t.Fatal(err)
		}
		// Generations read before the change give the seller as it was then.
		if got := sellerName(stale); got != name {
			t.Fatalf("seller %q at the generations read before the change, want %q", got, name)
		}
		// Those of another seller are not used: the generations are read afresh.
		other := &sellerGens{seller: domain.OperatorID + 1000, gens: stale.gens, oks: stale.oks}
		if got := sellerName(other); got != renamed {
			t.Fatalf("seller %q with generations read for another seller, want %q", got, renamed)
		}
		if got := sellerName(gensOf(domain.OperatorID)); got != renamed {
			t.Fatalf("seller %q at the generations read after the change, want %q", got, renamed)
		}
	})
}
