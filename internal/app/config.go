// Package app assembles a Cascade server from its configuration: the database, the
// services, the HTTP API and the background workers. cmd/cascade and the end-to-end
// tests both start it.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/email"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// Config is everything a server needs, read once from flags and environment and
// validated before anything starts.
type Config struct {
	Addr             string // listen address
	DatabaseURL      string // sqlite:PATH or postgres://...
	AdminToken       string // token of the first administrator; random when empty
	Timezone         string // IANA zone the API renders times in
	OperatorCurrency string // currency of the operator created on an empty database
	Demo             bool   // add demo data on an empty database
	// Workers runs the job workers (async tasks, outbound calls) in this process;
	// false makes an API-only node, for installations that run workers elsewhere.
	Workers bool
	// JobRetention is how long finished jobs are kept before the workers delete them
	// (CASCADE_JOB_RETENTION); 0 keeps them forever.
	JobRetention time.Duration
	// BillingPause is how long the billing passes wait between two transactions
	// (CASCADE_BILLING_PAUSE); 0 never waits.
	BillingPause time.Duration
	// CatalogLimits cap what one catalogue file may hold (--catalog-max-plans,
	// CASCADE_CATALOG_MAX_PLANS and the like, one per limit).
	CatalogLimits catalogfile.Limits
	// DBPoolSize is the number of database connections that serve requests
	// (--db-pool-size, CASCADE_DB_POOL_SIZE): PostgreSQL's pool, or SQLite's
	// readers beside its one writer. 0 sizes it to the CPUs (store.DefaultPoolSize).
	DBPoolSize int
	// TestClock makes the installation's time the machine's plus an offset stored in
	// the database, which POST /api/v3/test_clock/advance moves forward
	// (--test-clock, CASCADE_TEST_CLOCK; --demo turns it on). See docs/test-clock.md.
	TestClock bool
	// SchedulerInterval is how often worker nodes run the scheduler's passes
	// (--scheduler-interval, CASCADE_SCHEDULER_INTERVAL).
	SchedulerInterval time.Duration
	// JobLease is how long a worker node holds a job it claimed (--job-lease,
	// CASCADE_JOB_LEASE): the jobs of a node that died are taken over once it
	// passes, and a run is cut off at half of it (at most a minute). 0 takes the
	// runner's default of 5 minutes.
	JobLease time.Duration
	// Vendor tunes the calls to vendors' services (CASCADE_VENDOR_TIMEOUT,
	// CASCADE_VENDOR_RETRY, CASCADE_VENDOR_ALLOW_PRIVATE; docs/vendor-protocol.md).
	Vendor vendor.Settings
	// SMTP is the server that e-mails the operations of products in manual mode
	// (CASCADE_SMTP_URL, environment only as it holds a password); unconfigured, the
	// messages are logged instead.
	SMTP email.Settings

	// Set by tests and tools rather than users.
	Clock domain.Clock
	// Passes are scheduler passes to run besides the platform's own.
	Passes []jobs.Pass
	// Provisioner carries out the provisioning jobs; the built-in one (every
	// operation done at once) when nil.
	Provisioner  service.Provisioner
	PasswordCost int
	Stdout       io.Writer // where tokens and the welcome text go
	LogOutput    io.Writer // where the JSON log goes
	Quiet        bool      // no access log

	location     *time.Location
	jobRetention string // CASCADE_JOB_RETENTION as given, parsed by Validate
	billingPause string // CASCADE_BILLING_PAUSE as given, parsed by Validate
	// limitErrs are the catalogue limits, and the pool size, whose environment
	// variable is not a number, reported by Validate.
	limitErrs []error
	// jobPurge tunes the purge of finished jobs (tests shorten its waits); its
	// retention and logger come from the fields above.
	jobPurge jobs.PurgeOptions
}

// MinJobLease and MaxJobLease bound --job-lease: a run gets half the lease, which
// must leave a vendor call time to answer; and a node that died must not hold its
// jobs for longer than an operator would wait.
const (
	MinJobLease = 2 * time.Second
	MaxJobLease = time.Hour
)

// DefaultBillingPause is how long the billing passes wait between two transactions
// unless CASCADE_BILLING_PAUSE says otherwise: a few percent of a transaction's time.
const DefaultBillingPause = 5 * time.Millisecond

