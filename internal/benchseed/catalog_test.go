package benchseed_test

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/benchseed"
	"github.com/cascade-billing/cascade/internal/catalogfile"
)

// TestCatalogIsValid checks that the benchmark's catalogue passes the catalogue
// file's checks, billing types included.
func TestCatalogIsValid(t *testing.T) {
	f, err := catalogfile.Parse(context.Background(), benchseed.Catalog(12), catalogfile.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Plans) != 12 {
		t.Fatalf("%d plans, want 12", len(f.Plans))
	}
	for _, p := range f.Plans {
		if !p.BillingType.Valid() {
			t.Errorf("plan %s has billing type %q", p.Key, p.BillingType)
		}
	}
	if err := f.Check(catalogfile.Stored{}); err != nil {
		t.Errorf("check: %v", err)
	}
}
