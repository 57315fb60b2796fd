package main

import (
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// openReseller returns the database of e holding the demo data, whose reseller
// demoReseller has an upstream manager, as in the load benchmark, and the handler
// of rawpgx on the same database with a pool as large as the store's.
const demoReseller = 2

func openReseller(tb testing.TB, e storetest.Engine) (*store.DB, *handler) {
	ctx := context.Background()
	db := storetest.Open(tb, e)
	s := service.New(db, domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)),
		service.Options{PasswordCost: bcrypt.MinCost, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := s.Bootstrap(ctx, service.Operator{Name: "Operator", Domain: "operator.example.com",
		Currency: "EUR", AdminName: "Administrator", AdminEmail: "admin@operator.example.com"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := app.SeedDemo(ctx, s); err != nil {
		tb.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(e.URL)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.MaxConns = int32(store.DefaultPoolSize(store.Postgres, runtime.GOMAXPROCS(0)))
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return db, &handler{pool: pool, token: sha256.Sum256([]byte("unused")), query: store.ResellerByIDSQL()}
}

// TestSameReseller checks that rawpgx reads the reseller Cascade's store reads.
func TestSameReseller(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		db, h := openReseller(t, e)
		want, err := db.Reader().FindResellerByID(context.Background(), demoReseller)
		if err != nil {
			t.Fatal(err)
		}
		row, err := h.reseller(context.Background(), demoReseller)
		if err != nil {
			t.Fatal(err)
		}
		got := row.document().Data.Attributes
		if row.id != want.ID || got.General.Name != want.General.Name || got.Manager == nil ||
			got.Manager.ID != want.Manager.ID || got.Manager.Email != want.Manager.Email {
			t.Fatalf("rawpgx read %+v, the store %+v", got, want)
		}
	}
}

// BenchmarkResellerRead reads one reseller by id from many goroutines at once, more
// than the pool has connections, through Cascade's store and through rawpgx's
// query alone, on PostgreSQL: what the store and its pool add to pgx.
//
//	go test -run '^$' -bench ResellerRead ./bench/rawpgx
func BenchmarkResellerRead(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		if e.Name != "postgres" {
			continue
		}
		db, h := openReseller(b, e)
		read := map[string]func(context.Context) error{
			"store": func(ctx context.Context) error {
				_, err := db.Reader().FindResellerByID(ctx, demoReseller)
				return err
			},
			"rawpgx": func(ctx context.Context) error {
				_, err := h.reseller(ctx, demoReseller)
				return err
			},
		}
		for _, name := range []string{"store", "rawpgx"} {
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				start := cpuTime()
				defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					ctx := context.Background()
					for pb.Next() {
						if err := read[name](ctx); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// cpuTime returns the CPU time of this process, all threads and the garbage collector
// included: per operation it moves much less with other work on the machine than the
// wall time does, and leaves out PostgreSQL's own time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