// DefaultConfig returns the configuration of a server started with no flags and no
// environment.
func DefaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", DatabaseURL: "sqlite:./cascade.db", Timezone: "UTC",
		OperatorCurrency: "USD", Workers: true, JobRetention: jobs.DefaultRetention, BillingPause: DefaultBillingPause,
		SchedulerInterval: jobs.DefaultSchedulerInterval, CatalogLimits: catalogfile.DefaultLimits(),
		Vendor: vendor.DefaultSettings()}
}

// Flags registers the configuration's flags on fs, with defaults taken from the
// environment (CASCADE_ADDR, CASCADE_DATABASE_URL, CASCADE_ADMIN_TOKEN,
// CASCADE_TIMEZONE, CASCADE_OPERATOR_CURRENCY, CASCADE_DB_POOL_SIZE,
// CASCADE_TEST_CLOCK, CASCADE_SCHEDULER_INTERVAL, CASCADE_JOB_LEASE, and
// CASCADE_CATALOG_MAX_PLANS and the like for --catalog-max-plans and the other
// catalogue limits), so a flag beats the
// environment. CASCADE_ADMIN_TOKEN, CASCADE_JOB_RETENTION, CASCADE_SMTP_URL and the
// CASCADE_VENDOR_* settings are read from the environment only.
func (c *Config) Flags(fs *flag.FlagSet, getenv func(string) string) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("CASCADE_ADDR", c.Addr), "listen address (CASCADE_ADDR)")
	fs.StringVar(&c.DatabaseURL, "db", env("CASCADE_DATABASE_URL", c.DatabaseURL), "database: sqlite:PATH or postgres://... (CASCADE_DATABASE_URL)")
	fs.StringVar(&c.Timezone, "timezone", env("CASCADE_TIMEZONE", c.Timezone), "time zone of API times (CASCADE_TIMEZONE)")
	fs.StringVar(&c.OperatorCurrency, "operator-currency", env("CASCADE_OPERATOR_CURRENCY", c.OperatorCurrency), "currency of a new operator (CASCADE_OPERATOR_CURRENCY)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "add demo data to an empty database, and turn the test clock on")
	c.limitErrs = nil
	if v := getenv("CASCADE_TEST_CLOCK"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			c.limitErrs = append(c.limitErrs, fmt.Errorf("CASCADE_TEST_CLOCK %q: want 1 or 0 (true or false)", v))
		}
		c.TestClock = on
	}
	fs.BoolVar(&c.TestClock, "test-clock", c.TestClock, "let operator administrators move the installation's time forward (CASCADE_TEST_CLOCK)")
	if v := getenv("CASCADE_SCHEDULER_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			c.limitErrs = append(c.limitErrs, fmt.Errorf("CASCADE_SCHEDULER_INTERVAL %q: want a duration such as 1m", v))
		}
		c.SchedulerInterval = d
	}
	fs.DurationVar(&c.SchedulerInterval, "scheduler-interval", c.SchedulerInterval, "how often worker nodes run the scheduler's passes (CASCADE_SCHEDULER_INTERVAL)")
	if v := getenv("CASCADE_JOB_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			c.limitErrs = append(c.limitErrs, fmt.Errorf("CASCADE_JOB_LEASE %q: want a duration such as 5m", v))
		}
		c.JobLease = d
	}
	fs.DurationVar(&c.JobLease, "job-lease", c.JobLease, "how long a worker node holds a job it claimed, so how soon a dead node's jobs are taken over;"+
		" 0 means 5m (CASCADE_JOB_LEASE)")
	if v, err := vendor.SettingsFromEnv(getenv); err != nil {
		c.limitErrs = append(c.limitErrs, err)
	} else {
		c.Vendor = v
	}
	if v, err := email.SettingsFromEnv(getenv); err != nil {
		c.limitErrs = append(c.limitErrs, err)
	} else {
		c.SMTP = v
	}
	c.AdminToken = getenv("CASCADE_ADMIN_TOKEN") // never a flag: flags show in ps
	c.jobRetention = getenv("CASCADE_JOB_RETENTION")
	c.billingPause = getenv("CASCADE_BILLING_PAUSE")
	if v := getenv("CASCADE_DB_POOL_SIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			c.limitErrs = append(c.limitErrs, fmt.Errorf("CASCADE_DB_POOL_SIZE %q: want a whole number", v))
		}
		c.DBPoolSize = n
	}
	fs.IntVar(&c.DBPoolSize, "db-pool-size", c.DBPoolSize, "database connections serving requests: PostgreSQL's pool, or SQLite's readers;"+
		" 0 means 4 per CPU, at least 8, on PostgreSQL and 2 per CPU, at least 4, on SQLite (CASCADE_DB_POOL_SIZE)")
	for _, l := range c.CatalogLimits.Settings() {
		name := strings.ReplaceAll(l.Name, "_", "-")
		env := "CASCADE_CATALOG_" + strings.ToUpper(l.Name)
		if v := getenv(env); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				c.limitErrs = append(c.limitErrs, fmt.Errorf("%s %q: want a whole number", env, v))
			}
			*l.Value = n
		}
		fs.IntVar(l.Value, "catalog-"+name, *l.Value, "most "+l.Usage+" ("+env+")")
	}
}

