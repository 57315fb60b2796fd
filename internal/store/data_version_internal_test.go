package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"testing"
)

// TestDataVersionSeesEveryCommit checks that the data version stays while nothing
// commits and moves with every commit, of this process's writer and of another
// connection, across a checkpoint that starts the WAL over, whether the wal-index's
// mapping or the PRAGMA answers, and when the one gives way to the other.
func TestDataVersionSeesEveryCommit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "version.db")
	db, err := Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v := db.version
	if runtime.GOOS != "windows" && v.shm.Load() == nil {
		t.Fatal("the wal-index is not mapped")
	}
	other, err := sql.Open(sqliteDriver, "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	read := func() int64 {
		t.Helper()
		n, err := v.read()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	exec := func(on *sql.DB, q string) {
		t.Helper()
		if _, err := on.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	writer := db.pool.(*sqlitePool).write
	exec(writer, "CREATE TABLE seen (n INTEGER)")
	steps := []struct {
		name   string
		commit func()
	}{
		{"a commit of the writer", func() { exec(writer, "INSERT INTO seen VALUES (1)") }},
		{"a commit of another connection", func() { exec(other, "INSERT INTO seen VALUES (2)") }},
		{"a commit after the WAL started over", func() {
			exec(other, "PRAGMA wal_checkpoint(TRUNCATE)")
			exec(writer, "INSERT INTO seen VALUES (3)")
		}},
	}
	check := func(source string) {
		for _, s := range steps {
			before := read()
			if again := read(); again != before {
				t.Errorf("%s: the version moved from %d to %d with no commit", source, before, again)
			}
			s.commit()
			if after := read(); after == before {
				t.Errorf("%s: the version stayed %d across %s", source, after, s.name)
			}
		}
	}
	check("mapped wal-index")
	last := read()
	v.shm.Store(nil) // as a failed reading leaves it; close unmaps the file
	if n := read(); n == last {
		t.Errorf("the version stayed %d as the PRAGMA took over from the mapping", n)
	}
	check("PRAGMA")
}
