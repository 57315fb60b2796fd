package main

import (
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestSeedBenchBilling: the billing benchmark's seed, with a prepaid share, leaves
// a ledger the check finds consistent (the subscriptions' debts included); a
// prepaid share without a billing day is refused.
func TestSeedBenchBilling(t *testing.T) {
	// Two days ahead, on a day of the month a service term bills on, as
	// bench/billing.sh picks it.
	day := time.Now().UTC().AddDate(0, 0, 2)
	for day.Day() > 28 {
		day = day.AddDate(0, 0, 1)
	}
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		out, err := runCLI(t, e.URL, "seed", "--bench-subscriptions", "1", "--bench-prepaid-percent", "10")
		if err == nil || !strings.Contains(err.Error(), "--bench-prepaid-percent needs --bench-billing-day") {
			t.Fatalf("a prepaid share without a billing day: %v\n%s", err, out)
		}
		out, err = runCLI(t, e.URL, "seed", "--bench-plans", "3", "--bench-accounts", "5", "--bench-subscriptions", "60",
			"--bench-billing-day", day.Format(time.DateOnly), "--bench-prepaid-percent", "10")
		if err != nil || !strings.Contains(out, "seeded 60 subscriptions, charged for billing on "+day.Format(time.DateOnly)+
			" (10% prepaid), in") {
			t.Fatalf("seed: %v\n%s", err, out)
		}
		if out, err := runCLI(t, e.URL, "ledger", "check"); err != nil || strings.TrimSpace(out) != "ledger consistent" {
			t.Fatalf("ledger check after the seed: %v\n%s", err, out)
		}
	})
}