// Validate checks the configuration and resolves the time zone.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: %w", c.Addr, err))
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, fmt.Errorf("database url %q: want sqlite:PATH or postgres://...", c.DatabaseURL))
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		errs = append(errs, fmt.Errorf("timezone %q: %w", c.Timezone, err))
	}
	c.location = loc
	if t := c.AdminToken; t != "" && (len(t) < 16 || len(t) > 256 || strings.ContainsAny(t, " \t\r\n")) {
		errs = append(errs, errors.New("CASCADE_ADMIN_TOKEN: want 16 to 256 characters without spaces"))
	}
	if !domain.ValidCurrency(strings.ToUpper(c.OperatorCurrency)) {
		errs = append(errs, fmt.Errorf("operator currency %q: not an ISO 4217 code", c.OperatorCurrency))
	}
	if c.jobRetention != "" {
		d, err := time.ParseDuration(c.jobRetention)
		if err != nil || d < 0 {
			errs = append(errs, fmt.Errorf("CASCADE_JOB_RETENTION %q: want a duration such as 720h, or 0 to keep finished jobs", c.jobRetention))
		}
		c.JobRetention = d
	}
	if c.billingPause != "" {
		d, err := time.ParseDuration(c.billingPause)
		if err != nil || d < 0 || d > time.Second {
			errs = append(errs, fmt.Errorf("CASCADE_BILLING_PAUSE %q: want a duration from 0 to 1s, such as 5ms", c.billingPause))
		}
		c.BillingPause = d
	}
	errs = append(errs, c.limitErrs...)
	if c.DBPoolSize < 0 || c.DBPoolSize > store.MaxPoolSize {
		errs = append(errs, fmt.Errorf("database pool size %d: want 1 to %d, or 0 to size it to the CPUs", c.DBPoolSize, store.MaxPoolSize))
	}
	if c.DBPoolSize == 1 && !strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		// Write transactions leave one connection to reads (store.txSlotsOf).
		errs = append(errs, errors.New("database pool size 1: PostgreSQL wants at least 2, one of them kept for reads"))
	}
	for _, l := range c.CatalogLimits.Settings() {
		if *l.Value < 1 {
			errs = append(errs, fmt.Errorf("catalogue limit %s is %d: want at least 1", l.Name, *l.Value))
		}
	}
	if c.SchedulerInterval == 0 {
		c.SchedulerInterval = jobs.DefaultSchedulerInterval
	}
	if c.SchedulerInterval < time.Second || c.SchedulerInterval > 24*time.Hour {
		errs = append(errs, fmt.Errorf("scheduler interval %s: want 1s to 24h", c.SchedulerInterval))
	}
	if c.JobLease != 0 && (c.JobLease < MinJobLease || c.JobLease > MaxJobLease) {
		errs = append(errs, fmt.Errorf("job lease %s: want %s to %s, or 0 for 5m", c.JobLease, MinJobLease, MaxJobLease))
	}
	if c.Demo {
		c.TestClock = true // the demo is for trying things, time included
	}
	if c.Clock == nil {
		c.Clock = domain.SystemClock{}
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.LogOutput == nil {
		c.LogOutput = os.Stderr
	}
	return errors.Join(errs...)
}
