package service

import (
	"context"
	"strings"
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
		w := psSetupWith(t, e, strings.Replace(soCatalog, `{mode: manual, email: a@b.example}`,
			`{mode: automatic, api_path: "https://vendor.example.com/api"}`, 1))
		plan := w.plan("monthly")
		c := w.db.Reader()
		read := func() vendorParties {
			t.Helper()
			_, p, parties, err := w.s.deliveryCatalog(ctx, c, plan.ID, domain.OperatorID)
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
			_, p, parties, err := w.s.deliveryCatalog(ctx, w.db.Reader(), plan.ID, seller.ID)
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
