package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

const productUsage = "usage: cascade product secret rotate [--reseller ID] KEY"

// product runs the product tools: "secret rotate KEY" gives a product in automatic
// mode a new signing secret for its vendor calls and prints it, the one time it is
// shown (POST /api/v3/resellers/{id}/products/{product_id}/secret does the same).
func (c *cli) product(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] != "secret" || args[1] != "rotate" {
		return errors.New(productUsage)
	}
	var resellerID int64
	flags := func(fs *flag.FlagSet) {
		fs.Int64Var(&resellerID, "reseller", domain.OperatorID, "id of the reseller whose product it is")
	}
	m, fs, err := c.open(ctx, "product secret rotate", args[2:], flags, true)
	if err != nil {
		return err
	}
	defer m.Close()
	keys, err := positional(fs)
	if err != nil {
		return err
	}
	if len(keys) != 1 {
		return errors.New(productUsage)
	}
	actor, err := m.Service.OperatorActor(ctx)
	if err != nil {
		return err
	}
	out, err := m.Service.RotateProductSecretByKey(ctx, actor, resellerID, keys[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "new signing secret of product %s (id %d), shown only now:\n%s\n", out.Product.Key, out.Product.ID, out.Secret)
	return nil
}

// version prints the build's version and, when the database exists, the
// installation's ap_guid, the identity vendors know it by. It makes no database: an
// installation gets its ap_guid when its database is made.
func (c *cli) version(ctx context.Context, args []string) error {
	fmt.Fprintln(c.stdout, "cascade", version)
	cfg, _, err := c.config("version", args, nil)
	if err != nil {
		return err
	}
	if path, ok := strings.CutPrefix(cfg.DatabaseURL, "sqlite:"); ok {
		path = strings.TrimPrefix(path, "//")
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(c.stdout, "ap_guid: none yet (no database at %s)\n", path)
			return nil
		}
	}
	m, _, err := c.open(ctx, "version", args, nil, false)
	if err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintln(c.stdout, "ap_guid", m.Service.APGUID())
	return nil
}
