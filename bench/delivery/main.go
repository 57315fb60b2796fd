// Command delivery measures how fast Cascade delivers queued provisioning events to
// the example vendor service, beside a plain Go HTTP client posting the same signed
// bodies to the same service with the same concurrency (bench/delivery.sh runs it;
// see bench/README.md, "Delivery").
//
// It queues -events sales orders through the API of a server without job workers
// (each writes one provisioning job: a Subscription Create to the vendor), reads the
// p99 of a subscriptions page then, starts a server with the workers on the same
// database and times until the vendor service has handled every create, reading the
// same page meanwhile. The calls the vendor received are kept, and the baseline posts
// them again, signed anew, to a fresh vendor service. The floor (floor.go) then
// delivers them once more, by plain SQL writing only the durable state.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/bench/pageread"
	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/gcpace"
	"github.com/cascade-billing/cascade/vendorkit"
)

// catalog is the product the events are about, provisioned by the vendor at
// {api_path}, with one plan.
const catalog = `
categories:
  - {key: bench, name: Bench, public: true}
products:
  - key: bench-mail
    name: Bench Mail
    category: bench
    public: true
    integration: {mode: automatic, api_path: "%s"}
plans:
  - key: bench-mail-basic
    product: bench-mail
    name: Bench Mail Basic
    sku: BENCH-1M
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.50"}
`

// jobWorkers is how many jobs a Cascade process runs at once (jobs.Options'
// default), the baseline's concurrency.
const jobWorkers = 4

