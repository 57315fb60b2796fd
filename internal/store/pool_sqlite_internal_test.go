package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"modernc.org/sqlite"
)

// countingDriver is the SQLite driver, counting the statements it prepares. Its
// connections leave out the driver's direct Exec and Query, so database/sql prepares
// a statement for every text it runs without one, as the driver itself does inside
// those calls: every statement SQLite compiles is counted.
type countingDriver struct{ prepares atomic.Int64 }

func (d *countingDriver) Open(name string) (driver.Conn, error) {
	c, err := (&sqlite.Driver{}).Open(name)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, prepares: &d.prepares}, nil
}

type countingConn struct {
	driver.Conn
	prepares *atomic.Int64
}

func (c *countingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.prepares.Add(1)
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

var (
	counting         = &countingDriver{}
	registerCounting sync.Once
)

// openCounting opens a table-free SQLite database whose read and write connections
// count their prepared statements in counting.prepares.
func openCounting(t *testing.T) *DB {
	t.Helper()
	registerCounting.Do(func() { sql.Register("sqlite-counting", counting) })
	sqliteDriver = "sqlite-counting"
	defer func() { sqliteDriver = "sqlite" }()
	db, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "counted.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

const (
	countedInsert = "INSERT INTO counted (n) VALUES ($1)"
	countedSum    = "SELECT SUM(n) FROM counted WHERE n <= $1"
)

// countedWrite runs a transaction of two statements: an insert of i and a read.
func countedWrite(t *testing.T, db *DB, i int64) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(c *Conn) error {
		if _, err := c.exec(ctx, countedInsert, i); err != nil {
			return err
		}
		var sum int64
		if err := c.row(ctx, countedSum, []any{i}, &sum); err != nil {
			return err
		}
		if want := i * (i + 1) / 2; sum != want {
			t.Errorf("sum after %d = %d, want %d", i, sum, want)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("transaction %d: %v", i, err)
	}
}

func mustCreateCounted(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(c *Conn) error {
		_, err := c.exec(ctx, "CREATE TABLE counted (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSQLiteTransactionsReuseStatements checks that a write transaction compiles no
// statement that an earlier one has run: each text is prepared once on the write
// connection and reused.
func TestSQLiteTransactionsReuseStatements(t *testing.T) {
	db := openCounting(t)
	mustCreateCounted(t, db)
	countedWrite(t, db, 0) // prepares the texts, for itself and then for the pool
	before := counting.prepares.Load()
	for i := int64(1); i <= 20; i++ {
		countedWrite(t, db, i)
	}
	if n := counting.prepares.Load() - before; n != 0 {
		t.Fatalf("20 transactions of 2 statements prepared %d statements, want 0", n)
	}
}

// TestSQLiteTransactionStatementOutlivesEviction evicts, in the middle of a
// transaction, the pool's statement that the transaction runs, as a transaction
// ending just before it may do (it prepares its new texts after it committed, and
// files them while the next one runs): the transaction keeps running it.
func TestSQLiteTransactionStatementOutlivesEviction(t *testing.T) {
	db := openCounting(t)
	p := db.pool.(*sqlitePool)
	p.writes = newStmtCache(1)
	mustCreateCounted(t, db)
	countedWrite(t, db, 1)
	const read = "SELECT n FROM counted WHERE id = $1"
	ctx := context.Background()
	get := func(c *Conn) int64 {
		t.Helper()
		var n int64
		if err := c.row(ctx, read, []any{1}, &n); err != nil {
			t.Fatalf("read: %v", err)
		}
		return n
	}
	if err := db.InTx(ctx, func(c *Conn) error { get(c); return nil }); err != nil {
		t.Fatal(err)
	}
	if cached(p.writes, read) == nil {
		t.Fatal("the read is not kept prepared after its transaction")
	}
	other, err := p.write.PrepareContext(ctx, rebind(countedSum))
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(c *Conn) error {
		get(c)
		p.writes.release(p.writes.add(countedSum, other)) // evicts and closes the read
		if cached(p.writes, read) != nil {
			t.Fatal("the read was not evicted")
		}
		if n := get(c); n != 1 {
			t.Fatalf("read after eviction = %d, want 1", n)
		}
		_, err := c.exec(ctx, countedInsert, 2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(c *Conn) error { get(c); return nil }); err != nil {
		t.Fatalf("the read after its eviction: %v", err)
	}
}

// TestSQLiteWritersTakeTurnsInOrder checks that transactions waiting for SQLite's one
// write connection get it in the order they asked: database/sql hands a freed
// connection to a random waiter, which under a burst of writes left some waiting for
// many turns (the slowest writes of a mixed load took hundreds of milliseconds).
func TestSQLiteWritersTakeTurnsInOrder(t *testing.T) {
	db, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "order.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	const writers = 8
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	release := make(chan struct{})
	holding := make(chan struct{})
	go db.InTx(ctx, func(c *Conn) error {
		close(holding)
		<-release
		return errors.New("rolled back")
	})
	<-holding
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.InTx(ctx, func(c *Conn) error {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
		// Long enough for the writer to queue for the connection before the next.
		time.Sleep(30 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	if !slices.Equal(order, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("writers ran in the order %v, want the order they queued in", order)
	}
}

// TestRunTextInTransactions runs transactions of the unprepared mode the account
// benchmark compares against: each must give the write turn back as it ends, so
// that the next one starts.
func TestRunTextInTransactions(t *testing.T) {
	db := openCounting(t)
	RunTextInTransactions(db)
	done := make(chan struct{})
	go func() {
		defer close(done)
		mustCreateCounted(t, db)
		for i := int64(1); i <= 3; i++ {
			countedWrite(t, db, i)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("transactions of text are still waiting for the write turn after 10s")
	}
}
