package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
)

const catalogUsage = "usage: cascade catalog apply [--dry-run] [--reseller ID] FILE.yaml"

// catalog applies a catalogue file straight to the database, as the operator's
// administrator: the same rules and the same single transaction as
// PUT /api/v3/resellers/{id}/catalog.
func (c *cli) catalog(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "apply" {
		return errors.New(catalogUsage)
	}
	var (
		dryRun     bool
		resellerID int64
	)
	flags := func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "list the changes without making them")
		fs.Int64Var(&resellerID, "reseller", domain.OperatorID, "id of the reseller whose catalogue the file is")
	}
	m, fs, err := c.open(ctx, "catalog apply", args[1:], flags, true)
	if err != nil {
		return err
	}
	defer m.Close()
	if fs.NArg() == 0 {
		return errors.New(catalogUsage)
	}
	// The file may come before the command's own flags: "apply FILE --dry-run".
	file := fs.Arg(0)
	if fs.NArg() > 1 {
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return errors.New(catalogUsage)
		}
	}
	doc, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	actor, err := m.Service.OperatorActor(ctx)
	if err != nil {
		return err
	}
	res, err := m.Service.ApplyCatalog(ctx, actor, resellerID, doc, dryRun)
	var invalid *catalogfile.Invalid
	if errors.As(err, &invalid) {
		for _, p := range invalid.Problems {
			fmt.Fprintf(c.stderr, "%s:%s\n", file, p)
		}
		return fmt.Errorf("%s: %d problem(s), nothing applied", file, len(invalid.Problems))
	}
	if err != nil {
		return err
	}
	printChanges(c, res, file)
	return nil
}

// printChanges writes one line per change and a summary.
func printChanges(c *cli, res *catalogfile.Result, file string) {
	for _, ch := range res.Changes {
		fmt.Fprintln(c.stdout, ch.String())
	}
	switch {
	case !res.Changed():
		fmt.Fprintf(c.stdout, "no changes: reseller %d's catalogue already is %s\n", res.ResellerID, file)
	case res.DryRun:
		fmt.Fprintf(c.stdout, "dry run: %d change(s) to reseller %d's catalogue, nothing applied\n", len(res.Changes), res.ResellerID)
	default:
		fmt.Fprintf(c.stdout, "applied %d change(s) to reseller %d's catalogue\n", len(res.Changes), res.ResellerID)
	}
	// Products entering automatic mode got signing secrets, shown this once.
	for _, key := range slices.Sorted(maps.Keys(res.ProductSecrets)) {
		fmt.Fprintf(c.stdout, "signing secret of product %s, shown only now: %s\n", key, res.ProductSecrets[key])
	}
}
