//go:build unix

package sqlitewal_test

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/cascade-billing/cascade/internal/sqlitewal"
)

// open opens path on one connection, through this VFS or SQLite's own.
func open(t testing.TB, path string, gathered bool, pragmas ...string) *sql.DB {
	t.Helper()
	if err := sqlitewal.Register(); err != nil {
		t.Fatal(err)
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)"
	for _, p := range pragmas {
		dsn += "&_pragma=" + p
	}
	if gathered {
		dsn += "&vfs=" + sqlitewal.Name
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func exec1(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

const schema = `CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c INTEGER);
CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b); CREATE INDEX t_c ON t (c, a)`

// insertSpread inserts n rows in one transaction whose keys fall on many pages.
func insertSpread(t testing.TB, db *sql.DB, first, n int) {
	t.Helper()
	insertRows(t, db, n, true, func(i int) []any {
		i += first
		key := fmt.Sprintf("%08d", (i*7919)%1000003)
		return []any{i, key + strings.Repeat("a", 100), strings.Repeat("b", 100) + key, i * 31 % 977}
	})
}

// insertRows inserts n rows of t, row(i) giving the i-th one's id, a, b and c, in
// one transaction, which it commits or rolls back.
func insertRows(t testing.TB, db *sql.DB, n int, commit bool, row func(i int) []any) {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := tx.Exec(`INSERT INTO t (id, a, b, c) VALUES (?, ?, ?, ?)`, row(i)...); err != nil {
			t.Fatal(err)
		}
	}
	if commit {
		err = tx.Commit()
	} else {
		err = tx.Rollback()
	}
	if err != nil {
		t.Fatal(err)
	}
}

func count(t testing.TB, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func integrity(t testing.TB, db *sql.DB) {
	t.Helper()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
}

func TestCommitReachesTheFileAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one.db")
	db := open(t, path, true, "wal_autocheckpoint(0)")
	exec1(t, db, schema)
	insertSpread(t, db, 0, 2000)

	for round := 0; round < 5; round++ {
		before := sqlitewal.FileWrites()
		walBefore := fileSize(t, path+"-wal")
		insertSpread(t, db, 10000+round*200, 200)
		frames := (fileSize(t, path+"-wal") - walBefore) / (4096 + 24)
		if writes := sqlitewal.FileWrites() - before; writes != 1 {
			t.Fatalf("a commit of %d frames made %d writes to the WAL, want 1", frames, writes)
		}
		if frames < 20 {
			t.Fatalf("the transaction wrote %d frames; the test needs one of many pages", frames)
		}
	}
	if got := count(t, db); got != 3000 {
		t.Fatalf("count %d, want 3000", got)
	}
	integrity(t, db)
}

// Every kind of write SQLite makes to a WAL (spilled frames of a transaction rolled
// back, transactions larger than the buffer, restarts after checkpoints) leaves a
// database that SQLite's own VFS reads whole.
func TestOtherConnectionsReadWhatWasWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kinds.db")
	db := open(t, path, true, "cache_size(20)", "wal_autocheckpoint(50)")
	plain := open(t, path, false)
	exec1(t, db, schema)

	want := 0
	for round := 0; round < 6; round++ {
		insertSpread(t, db, want, 300)
		want += 300
		if got := count(t, plain); got != want {
			t.Fatalf("round %d: the other connection counts %d, want %d", round, got, want)
		}

		// A transaction larger than the page cache spills frames before it ends;
		// rolled back, none of them count.
		insertRows(t, db, 500, false, func(i int) []any {
			return []any{nil, strings.Repeat("x", 300), fmt.Sprint(i), i}
		})
		if got := count(t, plain); got != want {
			t.Fatalf("round %d after a rollback: %d rows, want %d", round, got, want)
		}
	}

	// One transaction of about 10 MiB of pages: more than the buffer holds.
	insertRows(t, db, 8000, true, func(i int) []any {
		return []any{100000 + i, strings.Repeat("y", 600) + fmt.Sprint(i), fmt.Sprint(i), i}
	})
	want += 8000
	exec1(t, db, `PRAGMA wal_checkpoint(TRUNCATE)`)
	insertSpread(t, db, 200000, 100)
	want += 100
	if got := count(t, plain); got != want {
		t.Fatalf("at the end the other connection counts %d, want %d", got, want)
	}
	integrity(t, plain)
	integrity(t, db)
}

// A transaction larger than the page cache writes some pages to the WAL twice, the
// second time over its own earlier frames, and SQLite then rewrites the checksums
// of the frames from there to its commit frame. The WAL on disk, read afresh as
// after a crash (a copy of the files without the wal-index), holds the commit.
func TestCommitSurvivesRecoveryAfterRewrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rewrites.db")
	db := open(t, path, true, "cache_size(10)", "wal_autocheckpoint(0)")
	exec1(t, db, schema)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		if _, err := tx.Exec(`INSERT INTO t (id, a, b, c) VALUES (?, ?, ?, 1)`, i, strings.Repeat("r", 200), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.Exec(`UPDATE t SET c = c + 1`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// The writer stays open and does nothing more, as a process that dies now.
	copyPath := filepath.Join(dir, "copy.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(copyPath+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	recovered := open(t, copyPath, false)
	integrity(t, recovered)
	var rows, sum int
	if err := recovered.QueryRow(`SELECT count(*), coalesce(sum(c), 0) FROM t`).Scan(&rows, &sum); err != nil {
		t.Fatal(err)
	}
	if rows != 3000 || sum != 6000 {
		t.Fatalf("recovered %d rows summing %d, want 3000 rows summing 6000", rows, sum)
	}
}

// A process killed at any point keeps every transaction it committed, and the
// database it leaves is whole.
func TestKilledWriterKeepsItsCommits(t *testing.T) {
	if path := os.Getenv("SQLITEWAL_WRITER"); path != "" {
		writeUntilKilled(t, path)
		return
	}
	for run := 0; run < 4; run++ {
		path := filepath.Join(t.TempDir(), "killed.db")
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterKeepsItsCommits$")
		cmd.Env = append(os.Environ(), "SQLITEWAL_WRITER="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		committed := 0
		lines := bufio.NewScanner(out)
		deadline := time.Now().Add(time.Duration(150+run*100) * time.Millisecond)
		for lines.Scan() {
			if n, err := strconv.Atoi(strings.TrimPrefix(lines.Text(), "committed ")); err == nil {
				committed = n
			}
			if time.Now().After(deadline) {
				break
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if committed == 0 {
			t.Fatalf("run %d: the writer reported no commit", run)
		}
		db := open(t, path, false)
		integrity(t, db)
		if got := count(t, db); got < committed {
			t.Fatalf("run %d: %d rows after the kill, but %d were committed", run, got, committed)
		}
	}
}

// Two processes that write one database by turns, each gathering its own commits
// and checkpointing it often, leave every row of both in a whole database.
func TestTwoProcessesWriteOneDatabase(t *testing.T) {
	const transactions, rows = 100, 50
	if path := os.Getenv("SQLITEWAL_SHARED"); path != "" {
		first, _ := strconv.Atoi(os.Getenv("SQLITEWAL_FIRST"))
		db := open(t, path, true, "wal_autocheckpoint(100)")
		for n := range transactions {
			insertSpread(t, db, first+n*rows, rows)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "shared.db")
	exec1(t, open(t, path, false), schema)
	writers := make([]*exec.Cmd, 2)
	for i := range writers {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesWriteOneDatabase$")
		cmd.Env = append(os.Environ(), "SQLITEWAL_SHARED="+path, fmt.Sprintf("SQLITEWAL_FIRST=%d", i*1_000_000))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		writers[i] = cmd
	}
	for i, cmd := range writers {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	db := open(t, path, false)
	integrity(t, db)
	if got, want := count(t, db), len(writers)*transactions*rows; got != want {
		t.Fatalf("%d rows after both writers, want %d", got, want)
	}
}

func writeUntilKilled(t *testing.T, path string) {
	db := open(t, path, true, "wal_autocheckpoint(200)")
	exec1(t, db, schema)
	for n := 0; ; n += 50 {
		insertSpread(t, db, n, 50)
		fmt.Printf("committed %d\n", n+50)
		if n > 1_000_000 {
			return
		}
	}
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
