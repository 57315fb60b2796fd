package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cascade-billing/cascade/api"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/email"
	"github.com/cascade-billing/cascade/internal/httpapi"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
)

// Main is one running Cascade server.
type Main struct {
	Config  Config
	DB      *store.DB
	Service *service.Service
	// Jobs delivers the durable job queue; it runs only when Config.Workers is set.
	Jobs *jobs.Runner
	// Scheduler runs the time-driven passes; it runs only when Config.Workers is set.
	Scheduler *jobs.Scheduler
	// Clock is the installation's clock: Config.Clock, or the test clock over it.
	Clock domain.Clock
	Log   *slog.Logger
	// Metrics are the server's Prometheus metrics (GET /metrics), made by Open so
	// that the job runner and the vendor calls report to them too.
	Metrics *httpapi.Metrics

	// AdminToken is the first administrator's token when this start created it.
	AdminToken string
	// AdminTokenGiven is set when that token came from the configuration
	// (CASCADE_ADMIN_TOKEN) rather than being generated. Such a token is never
	// printed: the operator has it already, and printed output ends up in log
	// collectors.
	AdminTokenGiven bool
	// DemoTokens are the demo managers' tokens when this start created them.
	DemoTokens []DemoManager
	// DemoSubscriptions are the subscriptions this start's demo bought.
	DemoSubscriptions []DemoSubscription
	// DemoVendorURL is where the demo's vendor service listens; "" outside the demo.
	DemoVendorURL string

	listener net.Listener
	http     *http.Server
	stop     context.CancelFunc
	workers  sync.WaitGroup
	httpLog  *logBatch // the HTTP server's log, written in batches
	// testClock is the test clock when Config.TestClock is set.
	testClock *jobs.OffsetClock
	// demoVendor is the demo's vendor service, and demoVendorDB its database.
	demoVendor   *demoVendor
	demoVendorDB string
}

// NewMain returns a server for cfg; Run starts it.
func NewMain(cfg Config) *Main { return &Main{Config: cfg} }

// Open validates the configuration, opens and migrates the database and builds the
// services, without listening. The command-line tools stop here.
func (m *Main) Open(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	m.Log = slog.New(slog.NewJSONHandler(m.Config.LogOutput, nil))
	db, err := store.OpenWith(ctx, m.Config.DatabaseURL, store.Options{PoolSize: m.Config.DBPoolSize})
	if err != nil {
		return err
	}
	m.DB = db
	applied, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(applied) > 0 {
		m.Log.Info("migrated", "versions", applied)
	}
	apGUID, err := db.Reader().InstallationGUID(ctx)
	if err != nil {
		return err
	}
	if m.Config.Demo && m.Config.Provisioner == nil {
		if m.demoVendor, err = listenDemoVendor(); err != nil {
			return err
		}
		m.DemoVendorURL = m.demoVendor.URL()
		m.demoVendorDB = demoVendorDatabase(m.Config.DatabaseURL, apGUID)
		m.Config.Vendor.Addresses.Exact = append(m.Config.Vendor.Addresses.Exact, m.demoVendor.addr())
	}
	m.Clock = m.Config.Clock
	if m.Config.TestClock {
		if m.testClock, err = jobs.OpenOffsetClock(ctx, db, m.Config.Clock); err != nil {
			return err
		}
		m.Clock = m.testClock
	}
	m.Metrics = m.newMetrics()
	m.Config.Vendor.Observe = m.Metrics.ObserveVendorCall
	m.Jobs = jobs.NewRunner(db, m.Clock, jobs.Options{Logger: m.Log, Lease: m.Config.JobLease,
		Observe: m.Metrics.ObserveJob})
	// A job a transaction writes goes to a free worker as it is written, with no
	// claim of its own (store.JobHandoff); none is free until the runner runs.
	db.SetJobHandoff(m.Jobs)
	// Leases are measured by the machine's clock, which an advance does not move.
	m.Scheduler = jobs.NewScheduler(db, m.Clock, jobs.SchedulerOptions{Interval: m.Config.SchedulerInterval,
		LeaseClock: m.Config.Clock, Logger: m.Log})
	var testClock service.TestClock
	if m.testClock != nil {
		testClock = jobs.NewTimeMachine(m.testClock, m.Scheduler, m.Jobs, m.Config.location)
	}
	m.Service = service.New(db, m.Clock, service.Options{PasswordCost: m.Config.PasswordCost, Logger: m.Log,
		JobsEnqueued: m.Jobs.Wake, CatalogLimits: m.Config.CatalogLimits, TestClock: testClock,
		Location: m.Config.location, Provisioner: m.Config.Provisioner, VendorCalls: m.Config.vendorCalls(),
		VendorAddresses: m.Config.Vendor.Addresses, APGUID: apGUID, BillingPause: m.Config.BillingPause,
		Mail: email.NewSender(m.Config.SMTP, m.Clock, m.Log)})
	// The platform's lifecycle passes run first, then those the configuration adds.
	for _, p := range append(m.Service.Passes(), m.Config.Passes...) {
		m.Scheduler.Register(p)
	}
	m.Service.RegisterJobs(m.Jobs)
	return nil
}

