package store

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestStatementsKeepTheirPlans runs the writer's statements that bind values
// SQLite's planner would read (see opaqueInt) with values that alternate the way
// the workloads alternate them, and checks that SQLite never prepared them again.
func TestStatementsKeepTheirPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "plans.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	run := func(account int64, limit int) {
		t.Helper()
		err := db.InTx(ctx, func(c *Conn) error {
			if _, _, err := c.FindAccountWithManagerName(ctx, account, 1); err != nil && domain.CodeOf(err) != domain.ErrNotFound {
				return err
			}
			return c.claimAtCommit(ctx, "worker", []string{"provision"}, limit, now, now.Add(time.Minute),
				func(*domain.Job) {})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	run(1, 1) // prepares the texts, which the pool keeps once the transaction ends
	for i := range 6 {
		run(int64(1+i%2), 1+i%3)
	}
	counts := writerReprepares(t, db)
	for _, want := range []string{"FROM accounts a JOIN account_classes", "UPDATE jobs SET status"} {
		found := false
		for sql, n := range counts {
			if !strings.Contains(sql, want) {
				continue
			}
			found = true
			if n != 0 {
				t.Errorf("SQLite prepared %q again %d times in 6 runs; want none", want, n)
			}
		}
		if !found {
			t.Errorf("no statement with %q is prepared on the writer", want)
		}
	}
}

// writerReprepares returns, by SQL text, how many times SQLite prepared again each
// statement prepared on the write connection (SQLITE_STMTSTATUS_REPREPARE). The
// driver keeps the connection's handle unexported, so the test reads it by name.
func writerReprepares(t *testing.T, db *DB) map[string]int {
	t.Helper()
	ctx := context.Background()
	conn, err := db.pool.(*sqlitePool).write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := map[string]int{}
	err = conn.Raw(func(dc any) error {
		v := reflect.ValueOf(dc).Elem()
		handle, tlsField := v.FieldByName("db"), v.FieldByName("tls")
		if !handle.IsValid() || !tlsField.IsValid() {
			t.Fatalf("the driver's connection %T has no db and tls fields", dc)
		}
		h, tls := uintptr(handle.Uint()), (*libc.TLS)(unsafe.Pointer(tlsField.Pointer()))
		for p := sqlite3.Xsqlite3_next_stmt(tls, h, 0); p != 0; p = sqlite3.Xsqlite3_next_stmt(tls, h, p) {
			sql := libc.GoString(sqlite3.Xsqlite3_sql(tls, p))
			out[sql] += int(sqlite3.Xsqlite3_stmt_status(tls, p, sqlite3.SQLITE_STMTSTATUS_REPREPARE, 0))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
