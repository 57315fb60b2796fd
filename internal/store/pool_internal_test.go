package store

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOpenPoolSize(t *testing.T) {
	eachTableFreeDB(t, Options{PoolSize: 3}, func(t *testing.T, db *DB) {
		read, write := db.PoolStats()
		if read.MaxOpenConnections != 3 {
			t.Fatalf("read pool of %d connections, want 3", read.MaxOpenConnections)
		}
		want := 3 // one pool for both on PostgreSQL
		if db.Engine() == SQLite {
			want = 1
		}
		if write.MaxOpenConnections != want {
			t.Fatalf("write pool of %d connections, want %d", write.MaxOpenConnections, want)
		}
	})
	t.Run("ErrOutOfRange", func(t *testing.T) {
		for _, n := range []int{-1, MaxPoolSize + 1} {
			db, err := OpenWith(context.Background(), "sqlite:"+t.TempDir()+"/x.db", Options{PoolSize: n})
			if err == nil {
				db.Close()
				t.Fatalf("pool size %d accepted", n)
			}
		}
	})
}

func TestOpenPoolSizeDefault(t *testing.T) {
	eachTableFreeDB(t, Options{}, func(t *testing.T, db *DB) {
		read, _ := db.PoolStats()
		if want := DefaultPoolSize(db.Engine(), runtime.GOMAXPROCS(0)); read.MaxOpenConnections != want {
			t.Fatalf("read pool of %d connections, want the default %d", read.MaxOpenConnections, want)
		}
	})
}

// onPostgres runs f as a subtest on the test PostgreSQL server, opened table-free
// with opts, when the environment offers one (as eachTableFreeDB does).
func onPostgres(t *testing.T, opts Options, f func(t *testing.T, db *DB)) {
	url := os.Getenv("CASCADE_TEST_POSTGRES_URL")
	if url == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		db, err := OpenWith(context.Background(), url, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, db)
	})
}

// TestPostgresStatementCacheBound runs more distinct texts than a connection keeps
// prepared and checks that the connection keeps no more than its cap.
func TestPostgresStatementCacheBound(t *testing.T) {
	onPostgres(t, Options{PoolSize: 1}, func(t *testing.T, db *DB) {
		for k := range MaxPreparedStatements + 20 {
			mustAdd(t, db, k, 1)
		}
		if n := db.PreparedStatements(); n != MaxPreparedStatements {
			t.Fatalf("%d statements prepared on the connection, want the cap %d", n, MaxPreparedStatements)
		}
	})
}

// TestPostgresTransactionsReuseStatements checks that a statement run by one write
// transaction after another is prepared once on the connection: PostgreSQL's own
// view of the session's statements shows one, prepared before the later runs.
func TestPostgresTransactionsReuseStatements(t *testing.T) {
	onPostgres(t, Options{PoolSize: 1}, func(t *testing.T, db *DB) {
		ctx := context.Background()
		const text = "SELECT CAST($1 AS BIGINT) * 2"
		var prepared []time.Time
		for i := range 5 {
			err := db.InTx(ctx, func(c *Conn) error {
				var got int64
				if err := c.row(ctx, text, []any{i}, &got); err != nil || got != int64(2*i) {
					t.Fatalf("run %d: %d, %v", i, got, err)
				}
				var at []time.Time
				err := eachRow(ctx, c, "SELECT prepare_time FROM pg_prepared_statements WHERE statement = $1",
					[]any{text}, func(s scanner) error {
						var t time.Time
						at = append(at, t)
						return s.Scan(&at[len(at)-1])
					})
				if len(at) != 1 {
					t.Fatalf("run %d: the text is prepared %d times on the connection, want once", i, len(at))
				}
				prepared = append(prepared, at[0])
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for i, at := range prepared {
			if !at.Equal(prepared[0]) {
				t.Fatalf("run %d found the statement prepared at %v, the first at %v", i, at, prepared[0])
			}
		}
	})
}

// TestPostgresPoolServesWaitersInOrder holds the only connection while readers
// queue for it one after the other, then frees it: they run in the order they came,
// as PostgreSQL's clock shows.
func TestPostgresPoolServesWaitersInOrder(t *testing.T) {
	onPostgres(t, Options{PoolSize: 1}, func(t *testing.T, db *DB) {
		ctx := context.Background()
		const waiters = 5
		ran := make([]time.Time, waiters)
		var (
			wg   sync.WaitGroup
			errs = make([]error, waiters)
		)
		release := make(chan struct{})
		holding := make(chan struct{})
		go db.InTx(ctx, func(c *Conn) error {
			close(holding)
			<-release
			return errors.New("rolled back")
		})
		<-holding
		for i := range waiters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.Reader().row(ctx, "SELECT clock_timestamp()", nil, &ran[i])
			}()
			// Long enough for the reader to queue for the connection before the next.
			time.Sleep(100 * time.Millisecond)
		}
		close(release)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		order := make([]int, waiters)
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return ran[a].Compare(ran[b]) })
		if !slices.Equal(order, []int{0, 1, 2, 3, 4}) {
			t.Fatalf("readers ran in the order %v, want the order they queued in", order)
		}
	})
}

