package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/httpapi"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// The benchmarks of the hot path: GET /api/v3/resellers/{id} with a valid token, on a
// real SQLite store and the real service, side by side with a bare handler that
// writes a body of the same size. Compare the two ns/op of one run:
//
//	go test -run '^$' -bench 'GetReseller|BareJSON' -benchmem ./internal/httpapi
//
// "handler" calls ServeHTTP directly (the server's own work, no network);
// "loopback" goes through a real listener and net/http client on 127.0.0.1.
// bench/run.sh measures the same endpoint with wrk against the built binary.

const benchResellerPath = "/api/v3/resellers/2" // a demo reseller with an upstream manager

// benchAPI is a seeded Cascade API and the operator administrator's token.
type benchAPI struct {
	handler http.Handler
	token   string
	body    []byte // the answer to GET benchResellerPath
}

func newBenchAPI(b *testing.B) *benchAPI {
	b.Helper()
	ctx := context.Background()
	db := storetest.Open(b, storetest.Engines(b)[0]) // SQLite
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	svc := service.New(db, domain.SystemClock{}, service.Options{PasswordCost: bcrypt.MinCost, Logger: logger})
	token, err := svc.Bootstrap(ctx, service.Operator{Name: "Cascade Operator", Domain: "operator.bench.localhost",
		Currency: "USD", AdminName: "Administrator", AdminEmail: "admin@operator.bench.localhost"})
	if err != nil {
		b.Fatalf("bootstrap: %v", err)
	}
	if _, err := app.SeedDemo(ctx, svc); err != nil {
		b.Fatalf("demo data: %v", err)
	}
	// The access log is formatted as in production and then discarded.
	h := httpapi.New(svc, httpapi.Config{Logger: logger, Metrics: httpapi.NewMetrics(nil, nil)})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, benchRequest(benchResellerPath, token))
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: status=%d, want 200: %s", benchResellerPath, rec.Code, rec.Body)
	}
	return &benchAPI{handler: h, token: token, body: rec.Body.Bytes()}
}

func benchRequest(path, token string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("X-Api-Token", token)
	return r
}

// bareHandler is the ceiling: net/http answering a fixed body with the same headers.
func bareHandler(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "bare")
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Write(body)
	})
}

// discardWriter is a ResponseWriter that keeps nothing but the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.status = code }

// reportCPU adds cpu-ns/op, the process's CPU time (user and system, all threads,
// the garbage collector included) per operation. On a shared machine it moves much
// less than ns/op, which counts the time other processes hold the CPUs too.
func reportCPU(b *testing.B) {
	start := cpuTime()
	b.Cleanup(func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	})
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchHandler calls h in parallel, as many concurrent connections would.
func benchHandler(b *testing.B, h http.Handler, token string) {
	b.ReportAllocs()
	reportCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		// The mux and the middleware work on copies of the request, so one request
		// per goroutine can be served again and again. Its context can be cancelled,
		// as net/http's are, so the database driver watches it as in production.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := benchRequest(benchResellerPath, token).WithContext(ctx)
		w := &discardWriter{header: http.Header{}}
		for pb.Next() {
			clear(w.header)
			w.status = 0
			h.ServeHTTP(w, r)
			if w.status != 0 && w.status != http.StatusOK {
				b.Fatalf("status=%d, want 200", w.status)
			}
		}
	})
}

// benchLoopback serves h on 127.0.0.1 and fetches from it in parallel.
func benchLoopback(b *testing.B, h http.Handler, token string, want int) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	defer client.CloseIdleConnections()
	b.ReportAllocs()
	reportCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		buf := new(bytes.Buffer)
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+benchResellerPath, nil)
			req.Header.Set("X-Api-Token", token)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			n, _ := buf.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || int(n) != want {
				b.Fatalf("status=%d bytes=%d, want 200 and %d bytes", resp.StatusCode, n, want)
			}
		}
	})
}

func BenchmarkGetReseller(b *testing.B) {
	api := newBenchAPI(b)
	b.Run("handler", func(b *testing.B) { benchHandler(b, api.handler, api.token) })
	b.Run("loopback", func(b *testing.B) { benchLoopback(b, api.handler, api.token, len(api.body)) })
}

func BenchmarkBareJSON(b *testing.B) {
	api := newBenchAPI(b) // for a body of exactly the same size
	h := bareHandler(api.body)
	b.Run("handler", func(b *testing.B) { benchHandler(b, h, api.token) })
	b.Run("loopback", func(b *testing.B) { benchLoopback(b, h, api.token, len(api.body)) })
}
