package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestLedgerCheck: a seeded database is consistent; money moved on an account
// without a payment or charge behind it is reported, and the command fails.
func TestLedgerCheck(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		if out, err := runCLI(t, e.URL, "seed", "--demo"); err != nil {
			t.Fatalf("seed: %v\n%s", err, out)
		}
		out, err := runCLI(t, e.URL, "ledger", "check")
		if err != nil || strings.TrimSpace(out) != "ledger consistent" {
			t.Fatalf("ledger check on a seeded database: %v\n%s", err, out)
		}
		db := storetest.Open(t, e)
		ctx := context.Background()
		err = db.InTx(ctx, func(c *store.Conn) error {
			a, err := c.FindAccountForUpdate(ctx, 1)
			if err != nil {
				return err
			}
			return c.MoveAccountMoney(ctx, a, 5_000_000, 2_000_000, time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err = runCLI(t, e.URL, "ledger", "check")
		if err == nil || !strings.Contains(out, "account 1: balance 5.0, but its completed payments") ||
			!strings.Contains(out, "account 1: blocked 2.0, but its blocked prepaid charges make 0.0") {
			t.Fatalf("ledger check after a stray movement: %v\n%s", err, out)
		}
		if _, err := runCLI(t, e.URL, "ledger"); err == nil {
			t.Fatal("ledger without check: want the usage")
		}
	})
}