// TestPostgresCancelKeepsConnection cancels the context of statements in flight, as a
// client that disconnects does, and checks the pool's one connection is the same
// backend afterwards: a short statement finishes within the grace, a long one is
// cancelled by the server, and neither breaks the connection.
func TestPostgresCancelKeepsConnection(t *testing.T) {
	onPostgres(t, Options{PoolSize: 1}, func(t *testing.T, db *DB) {
		backend := func() int {
			var pid int
			if err := db.Reader().row(context.Background(), "SELECT pg_backend_pid()", nil, &pid); err != nil {
				t.Fatal(err)
			}
			return pid
		}
		first := backend()
		for _, c := range []struct {
			sleep   string
			wantErr bool
		}{{"0.05", false}, {"30", true}} {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(10*time.Millisecond, cancel)
			start := time.Now()
			var out string
			err := db.Reader().row(ctx, "SELECT CAST(pg_sleep("+c.sleep+") AS text)", nil, &out)
			if (err != nil) != c.wantErr {
				t.Fatalf("pg_sleep(%s) cancelled: error %v, want one: %v", c.sleep, err, c.wantErr)
			}
			if took := time.Since(start); took > cancelDeadline {
				t.Fatalf("pg_sleep(%s) cancelled returned after %v", c.sleep, took)
			}
			cancel()
			if pid := backend(); pid != first {
				t.Fatalf("after pg_sleep(%s) cancelled, backend %d, want %d (the connection was replaced)", c.sleep, pid, first)
			}
		}
	})
}

// TestPostgresTransactionsLeaveReadsAConnection: transactions that each read outside
// themselves while holding their connection, as many at once as the pool has
// connections, all finish: one connection is always left to the reads. Each waits a
// moment for the others to hold theirs before it reads, so that without the slot it
// would wait for ever; the read's deadline turns that into a failure.
func TestPostgresTransactionsLeaveReadsAConnection(t *testing.T) {
	const size = 3
	onPostgres(t, Options{PoolSize: size}, func(t *testing.T, db *DB) {
		var inside sync.WaitGroup
		inside.Add(size)
		allInside := make(chan struct{})
		go func() { inside.Wait(); close(allInside) }()
		errs := make(chan error, size)
		for range size {
			go func() {
				errs <- db.InTx(context.Background(), func(c *Conn) error {
					var n int
					if err := c.row(context.Background(), "SELECT 1", nil, &n); err != nil {
						return err
					}
					inside.Done()
					select {
					case <-allInside:
					case <-time.After(300 * time.Millisecond):
					}
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					defer cancel()
					return db.Reader().row(ctx, "SELECT 2", nil, &n)
				})
			}()
		}
		for range size {
			if err := <-errs; err != nil {
				t.Fatalf("a transaction reading beside itself: %v", err)
			}
		}
	})
}

// TestPostgresURLPoolOfOne: a URL's pool_max_conns of 1 is refused, since a pool keeps
// one connection for reads beside its transactions.
func TestPostgresURLPoolOfOne(t *testing.T) {
	url := os.Getenv("CASCADE_TEST_POSTGRES_URL")
	if url == "" {
		return
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	db, err := Open(context.Background(), url+sep+"pool_max_conns=1")
	if err == nil {
		db.Close()
		t.Fatal("a PostgreSQL URL with pool_max_conns=1 accepted")
	}
	if !strings.Contains(err.Error(), "pool_max_conns 1: want at least 2") {
		t.Fatalf("error %q, want it to name pool_max_conns", err)
	}
}
