package store

import (
	"context"
	"testing"
)

// TestWriterStatsCountTheTurn holds SQLite's write turn while two more transactions
// queue for it: the write pool's statistics count their waits, which database/sql
// never sees, and the writer's counters their transactions and the one group commit
// that made them durable.
func TestWriterStatsCountTheTurn(t *testing.T) {
	ctx := context.Background()
	db := openGroupTest(t)
	before, ok := db.WriterStats()
	if !ok {
		t.Fatal("SQLite reports no writer")
	}
	_, wrote := db.PoolStats()
	started, release := make(chan struct{}), make(chan struct{})
	first := inTxAsync(ctx, db, func(c *Conn) error {
		close(started) // the turn is held from here
		<-release
		return insertNamed(ctx, c, "first")
	})
	<-started
	second := inTxAsync(ctx, db, func(c *Conn) error { return insertNamed(ctx, c, "second") })
	third := inTxAsync(ctx, db, func(c *Conn) error { return insertNamed(ctx, c, "third") })
	waitQueued(t, db, 2)
	close(release)
	for _, out := range []<-chan error{first, second, third} {
		if err := <-out; err != nil {
			t.Fatal(err)
		}
	}
	after, _ := db.WriterStats()
	if got := after.Transactions - before.Transactions; got != 3 {
		t.Errorf("%d transactions counted, want 3", got)
	}
	if got := after.Commits - before.Commits; got != 1 {
		t.Errorf("%d commits counted, want 1: the two queued joined the first's group", got)
	}
	if after.Busy <= before.Busy {
		t.Errorf("busy %v after, %v before: the held turn was not counted", after.Busy, before.Busy)
	}
	_, write := db.PoolStats()
	if got := write.WaitCount - wrote.WaitCount; got != 2 {
		t.Errorf("%d waits for the write turn counted, want 2", got)
	}
	if write.WaitDuration <= wrote.WaitDuration {
		t.Errorf("wait duration %v after, %v before", write.WaitDuration, wrote.WaitDuration)
	}
}

// TestReadStatsCountTheTurns takes every place of SQLite's read pool and then asks
// for one more with a context that has ended: the read pool's statistics count that
// wait, and a read that finds a place free counts none.
func TestReadStatsCountTheTurns(t *testing.T) {
	ctx := context.Background()
	db := openGroupTest(t)
	p := db.pool.(*sqlitePool)
	var held []rows
	for range cap(p.readTurns) {
		r, err := p.query(ctx, "SELECT 1", nil)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, r)
	}
	read, _ := db.PoolStats()
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := p.query(ended, "SELECT 1", nil); err != context.Canceled {
		t.Fatalf("a read with every place taken: %v, want %v", err, context.Canceled)
	}
	for _, r := range held {
		r.Close()
	}
	r, err := p.query(ctx, "SELECT 1", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	after, _ := db.PoolStats()
	if got := after.WaitCount - read.WaitCount; got != 1 {
		t.Errorf("%d waits for a read place counted, want 1", got)
	}
}

// TestWriterStatsOnlyWithOneWriter: PostgreSQL's connections write side by side, so
// it reports no writer.
func TestWriterStatsOnlyWithOneWriter(t *testing.T) {
	onPostgres(t, Options{}, func(t *testing.T, db *DB) {
		if w, ok := db.WriterStats(); ok {
			t.Fatalf("PostgreSQL reports a writer: %+v", w)
		}
	})
}