func main() {
	var (
		db       = flag.String("db", "", "the database: sqlite:PATH or postgres://... (empty, new)")
		events   = flag.Int("events", 20000, "provisioning events to queue and deliver")
		out      = flag.String("out", "bench/out/delivery", "directory for the vendor service's databases")
		clients  = flag.Int("queue-clients", 8, "clients placing the sales orders")
		idleSecs = flag.Duration("idle", 5*time.Second, "how long to read the page without delivery")
		every    = flag.Duration("page-every", 20*time.Millisecond, "the pace of the page reads: one request started this often")
		profile  = flag.String("cpuprofile", "", "write a CPU profile of the process during Cascade's delivery to this file")
		traceTo  = flag.String("trace", "", "write an execution trace of the process during Cascade's delivery to this file")
		headroom = flag.Uint64("gc-headroom", gcpace.DefaultHeadroom, "the collector's headroom in bytes, as cascade serve keeps it; 0: Go's own pace")
	)
	flag.BoolVar(&withFloor, "floor", true, "deliver the events again by plain SQL writing only the durable state (floor.go)")
	flag.Float64Var(&floorPace, "floor-pace", 0, "pace the floor to this share of the baseline's events/s (0: as fast as it goes)")
	flag.BoolVar(&floorBatchEach, "floor-batch-each", false, "with -floor-batch, write each event with its own statements in the batch's transaction")
	flag.BoolVar(&floorBatchReads, "floor-batch-reads", false, "with -floor-batch, also read the payloads' rows and lock the outcomes' (floor_reads.go)")
	flag.IntVar(&floorBatch, "floor-batch", 0, "also run the floor claiming and writing this many events at once (0: not; floor_batched.go)")
	flag.StringVar(&workersNodeBin, "workers-node", "", "deliver with this cascade binary's serve as a worker node of its own, this process's Cascade serving the API only (workers_node.go)")
	flag.StringVar(&workersNodePriority, "workers-node-priority", "10", "the worker node's niceness (nice -n), or idle (chrt --idle)")
	flag.BoolVar(&vendorProcess, "vendor-process", false, "run the vendor service in a process of its own (vendor_process.go)")
	flag.BoolVar(&vendorChild, "vendor-child", false, "be that process")
	threads := flag.Int("threads", 0, "the process's GOMAXPROCS, for all it runs; 0: the runtime's own")
	flag.Parse()
	if vendorChild {
		if err := runVendorChild(); err != nil {
			fmt.Fprintln(os.Stderr, "delivery vendor:", err)
			os.Exit(1)
		}
		return
	}
	if *threads > 0 {
		runtime.GOMAXPROCS(*threads)
	}
	pageEvery, deliveryProfile, deliveryTrace = *every, *profile, *traceTo
	// The process stands for cascade serve, which paces its collector so unless
	// GOGC is set (cmd/cascade); the plain client and the floor share the pace.
	if *headroom > 0 && os.Getenv("GOGC") == "" {
		go gcpace.Keep(context.Background(), *headroom)
	}
	if err := run(context.Background(), *db, *events, *out, *clients, *idleSecs); err != nil {
		fmt.Fprintln(os.Stderr, "delivery:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, db string, events int, out string, clients int, idle time.Duration) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var (
		vendor vendorService
		err    error
	)
	if vendorProcess {
		vendor, err = startVendorProcess(ctx)
	} else {
		vendor, err = listenVendor()
	}
	if err != nil {
		return err
	}
	defer vendor.close()
	token := "bench-delivery-" + fmt.Sprint(time.Now().UnixNano())

	// Queue the events on a server that runs no jobs.
	api, err := startCascade(ctx, db, token, false)
	if err != nil {
		return err
	}
	admin := client.New(api.URL(), token)
	secret, order, err := setUp(ctx, admin, vendor.url())
	if err != nil {
		api.Close()
		return err
	}
	t0 := time.Now()
	if err := queue(ctx, admin, order, events, clients); err != nil {
		api.Close()
		return err
	}
	queueSecs := time.Since(t0).Seconds()
	schedIdle := schedWaits()
	idleReads, err := readPage(ctx, api.URL()+pagePath, token, func(start time.Time) bool { return time.Since(start) >= idle })
	schedIdleP99 := quantile(schedIdle, schedWaits(), 0.99)
	api.Close()
	if err != nil {
		return err
	}

	// Deliver them.
	if err := vendor.open(ctx, secret, filepath.Join(out, "vendor-cascade.db")); err != nil {
		return err
	}
	stopNode, nodeURL := func() {}, ""
	if workersNodeBin != "" {
		if nodeURL, stopNode, err = startWorkersNode(ctx, db, token, out); err != nil {
			return err
		}
		defer stopNode()
	}
	workers, err := startCascade(ctx, db, token, workersNodeBin == "")
	if err != nil {
		return err
	}
	if nodeURL == "" {
		nodeURL = workers.URL()
	}
	stopProfile, err := startProfile(deliveryProfile)
	if err != nil {
		workers.Close()
		return err
	}
	stopTrace, err := startTrace(deliveryTrace)
	if err != nil {
		stopProfile()
		workers.Close()
		return err
	}
	t0 = time.Now()
	cpuBusy := sampleCPU()
	schedBusy := schedWaits()
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	busyRead := readWhileCreating(readCtx, workers.URL(), token, vendor, events)
	deadline := time.Now().Add(time.Duration(events)*10*time.Millisecond + 5*time.Minute)
	for vendor.created() < int64(events) {
		if time.Now().After(deadline) {
			workers.Close()
			return fmt.Errorf("the vendor created %d of %d subscriptions before the deadline", vendor.created(), events)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cascadeSecs := time.Since(t0).Seconds()
	cascadeCPU := costOf(cpuBusy, sampleCPU(), events)
	schedBusyP99 := quantile(schedBusy, schedWaits(), 0.99)
	stopProfile()
	stopTrace()
	busyReads, err := busyRead()
	// The workers' metrics are read once the delivery's samples are taken, so that
	// reading them is not counted as the delivery's work.
	jobMS, callMS, metricsErr := workerTimes(nodeURL)
	workers.Close()
	if err == nil && metricsErr != nil {
		err = fmt.Errorf("the workers' metrics: %w", metricsErr)
	}
	stopNode()
	if err != nil {
		return err
	}
	calls := vendor.calls()
	if len(calls) != events {
		return fmt.Errorf("the vendor answered %d distinct events, want %d", len(calls), events)
	}

	// The baseline: the same bodies, signed anew, to a fresh vendor service.
	if err := vendor.open(ctx, secret, filepath.Join(out, "vendor-baseline.db")); err != nil {
		return err
	}
	vendor.record(false)
	t0 = time.Now()
	cpuBase := sampleCPU()
	if err := replay(ctx, vendor.url(), secret, calls, jobWorkers); err != nil {
		return err
	}
	baseSecs := time.Since(t0).Seconds()
	baseCPU := costOf(cpuBase, sampleCPU(), events)
	if got := vendor.created(); got != int64(events) {
		return fmt.Errorf("the baseline created %d of %d subscriptions", got, events)
	}
	cascadeRate, baseRate := float64(events)/cascadeSecs, float64(events)/baseSecs
	fmt.Printf("events=%d queue_s=%.2f cascade_s=%.2f cascade_events_per_s=%.1f baseline_s=%.2f baseline_events_per_s=%.1f"+
		" ratio=%.3f concurrency=%d page_p99_idle_ms=%.2f page_idle_requests=%d page_p99_delivery_ms=%.2f"+
		" page_delivery_requests=%d p99_ratio=%.2f page_server_p99_idle_ms=%.2f page_server_p99_delivery_ms=%.2f"+
		" threads=%d sched_p99_idle_ms=%.3f sched_p99_delivery_ms=%.3f workers=%s vendor=%s",
		events, queueSecs, cascadeSecs, cascadeRate, baseSecs, baseRate, cascadeRate/baseRate, jobWorkers,
		ms(idleReads.P99), idleReads.N, ms(busyReads.P99), busyReads.N, float64(busyReads.P99)/float64(idleReads.P99),
		ms(idleReads.ServerP99), ms(busyReads.ServerP99), runtime.GOMAXPROCS(0),
		ms(schedIdleP99), ms(schedBusyP99), workersWhere(), vendorWhere())
	fmt.Print(cascadeCPU.fields(""), baseCPU.fields("baseline_"))
	// Each worker's time per event, by Little's law the workers over the rate, beside
	// the metrics' mean run of its job and its call, and the plain client's time per
	// call the same way.
	fmt.Printf(" event_ms=%.2f job_ms=%.2f call_ms=%.2f baseline_call_ms=%.2f",
		float64(jobWorkers)/cascadeRate*1000, jobMS, callMS, float64(jobWorkers)/baseRate*1000)
	if withFloor {
		if err := reportFloors(ctx, db, token, secret, out, vendor, calls, baseSecs, idleReads.P99); err != nil {
			return err
		}
	}
	fmt.Println()
	return nil
}

// deliveryProfile is where the CPU profile of the delivery goes; empty for none.
var deliveryProfile string

// startProfile starts a CPU profile written to path, and returns what stops it; with
// path empty it does nothing. The profile covers the whole process: Cascade, the
// vendor service and the page reads, as they share the CPUs during the delivery.
func startProfile(path string) (stop func(), err error) {
	return startRecording(path, pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// deliveryTrace is where the execution trace of the delivery goes; empty for none.
// Each API request is a region named by its route (see httpapi), so go tool trace
// shows where the page reads' time went.
var deliveryTrace string

// startTrace starts the execution trace of the delivery; stop ends it.
func startTrace(path string) (stop func(), err error) {
	return startRecording(path, trace.Start, trace.Stop)
}

// startRecording starts a recording of the process to a new file at path, or
// nothing when path is empty; stop ends it and closes the file.
func startRecording(path string, start func(io.Writer) error, end func()) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { end(); f.Close() }, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// startCascade starts a server on db, with or without job workers, that may call the
// loopback vendor service.
func startCascade(ctx context.Context, db, token string, workers bool) (*app.Main, error) {
	cfg := app.DefaultConfig()
	cfg.Addr, cfg.DatabaseURL, cfg.AdminToken, cfg.Workers = "127.0.0.1:0", db, token, workers
	cfg.LogOutput, cfg.Stdout, cfg.Quiet = io.Discard, io.Discard, true
	cfg.Vendor.Addresses.AllowPrivate = true
	m := app.NewMain(cfg)
	if err := m.Run(ctx); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// setUp applies the catalogue and makes a postpaid account, and returns the
// product's secret and the sales order to queue.
func setUp(ctx context.Context, admin *client.Client, vendorURL string) (string, client.SalesOrderInput, error) {
	var order client.SalesOrderInput
	ch, err := admin.ApplyCatalog(ctx, 1, []byte(fmt.Sprintf(catalog, vendorURL)), false)
	if err != nil {
		return "", order, fmt.Errorf("apply the catalogue: %w", err)
	}
	secret := ch.ProductSecrets["bench-mail"]
	if secret == "" {
		return "", order, errors.New("no secret for the product: is the database fresh?")
	}
	acc, err := admin.CreateAccount(ctx, 1, client.AccountInput{AccountTypeID: client.Int(2), FirstName: client.String("Bench"),
		LastName: client.String("Buyer"), Email: client.String("bench.buyer@example.com"), AccountClassKey: client.String("postpay")})
	if err != nil {
		return "", order, fmt.Errorf("create the account: %w", err)
	}
	plans, err := admin.ListPlans(ctx, 1, &client.ListOptions{Filter: map[string]string{"key": "bench-mail-basic"}})
	if err != nil || len(plans.Items) != 1 {
		return "", order, fmt.Errorf("find the plan: %v", err)
	}
	p := plans.Items[0]
	order = client.SalesOrderInput{AccountID: acc.ID, PlanID: p.ID, PlanPeriodID: p.Periods[0].ID, PaymentModel: "postpay",
		Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: p.Resources[0].ID, Quantity: 3}}}}
	return secret, order, nil
}

// queue places n copies of order with clients at once.
func queue(ctx context.Context, admin *client.Client, order client.SalesOrderInput, n, clients int) error {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make(chan error, clients)
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := admin.CreateSalesOrder(ctx, 1, order); err != nil {
					errs <- fmt.Errorf("sales order: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// pageEvery paces the page reads: an API client reading now and then, not a load
// generator competing with delivery for the CPU.
var pageEvery = 20 * time.Millisecond

// readPage reads url at the pace of pageEvery until done (pageread.Read).
func readPage(ctx context.Context, url, token string, done func(start time.Time) bool) (pageread.Reads, error) {
	return pageread.Read(ctx, url, token, pageEvery, done)
}

// pagePath is the page read before and during each delivery.
const pagePath = "/api/v3/resellers/1/subscriptions?page[size]=50"

// readWhileCreating reads the page of the server at base in the background until
// the vendor has created n subscriptions, or ctx ends (cancel it to stop the reads
// of a delivery that failed), and returns what waits for the reads to end and
// gives what they measured.
func readWhileCreating(ctx context.Context, base, token string, vendor vendorService, n int) func() (pageread.Reads, error) {
	var (
		reads   pageread.Reads
		err     error
		reading = make(chan struct{})
	)
	go func() {
		defer close(reading)
		reads, err = readPage(ctx, base+pagePath, token,
			func(time.Time) bool { return vendor.created() >= int64(n) })
	}()
	return func() (pageread.Reads, error) {
		<-reading
		return reads, err
	}
}

// replay posts calls to base with concurrency clients of one plain http.Client,
// each signed now with secret, and requires a 2xx for each.
func replay(ctx context.Context, base, secret string, calls []call, concurrency int) error {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	defer hc.CloseIdleConnections()
	var next atomic.Int64
	return inParallel(concurrency, func(int) (bool, error) {
		i := next.Add(1) - 1
		if i >= int64(len(calls)) {
			return false, nil
		}
		if _, err := post(ctx, hc, base, secret, calls[i]); err != nil {
			return false, fmt.Errorf("baseline: %w", err)
		}
		return true, nil
	})
}

// inParallel runs step in n workers, each numbered from 0 and calling it until it
// returns false or an error, and returns the first error. After one, the other
// workers stop before their next step.
func inParallel(n int, step func(worker int) (more bool, err error)) error {
	var (
		wg   sync.WaitGroup
		stop atomic.Bool
		errs = make(chan error, n)
	)
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				more, err := step(w)
				if err != nil {
					stop.Store(true)
					errs <- err
					return
				}
				if !more {
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// call is one call the vendor answered with a 2xx.
type call struct {
	uri, eventID string
	event        vendorkit.Event
	body         []byte
}

// vendor is the example vendor service on a loopback port, which keeps the calls it
// answered while recording.
type vendor struct {
	ln        net.Listener
	srv       *http.Server
	svc       atomic.Pointer[vendorsvc.Server]
	recording atomic.Bool

	mu   sync.Mutex
	seen map[string]call
}

func listenVendor() (*vendor, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	v := &vendor{ln: ln, seen: map[string]call{}}
	v.recording.Store(true)
	v.srv = &http.Server{Handler: v}
	go v.srv.Serve(ln)
	return v, nil
}

func (v *vendor) url() string { return "http://" + v.ln.Addr().String() }

// open replaces the service with a fresh one keeping its state in path.
func (v *vendor) open(ctx context.Context, secret, path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	s, err := vendorsvc.Open(ctx, vendorsvc.Options{Secrets: []string{secret}, Database: path})
	if err != nil {
		return err
	}
	if old := v.svc.Swap(s); old != nil {
		old.Close()
	}
	return nil
}

// created is how many creates the current service ran.
func (v *vendor) created() int64 {
	if s := v.svc.Load(); s != nil {
		return int64(s.Handled(vendorkit.EventSubscriptionCreate))
	}
	return 0
}

func (v *vendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if vendorChild && strings.HasPrefix(r.URL.Path, controlPrefix) {
		v.serveControl(w, r)
		return
	}
	s := v.svc.Load()
	if s == nil {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "not yet", http.StatusServiceUnavailable)
		return
	}
	if !v.recording.Load() {
		s.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.ServeHTTP(rec, r)
	// Only the creates are the queued events: the account's first subscription also
	// makes a user event, which the baseline has no reason to repeat.
	event := vendorkit.Event(r.Header.Get(vendorkit.HeaderEvent))
	if rec.status/100 == 2 && event == vendorkit.EventSubscriptionCreate {
		id := r.Header.Get(vendorkit.HeaderEventID)
		v.mu.Lock()
		v.seen[id] = call{uri: r.URL.RequestURI(), eventID: id, event: event, body: body}
		v.mu.Unlock()
	}
}

// calls returns the calls answered while recording, one per event id.
func (v *vendor) calls() []call {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]call, 0, len(v.seen))
	for _, c := range v.seen {
		out = append(out, c)
	}
	return out
}

func (v *vendor) close() {
	v.srv.Close()
	if s := v.svc.Load(); s != nil {
		s.Close()
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
