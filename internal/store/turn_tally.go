package store

import (
	"context"
	"sync/atomic"
	"time"
)

// The SQLite pool admits its readers and its one writer through turn channels of
// its own (pool_sqlite.go), so database/sql never has a waiter and its wait counts
// stay at zero. waitTally counts the waits on a turn channel instead; the pool's
// statistics report them in database/sql's terms, and the writer's busy time tells
// how near the one write connection is to its capacity.

// waitTally counts the acquisitions of a turn channel that found every place taken,
// and how long they waited for one.
type waitTally struct {
	count atomic.Int64
	nanos atomic.Int64
}

// take takes a place on turns for the caller, counting a wait when every place is
// taken; it gives up with ctx's error when ctx ends first.
func (w *waitTally) take(ctx context.Context, turns chan struct{}) error {
	select {
	case turns <- struct{}{}:
		return nil
	default:
	}
	start := time.Now()
	var err error
	select {
	case turns <- struct{}{}:
	case <-ctx.Done():
		err = ctx.Err()
	}
	w.count.Add(1)
	w.nanos.Add(int64(time.Since(start)))
	return err
}

func (w *waitTally) read() (count int64, waited time.Duration) {
	return w.count.Load(), time.Duration(w.nanos.Load())
}

// WriterStats is the work of a database's one write connection (SQLite).
type WriterStats struct {
	// Busy is how long the write turn was held: statements of write transactions,
	// their commits, and the work a transaction does in between.
	Busy time.Duration
	// Transactions counts the write transactions begun; Commits the COMMITs that
	// made them durable, several at once in a group commit.
	Transactions, Commits uint64
}

// WriterStats returns the work of the database's one write connection, and false
// on an engine without one (PostgreSQL, whose connections write side by side).
func (db *DB) WriterStats() (WriterStats, bool) {
	p, ok := db.pool.(*sqlitePool)
	if !ok {
		return WriterStats{}, false
	}
	return WriterStats{Busy: time.Duration(p.busy.Load()), Transactions: p.group.transactions.Load(),
		Commits: p.group.commits.Load()}, true
}
