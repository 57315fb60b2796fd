// Command vendor-service is an example vendor service for Cascade's provisioning
// protocol, built on vendorkit: it keeps subscriptions and users in SQLite and
// answers every call. README.md says how to run it and point a product at it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vendor-service:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. The secrets come from -secret and VENDOR_SECRET (a
// comma list in either, to accept the old and the new one during a rotation).
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("vendor-service", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8090", "address to listen on")
	db := fs.String("db", "vendor-service.db", `SQLite file of the service's state; ":memory:" keeps it in memory`)
	secret := fs.String("secret", "", "the product's signing secret; VENDOR_SECRET is safer, flags show in the process list")
	control := fs.Bool("control", false, "serve the control endpoints below /_control/ (tests and demos only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var secrets []string
	for _, s := range strings.Split(*secret+","+getenv("VENDOR_SECRET"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, s)
		}
	}
	if len(secrets) == 0 {
		return fmt.Errorf("set VENDOR_SECRET to the product's signing secret (a comma list while rotating)")
	}
	srv, err := vendorsvc.Start(ctx, *listen, vendorsvc.Options{Secrets: secrets, Database: *db, Control: *control})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "vendor service on %s (database %s); give the product api_path %s\n", srv.URL, *db, srv.URL)
	<-ctx.Done()
	return srv.Close()
}
