package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// eachTableFreeDB runs f on a database of every engine the environment offers. The
// tests using it read no table, so the databases are neither migrated nor given a
// schema of their own (storetest, which does that, imports this package).
func eachTableFreeDB(t *testing.T, opts Options, f func(t *testing.T, db *DB)) {
	urls := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "stmt.db")}
	if pg := os.Getenv("CASCADE_TEST_POSTGRES_URL"); pg != "" {
		urls["postgres"] = pg
	}
	for _, name := range []string{"sqlite", "postgres"} {
		if urls[name] == "" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			db, err := OpenWith(context.Background(), urls[name], opts)
			if err != nil {
				t.Fatalf("open %s: %v", name, err)
			}
			t.Cleanup(func() { db.Close() })
			f(t, db)
		})
	}
}

// withSQLitePool runs f on a table-free SQLite database and its pool, whose
// statement caches the tests replace with smaller ones.
func withSQLitePool(t *testing.T, f func(t *testing.T, db *DB, p *sqlitePool)) {
	db, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "stmt.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f(t, db, db.pool.(*sqlitePool))
}

// numbered is the k-th of a family of distinct SQL texts; with argument n it
// answers n+k.
func numbered(k int) string { return fmt.Sprintf("SELECT CAST($1 AS BIGINT) + %d", k) }

// mustAdd runs numbered(k) on the read pool and checks its answer.
func mustAdd(t testing.TB, db *DB, k int, n int64) {
	t.Helper()
	var got int64
	if err := db.Reader().row(context.Background(), numbered(k), []any{n}, &got); err != nil {
		t.Fatalf("query %d: %v", k, err)
	}
	if got != n+int64(k) {
		t.Fatalf("query %d of %d = %d, want %d", k, n, got, n+int64(k))
	}
}

// cached returns the statement c keeps for query, or nil, without holding it.
func cached(c *stmtCache, query string) *cachedStmt {
	s := c.acquire(query)
	if s != nil {
		c.release(s)
	}
	return s
}

// isClosed reports whether running s fails because it was closed.
func isClosed(t testing.TB, s *cachedStmt) bool {
	t.Helper()
	rows, err := s.stmt.QueryContext(context.Background(), 1)
	if err == nil {
		rows.Close()
		return false
	}
	if !strings.Contains(err.Error(), "statement is closed") {
		t.Fatalf("query on statement: %v, want it closed or working", err)
	}
	return true
}

func TestStmtCacheBound(t *testing.T) {
	withSQLitePool(t, func(t *testing.T, db *DB, p *sqlitePool) {
		p.reads = newStmtCache(4)
		mustAdd(t, db, 0, 10)
		first := cached(p.reads, numbered(0))
		if first == nil {
			t.Fatal("statement 0 is not kept")
		}
		for k := 1; k < 40; k++ {
			mustAdd(t, db, k, 10)
			if n := db.PreparedStatements(); n > 4 {
				t.Fatalf("after %d queries: %d statements, want at most 4", k+1, n)
			}
		}
		if n := db.PreparedStatements(); n != 4 {
			t.Fatalf("%d statements, want 4", n)
		}
		for k := 36; k < 40; k++ {
			if cached(p.reads, numbered(k)) == nil {
				t.Fatalf("statement %d, among the last 4 used, was evicted", k)
			}
		}
		if cached(p.reads, numbered(0)) != nil {
			t.Fatal("statement 0, the least recently used, is still kept")
		}
		if !isClosed(t, first) {
			t.Fatal("evicted statement 0 was not closed")
		}
		mustAdd(t, db, 0, 20) // prepared again
	})
}

func TestStmtCacheEvictsLeastRecentlyUsed(t *testing.T) {
	withSQLitePool(t, func(t *testing.T, db *DB, p *sqlitePool) {
		p.reads = newStmtCache(3)
		for k := range 3 {
			mustAdd(t, db, k, 1)
		}
		mustAdd(t, db, 0, 1) // 0 is now the most recently used, 1 the least
		mustAdd(t, db, 3, 1)
		var kept []int
		for k := range 4 {
			if cached(p.reads, numbered(k)) != nil {
				kept = append(kept, k)
			}
		}
		if !slices.Equal(kept, []int{0, 2, 3}) {
			t.Fatalf("kept %v, want [0 2 3]", kept)
		}
	})
}

func TestStmtCacheHeldStatementOutlivesEviction(t *testing.T) {
	withSQLitePool(t, func(t *testing.T, db *DB, p *sqlitePool) {
		p.reads = newStmtCache(2)
		s, err := p.readStmt(context.Background(), numbered(0))
		if err != nil {
			t.Fatal(err)
		}
		for k := 1; k <= 5; k++ {
			mustAdd(t, db, k, 1)
		}
		if cached(p.reads, numbered(0)) != nil {
			t.Fatal("statement 0 was not evicted")
		}
		if isClosed(t, s) {
			t.Fatal("an evicted statement was closed while held")
		}
		p.reads.release(s)
		if !isClosed(t, s) {
			t.Fatal("an evicted statement was not closed by its last holder")
		}
	})
}

func TestStmtCacheRowsOutliveEviction(t *testing.T) {
	withSQLitePool(t, func(t *testing.T, db *DB, p *sqlitePool) {
		p.reads = newStmtCache(1)
		ctx := context.Background()
		rows, err := db.Reader().query(ctx, "SELECT CAST($1 AS BIGINT) UNION ALL SELECT CAST($1 AS BIGINT) + 1", int64(7))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		mustAdd(t, db, 1, 1) // evicts and closes the statement the rows came from
		var got []int64
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []int64{7, 8}) {
			t.Fatalf("rows %v, want [7 8]", got)
		}
	})
}

// TestStmtCacheConcurrent runs more distinct queries than a tiny cache holds from
// many goroutines at once, so statements are evicted while others use them; run
// with -race.
func TestStmtCacheConcurrent(t *testing.T) {
	withSQLitePool(t, func(t *testing.T, db *DB, p *sqlitePool) {
		p.reads = newStmtCache(2)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []error
		)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 150 {
					k := (g + i) % 6
					var got int64
					err := db.Reader().row(context.Background(), numbered(k), []any{int64(i)}, &got)
					if err == nil && got != int64(i+k) {
						err = fmt.Errorf("query %d of %d = %d", k, i, got)
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if n := db.PreparedStatements(); n > 2 {
			t.Fatalf("%d statements, want at most 2", n)
		}
	})
}

func TestLRU(t *testing.T) {
	c := newLRU[string, int](2)
	if dropped := c.add("a", 1); len(dropped) != 0 {
		t.Fatalf("dropped %v from a cache with room", dropped)
	}
	c.add("b", 2)
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Fatalf("get(a) = %d, %v", v, ok)
	}
	if dropped := c.add("c", 3); !slices.Equal(dropped, []int{2}) {
		t.Fatalf("dropped %v, want [2]: b was the least recently used", dropped)
	}
	if _, ok := c.get("b"); ok {
		t.Fatal("b is still kept")
	}
	if c.len() != 2 {
		t.Fatalf("len %d, want 2", c.len())
	}
	all := c.clear()
	slices.Sort(all)
	if !slices.Equal(all, []int{1, 3}) || c.len() != 0 {
		t.Fatalf("clear returned %v and left %d, want [1 3] and 0", all, c.len())
	}
	if _, ok := c.get("a"); ok {
		t.Fatal("a is kept after clear")
	}
}