// Bootstrap creates the operator and its administrator on an empty database, and the
// demo data when configured.
func (m *Main) Bootstrap(ctx context.Context) error {
	token, err := m.Service.Bootstrap(ctx, service.Operator{
		Name: "Cascade Operator", Domain: "operator.cascade.localhost",
		Currency: strings.ToUpper(m.Config.OperatorCurrency), AdminName: "Administrator",
		AdminEmail: "admin@operator.cascade.localhost", AdminToken: m.Config.AdminToken,
	})
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	m.AdminToken = token
	m.AdminTokenGiven = token != "" && m.Config.AdminToken != ""
	if m.Config.Demo {
		demo, err := m.seedDemo(ctx)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		m.DemoTokens, m.DemoSubscriptions = demo.Managers, demo.Subscriptions
	}
	return nil
}

// seedDemo seeds the demo data with its sales, and starts the demo's vendor service
// when there is one: on a new database between the catalogues and the sales, so the
// sales are provisioned through it; on one seeded before, after pointing the demo
// catalogue's products at this start's address.
func (m *Main) seedDemo(ctx context.Context) (Demo, error) {
	if m.demoVendor == nil {
		return SeedDemoWithSales(ctx, m.Service, m.Jobs)
	}
	catalog, keys := m.demoVendor.catalog()
	started := false
	ready := func(ctx context.Context) error {
		started = true
		return m.demoVendor.start(ctx, m.DB.Reader(), keys, m.demoVendorDB)
	}
	demo, err := seedDemo(ctx, m.Service, m.Jobs, demoSetup{catalog: catalog, ready: ready})
	if err != nil || started {
		return demo, err
	}
	actor, err := m.Service.OperatorActor(ctx)
	if err != nil {
		return demo, err
	}
	if _, err := m.Service.ApplyCatalog(ctx, actor, domain.OperatorID, catalog, false); err != nil {
		return demo, fmt.Errorf("point the demo catalogue at its vendor service: %w", err)
	}
	return demo, ready(ctx)
}

// Run opens everything, starts the workers and serves HTTP in the background. It
// returns once the server listens.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := m.Bootstrap(ctx); err != nil {
		return err
	}
	// The HTTP server's log (a line per request) goes out in batches; the rest of the
	// process logs line by line.
	m.httpLog = newLogBatch(m.Config.LogOutput)
	logger := slog.New(slog.NewJSONHandler(m.httpLog, nil))
	if m.Config.Quiet {
		logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	handler := httpapi.New(m.Service, httpapi.Config{Location: m.Config.location, Logger: logger,
		Metrics: m.Metrics, OpenAPI: api.OpenAPI, TestClock: m.Config.TestClock})

	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.listener = ln
	m.http = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		// OPTIONS * reaches the API, which answers it as the method no endpoint implements.
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)}
	serveQuietly(m.http)

	wctx, stop := context.WithCancel(context.Background())
	m.stop = stop
	m.startWorkers(wctx)
	go func() {
		if err := m.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("http server", "err", err)
		}
	}()
	return nil
}

// startWorkers runs the background loops: the job runner, the scheduler and the
// purge of old finished jobs (unless this is an API-only node), the auth-epoch poll,
// which bounds how long another node's token cache may outlive a revocation,
// idempotency-key expiry, and with the test clock on the re-reading of its offset,
// which other nodes may move.
func (m *Main) startWorkers(ctx context.Context) {
	if m.Config.Workers {
		m.workers.Add(2)
		go func() {
			defer m.workers.Done()
			m.Jobs.Run(ctx)
		}()
		go func() {
			defer m.workers.Done()
			m.Scheduler.Run(ctx)
		}()
	}
	if m.testClock != nil {
		m.workers.Add(1)
		go func() {
			defer m.workers.Done()
			m.testClock.Poll(ctx, time.Second, m.Log)
		}()
	}
	if m.Config.Workers && m.Config.JobRetention > 0 {
		opts := m.Config.jobPurge
		opts.Retention, opts.Logger = m.Config.JobRetention, m.Log
		purger := jobs.NewPurger(m.DB, m.Clock, opts)
		m.workers.Add(1)
		go func() {
			defer m.workers.Done()
			purger.Run(ctx)
		}()
	}
	m.workers.Add(2)
	go func() {
		defer m.workers.Done()
		m.Service.PollAuthEpoch(ctx, time.Second)
	}()
	go func() {
		defer m.workers.Done()
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			if n, err := m.Service.ExpireIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
				m.Log.Warn("expire idempotency keys", "err", err)
			} else if n > 0 {
				m.Log.Info("expired idempotency keys", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// URL is the base URL the server listens on.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// Close shuts down in order: HTTP first (in-flight requests finish), then the
// workers, then the database.
func (m *Main) Close() error {
	var errs []error
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		errs = append(errs, m.http.Shutdown(ctx))
		cancel()
	}
	if m.stop != nil {
		m.stop()
		m.workers.Wait()
	}
	if m.httpLog != nil {
		errs = append(errs, m.httpLog.Close())
	}
	if m.demoVendor != nil {
		errs = append(errs, m.demoVendor.Close())
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// newMetrics returns the server's metrics over m.DB's pools and, where the engine
// has one, its write connection.
func (m *Main) newMetrics() *httpapi.Metrics {
	var writer httpapi.WriterStats
	if _, ok := m.DB.WriterStats(); ok {
		writer = func() (time.Duration, uint64, uint64) {
			w, _ := m.DB.WriterStats()
			return w.Busy, w.Transactions, w.Commits
		}
	}
	return httpapi.NewMetrics(func() map[string]sql.DBStats {
		r, w := m.DB.PoolStats()
		return map[string]sql.DBStats{"read": r, "write": w}
	}, writer)
}
