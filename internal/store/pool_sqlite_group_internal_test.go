package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// openGroupTest opens a migrated SQLite database with a table of named rows, and a
// child table whose parent is checked only at COMMIT.
func openGroupTest(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "group.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(c *Conn) error {
		return c.tx.script(ctx, `CREATE TABLE named (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
			CREATE TABLE child (id INTEGER PRIMARY KEY,
				named_id INTEGER REFERENCES named (id) DEFERRABLE INITIALLY DEFERRED)`)
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func insertNamed(ctx context.Context, c *Conn, name string) error {
	_, err := c.exec(ctx, "INSERT INTO named (name) VALUES ($1)", name)
	return err
}

// committedNames reads the names on the read pool: what has been committed.
func committedNames(t *testing.T, db *DB) []string {
	t.Helper()
	var names []string
	err := eachRow(context.Background(), db.Reader(), "SELECT name FROM named ORDER BY name", nil, func(s scanner) error {
		var n string
		err := s.Scan(&n)
		names = append(names, n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// inTxAsync runs fn in a write transaction on its own goroutine and returns InTx's
// outcome, once it is known.
func inTxAsync(ctx context.Context, db *DB, fn func(*Conn) error) <-chan error {
	out := make(chan error, 1)
	go func() { out <- db.InTx(ctx, fn) }()
	return out
}

// waitQueued waits until n transactions wait for SQLite's write turn.
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	g := &db.pool.(*sqlitePool).group
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		g.mu.Lock()
		w := g.waiting
		g.mu.Unlock()
		if w == n {
			return
		}
	}
	t.Fatalf("%d transactions never queued for the write turn", n)
}

// holdTurn starts a transaction that writes name and then holds the write turn
// until release is closed.
func holdTurn(t *testing.T, db *DB, name string, release <-chan struct{}) <-chan error {
	t.Helper()
	ctx := context.Background()
	holding := make(chan struct{})
	out := inTxAsync(ctx, db, func(c *Conn) error {
		close(holding)
		<-release
		return insertNamed(ctx, c, name)
	})
	<-holding
	return out
}

func groupCommits(db *DB) uint64 { return db.pool.(*sqlitePool).group.commits.Load() }

// TestSQLiteGroupCommit checks that write transactions queued together commit
// once, each failure rolling back its own transaction alone: one that returns an
// error after writing, one whose statement breaks a unique index.
func TestSQLiteGroupCommit(t *testing.T) {
	db := openGroupTest(t)
	ctx := context.Background()
	release := make(chan struct{})
	first := holdTurn(t, db, "a", release)
	var outcomes []<-chan error
	for i, fn := range []func(*Conn) error{
		func(c *Conn) error { return insertNamed(ctx, c, "b") },
		func(c *Conn) error {
			if err := insertNamed(ctx, c, "c"); err != nil {
				return err
			}
			return errors.New("changed its mind")
		},
		func(c *Conn) error { return insertNamed(ctx, c, "a") }, // taken by the first
		func(c *Conn) error { return insertNamed(ctx, c, "e") },
	} {
		outcomes = append(outcomes, inTxAsync(ctx, db, fn))
		waitQueued(t, db, i+1)
	}
	before := groupCommits(db)
	close(release)
	if err := <-first; err != nil {
		t.Errorf("first: %v", err)
	}
	for i, want := range []string{"", "changed its mind", "unique constraint", ""} {
		err := <-outcomes[i]
		switch {
		case want == "" && err != nil:
			t.Errorf("transaction %d: %v", i+2, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("transaction %d: %v, want an error with %q", i+2, err, want)
		}
	}
	if got := groupCommits(db) - before; got != 1 {
		t.Errorf("%d commits for five transactions queued together, want 1", got)
	}
	if got := committedNames(t, db); !slices.Equal(got, []string{"a", "b", "e"}) {
		t.Errorf("committed %v, want [a b e]", got)
	}
}

// TestSQLiteGroupAnswersAfterCommit checks that a transaction done with its work
// does not return while the group it committed in is still open: its changes are
// not durable yet, and no reader sees them.
func TestSQLiteGroupAnswersAfterCommit(t *testing.T) {
	db := openGroupTest(t)
	ctx := context.Background()
	release, running, releaseSecond := make(chan struct{}), make(chan struct{}), make(chan struct{})
	first := holdTurn(t, db, "a", release)
	second := inTxAsync(ctx, db, func(c *Conn) error {
		close(running)
		<-releaseSecond
		return insertNamed(ctx, c, "b")
	})
	waitQueued(t, db, 1)
	close(release)
	<-running // the first is done and has left the group open for the second
	select {
	case err := <-first:
		t.Fatalf("the first transaction returned (%v) before its group committed", err)
	case <-time.After(100 * time.Millisecond):
	}
	if got := committedNames(t, db); len(got) != 0 {
		t.Errorf("readers see %v before the group commits", got)
	}
	close(releaseSecond)
	if err := <-first; err != nil {
		t.Errorf("first: %v", err)
	}
	if err := <-second; err != nil {
		t.Errorf("second: %v", err)
	}
	if got := committedNames(t, db); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("committed %v, want [a b]", got)
	}
}

// TestSQLiteGroupFailedCommit checks that a COMMIT that fails (here on a foreign key
// checked at COMMIT, which one member broke) fails every transaction of the group,
// commits none of them, and leaves the connection ready for the next transaction.
func TestSQLiteGroupFailedCommit(t *testing.T) {
	db := openGroupTest(t)
	ctx := context.Background()
	release := make(chan struct{})
	first := holdTurn(t, db, "a", release)
	orphan := inTxAsync(ctx, db, func(c *Conn) error {
		_, err := c.exec(ctx, "INSERT INTO child (named_id) VALUES ($1)", 999)
		return err
	})
	waitQueued(t, db, 1)
	close(release)
	for name, out := range map[string]<-chan error{"first": first, "orphan": orphan} {
		if err := <-out; err == nil || !strings.Contains(err.Error(), "foreign key") {
			t.Errorf("%s: %v, want the COMMIT's foreign key error", name, err)
		}
	}
	if got := committedNames(t, db); len(got) != 0 {
		t.Errorf("committed %v after a failed COMMIT", got)
	}
	if err := db.InTx(ctx, func(c *Conn) error { return insertNamed(ctx, c, "next") }); err != nil {
		t.Fatalf("the transaction after a failed COMMIT: %v", err)
	}
	if got := committedNames(t, db); !slices.Equal(got, []string{"next"}) {
		t.Errorf("committed %v, want [next]", got)
	}
}

// TestSQLiteGroupGenerations checks that a transaction does not get a generation
// for a scope an earlier transaction of its group touched (the change is not
// committed yet, so nothing read of it may be cached), and gets the others'.
func TestSQLiteGroupGenerations(t *testing.T) {
	db := openGroupTest(t)
	ctx := context.Background()
	touchedScope, otherScope := AccountsScope(7), AccountsScope(8)
	if err := db.InTx(ctx, func(c *Conn) error { c.touch(touchedScope, otherScope); return nil }); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	holding := make(chan struct{})
	first := inTxAsync(ctx, db, func(c *Conn) error {
		close(holding)
		<-release
		c.touch(touchedScope)
		return insertNamed(ctx, c, "a")
	})
	<-holding
	type gen struct {
		touched, other bool
	}
	var got gen
	second := inTxAsync(ctx, db, func(c *Conn) error {
		var err error
		if _, got.touched, err = c.Generation(ctx, touchedScope); err != nil {
			return err
		}
		_, got.other, err = c.Generation(ctx, otherScope)
		return err
	})
	waitQueued(t, db, 1)
	close(release)
	for _, out := range []<-chan error{first, second} {
		if err := <-out; err != nil {
			t.Fatal(err)
		}
	}
	if got != (gen{touched: false, other: true}) {
		t.Errorf("generations in the group: touched scope %v, other scope %v; want false, true", got.touched, got.other)
	}
	var after bool
	if err := db.InTx(ctx, func(c *Conn) error {
		var err error
		_, after, err = c.Generation(ctx, touchedScope)
		return err
	}); err != nil || !after {
		t.Errorf("generation after the group committed: %v, %v; want one", after, err)
	}
}

// TestSQLiteGroupWaiterGivesUp checks that a transaction that stops waiting for the
// turn (its context ended) leaves nothing hanging: the group it might have joined
// commits, and it reports its context's error.
func TestSQLiteGroupWaiterGivesUp(t *testing.T) {
	db := openGroupTest(t)
	ctx := context.Background()
	release := make(chan struct{})
	first := holdTurn(t, db, "a", release)
	cctx, cancel := context.WithCancel(ctx)
	quitter := inTxAsync(cctx, db, func(c *Conn) error { return insertNamed(ctx, c, "never") })
	waitQueued(t, db, 1)
	cancel()
	waitQueued(t, db, 0)
	close(release)
	select {
	case err := <-first:
		if err != nil {
			t.Errorf("first: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first transaction never committed after the waiter gave up")
	}
	if err := <-quitter; !errors.Is(err, context.Canceled) {
		t.Errorf("the waiter that gave up: %v, want its context's error", err)
	}
	if got := committedNames(t, db); !slices.Equal(got, []string{"a"}) {
		t.Errorf("committed %v, want [a]", got)
	}
}

// TestSQLiteGroupMemberPanics checks that a transaction whose function panics, the
// group's first or a later member, rolls back its own work alone and gives the turn
// back: the group commits the others and the next transaction runs.
func TestSQLiteGroupMemberPanics(t *testing.T) {
	db := openGroupTest(t)
	ctx := context.Background()
	panicking := func(name string) func(*Conn) error {
		return func(c *Conn) error {
			if err := insertNamed(ctx, c, name); err != nil {
				return err
			}
			panic("member " + name)
		}
	}
	recovered := func(fn func(*Conn) error) <-chan any {
		out := make(chan any, 1)
		go func() {
			defer func() { out <- recover() }()
			db.InTx(ctx, fn)
		}()
		return out
	}
	if p := <-recovered(panicking("lone")); p == nil {
		t.Fatal("the panic of a lone transaction was not passed on")
	}
	release := make(chan struct{})
	first := holdTurn(t, db, "a", release)
	later := recovered(panicking("later"))
	waitQueued(t, db, 1)
	close(release)
	if p := <-later; p == nil {
		t.Error("the panic of a later member was not passed on")
	}
	done := make(chan error, 1)
	go func() { done <- db.InTx(ctx, func(c *Conn) error { return insertNamed(ctx, c, "next") }) }()
	for name, out := range map[string]<-chan error{"first": first, "next": done} {
		select {
		case err := <-out:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s never returned after a member panicked", name)
		}
	}
	if got := committedNames(t, db); !slices.Equal(got, []string{"a", "next"}) {
		t.Errorf("committed %v, want [a next]", got)
	}
}
