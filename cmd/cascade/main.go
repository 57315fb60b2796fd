// Command cascade is the Cascade server and its administration tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "time/tzdata" // CASCADE_TIMEZONE works on machines without a zoneinfo database

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/benchseed"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/gcpace"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `Usage: cascade <command> [flags]

Commands:
  serve      run the API server (migrates and bootstraps an empty database)
  migrate    apply database migrations and exit
  seed       create the operator, and with --demo the demo data, then exit
  reseller   create or update a downstream reseller: reseller create|update ...
  manager    manager tools: manager token MANAGER_ID (issue a new API token)
  catalog    apply a catalogue file: catalog apply [--dry-run] [--reseller ID] FILE.yaml
  jobs       job queue tools: jobs list [--status S] | retry ID... | purge [--older-than D]
  product    product tools: product secret rotate [--reseller ID] KEY (a new vendor signing secret)
  vendor     vendor tools: vendor check URL (run the integration check against a vendor service)
  ledger     account ledger tools: ledger check (print every violated rule of the ledger's invariant)
  version    print the version and the installation's ap_guid

Run "cascade <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			printError(os.Stderr, err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, args := args[0], args[1:]
	c := &cli{getenv: getenv, stdout: stdout, stderr: stderr}
	switch cmd {
	case "serve":
		return c.serve(ctx, args)
	case "migrate":
		return c.migrate(ctx, args)
	case "seed":
		return c.seed(ctx, args)
	case "reseller":
		return c.reseller(ctx, args)
	case "manager":
		return c.manager(ctx, args)
	case "catalog":
		return c.catalog(ctx, args)
	case "jobs":
		return c.jobs(ctx, args)
	case "product":
		return c.product(ctx, args)
	case "ledger":
		return c.ledger(ctx, args)
	case "vendor":
		return c.vendor(ctx, args)
	case "version", "-v", "--version":
		return c.version(ctx, args)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// cli is one invocation's environment: variables, output and the server's log.
type cli struct {
	getenv         func(string) string
	stdout, stderr io.Writer
}

// config reads a command's flags into a Config.
func (c *cli) config(name string, args []string, extra func(*flag.FlagSet)) (app.Config, *flag.FlagSet, error) {
	cfg := app.DefaultConfig()
	cfg.LogOutput = c.stderr
	fs := flag.NewFlagSet("cascade "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	cfg.Flags(fs, c.getenv)
	if extra != nil {
		extra(fs)
	}
	err := fs.Parse(args)
	return cfg, fs, err
}

// open reads a command's flags and opens the database, migrated and, when bootstrap
// is set, with its operator. On success the caller closes the returned Main.
func (c *cli) open(ctx context.Context, name string, args []string, extra func(*flag.FlagSet), bootstrap bool) (*app.Main, *flag.FlagSet, error) {
	cfg, fs, err := c.config(name, args, extra)
	if err != nil {
		return nil, nil, err
	}
	m := app.NewMain(cfg)
	if err = m.Open(ctx); err == nil && bootstrap {
		err = m.Bootstrap(ctx)
	}
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, fs, nil
}

func (c *cli) serve(ctx context.Context, args []string) error {
	workers := true
	cfg, _, err := c.config("serve", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&workers, "workers", workers, "run the job workers; --workers=false makes an API-only node")
	})
	if err != nil {
		return err
	}
	cfg.Workers = workers
	cfg.Stdout = c.stdout
	headroom, err := c.gcHeadroom()
	if err != nil {
		return err
	}
	if headroom > 0 {
		go gcpace.Keep(ctx, headroom)
	}
	m := app.NewMain(cfg)
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	welcome(c.stdout, m)
	if addr := c.getenv("CASCADE_PPROF_ADDR"); addr != "" {
		go servePprof(addr, c.stdout)
	}
	<-ctx.Done()
	fmt.Fprintln(c.stdout, "shutting down")
	return m.Close()
}

// gcHeadroom is the growth the Go heap is allowed between two collections
// (CASCADE_GC_HEADROOM, gcpace.DefaultHeadroom when unset), or 0 when GOGC is set:
// the operator chose the collector's pace then, and Cascade leaves it alone.
func (c *cli) gcHeadroom() (uint64, error) {
	if c.getenv("GOGC") != "" {
		return 0, nil
	}
	v := c.getenv("CASCADE_GC_HEADROOM")
	if v == "" {
		return gcpace.DefaultHeadroom, nil
	}
	n, err := gcpace.ParseSize(v)
	if err != nil {
		return 0, fmt.Errorf("CASCADE_GC_HEADROOM %w", err)
	}
	return n, nil
}

// servePprof serves the Go profiler on its own listener, for load tests only: it is
// off unless CASCADE_PPROF_ADDR is set and never shares the API's address.
func servePprof(addr string, stdout io.Writer) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	fmt.Fprintf(stdout, "profiler on http://%s/debug/pprof/\n", addr)
	fmt.Fprintln(stdout, "profiler:", http.ListenAndServe(addr, mux))
}

// adminTokenGivenNote stands in for the administrator's token when the operator chose
// it: a token Cascade did not generate is never printed.
const adminTokenGivenNote = "The operator's administrator uses the API token in CASCADE_ADMIN_TOKEN (not printed)."

func welcome(w io.Writer, m *app.Main) {
	fmt.Fprintf(w, "Cascade %s is serving on %s (database %s)\n", version, m.URL(), redact(m.Config.DatabaseURL))
	token := "$CASCADE_TOKEN"
	switch {
	case m.AdminTokenGiven:
		token = "$CASCADE_ADMIN_TOKEN"
		fmt.Fprintf(w, "\n%s\n", adminTokenGivenNote)
	case m.AdminToken != "":
		token = m.AdminToken
		fmt.Fprintf(w, "\nThe operator's administrator API token (shown only now, keep it):\n  %s\n", token)
	default:
		fmt.Fprintln(w, "\nTokens were printed when this database was created; \"cascade manager token ID\" issues a new one.")
	}
	if len(m.DemoTokens) > 0 {
		fmt.Fprintln(w, "\nDemo managers and their API tokens (shown only now):")
		app.PrintDemoTokens(w, m.DemoTokens)
	}
	if len(m.DemoSubscriptions) > 0 {
		fmt.Fprintln(w, "\nDemo subscriptions (README.md walks through orders and payments):")
		app.PrintDemoSubscriptions(w, m.DemoSubscriptions)
	}
	if m.DemoVendorURL != "" {
		fmt.Fprintf(w, "\nThe demo's vendor service (examples/vendor-service) listens on %s;\n"+
			"the demo catalogue's automatic products are provisioned through it.\n", m.DemoVendorURL)
	}
	if m.Config.TestClock {
		why := ""
		if m.Config.Demo {
			why = " (--demo turns it on)"
		}
		fmt.Fprintf(w, "\nThe test clock is on%s: it reads %s, and the operator's administrators move it\n"+
			"forward with POST /api/v3/test_clock/advance (docs/test-clock.md).\n", why, m.Clock.Now().Format(time.RFC3339))
	}
	fmt.Fprintf(w, "\nTry:\n  curl -s -H \"X-Api-Token: %s\" %s/api/v3/resellers/1\n\n", token, m.URL())
}

func (c *cli) migrate(ctx context.Context, args []string) error {
	m, _, err := c.open(ctx, "migrate", args, nil, false)
	if err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintln(c.stdout, "database is migrated")
	return nil
}

func (c *cli) seed(ctx context.Context, args []string) error {
	var (
		benchPlans, benchAccounts, benchSubscriptions, benchPrepaid int
		benchRenewalDay, benchBillingDay                            string
	)
	m, _, err := c.open(ctx, "seed", args, func(fs *flag.FlagSet) {
		fs.IntVar(&benchPlans, "bench-plans", 0, "also add this many synthetic plans to the operator (load tests)")
		fs.IntVar(&benchAccounts, "bench-accounts", 0, "also add this many synthetic accounts to the operator (load tests)")
		fs.IntVar(&benchSubscriptions, "bench-subscriptions", 0,
			"also add this many active subscriptions, each with its sales order, to the operator's plans and accounts (load tests)")
		fs.StringVar(&benchRenewalDay, "bench-renewal-day", "",
			"YYYY-MM-DD: the bench subscriptions auto-renew, every one's renewal order falling due that day, half of them postpaid (load tests)")
		fs.StringVar(&benchBillingDay, "bench-billing-day", "",
			"YYYY-MM-DD (day of month 1 to 28): the bench subscriptions are postpaid, with the blocked charges of a period the billing pass invoices that day (load tests)")
		fs.IntVar(&benchPrepaid, "bench-prepaid-percent", 0,
			"with --bench-billing-day: this share (0 to 100) of every account's bench subscriptions is prepaid and paid, its charges closed, listed in prepaid invoices (load tests)")
	}, true)
	if err != nil {
		return err
	}
	defer m.Close()
	sizes := benchseed.Sizes{Plans: benchPlans, Accounts: benchAccounts, Subscriptions: benchSubscriptions,
		PrepaidPercent: benchPrepaid}
	if benchRenewalDay != "" {
		if sizes.RenewalDay, err = domain.ParseDate(benchRenewalDay); err != nil {
			return fmt.Errorf("--bench-renewal-day: %w", err)
		}
	}
	if benchBillingDay != "" {
		if sizes.BillingDay, err = domain.ParseDate(benchBillingDay); err != nil {
			return fmt.Errorf("--bench-billing-day: %w", err)
		}
	}
	if benchPrepaid != 0 && benchBillingDay == "" {
		return errors.New("--bench-prepaid-percent needs --bench-billing-day")
	}
	if err := benchseed.Seed(ctx, c.stdout, m.Service, m.DB, sizes); err != nil {
		return err
	}
	switch {
	case m.AdminTokenGiven:
		fmt.Fprintln(c.stdout, adminTokenGivenNote)
	case m.AdminToken != "":
		fmt.Fprintf(c.stdout, "operator administrator API token: %s\n", m.AdminToken)
	}
	if len(m.DemoTokens) > 0 {
		app.PrintDemoTokens(c.stdout, m.DemoTokens)
		app.PrintDemoSubscriptions(c.stdout, m.DemoSubscriptions)
	} else if m.Config.Demo {
		fmt.Fprintln(c.stdout, "demo data is already there")
	}
	return nil
}

// redact hides the password of a database URL.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return dbURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// printError writes err for a person: validation problems one per line.
func printError(w io.Writer, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		fmt.Fprintln(w, "cascade:", err)
		return
	}
	for _, e := range domain.Errors(err) {
		where := e.Pointer
		if where == "" {
			where = e.Parameter
		}
		if where != "" {
			where += ": "
		}
		fmt.Fprintf(w, "cascade: %s%s\n", where, e.Message.Text(domain.LocaleEN, e.Args...))
	}
}
