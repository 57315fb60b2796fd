package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

const ledgerUsage = `usage: cascade ledger check`

// errLedgerBroken is the failure of a check that found violations: they are printed
// already, so the message only says how many.
var errLedgerBroken = errors.New("the ledger is not consistent")

// ledger holds the operators' tools for the account ledger. check reads the
// database and prints every violated rule of its invariant (docs/billing.md), or
// "ledger consistent"; violations make the command fail.
func (c *cli) ledger(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return errors.New(ledgerUsage)
	}
	check := func(fs *flag.FlagSet) error {
		if fs.NArg() > 0 {
			return errors.New(ledgerUsage)
		}
		return nil
	}
	m, err := c.openChecked(ctx, "ledger check", args[1:], nil, check)
	if err != nil {
		return err
	}
	defer m.Close()
	violations, err := m.DB.Reader().CheckLedger(ctx)
	if err != nil {
		return err
	}
	if len(violations) == 0 {
		fmt.Fprintln(c.stdout, "ledger consistent")
		return nil
	}
	for _, v := range violations {
		fmt.Fprintln(c.stdout, v.Text)
	}
	return fmt.Errorf("%w: %d violation(s)", errLedgerBroken, len(violations))
}
