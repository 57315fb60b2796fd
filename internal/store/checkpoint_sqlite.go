package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// Checkpoints on SQLite. A checkpoint copies the pages the WAL holds back into the
// database file, so that the WAL can start over. Left to SQLite, the transaction
// whose commit brings the WAL to wal_autocheckpoint frames makes it, inside its own
// COMMIT: a create at one client paid for a checkpoint every forty or so creates,
// a few per cent of its time. A goroutine of the pool, on a connection of its own,
// makes them instead, after commits, at most every checkpointEvery: a PASSIVE
// checkpoint waits for nobody and takes no lock a writer or reader needs, so the
// next transactions run beside it. SQLite's own checkpoint stays as the bound, at
// sqliteAutoCheckpoint frames (four times its default), for a WAL that grows
// faster than the goroutine empties it (a bulk import, one huge transaction).
// Nothing changes for durability: a checkpoint only moves committed pages.

// checkpointEvery is the least time between two checkpoints of the goroutine. At
// the rate of a single writer (about 1,000 creates a second on a small machine) a
// checkpoint then copies about a thousand frames, as SQLite's would.
const checkpointEvery = 50 * time.Millisecond

// sqliteAutoCheckpoint is SQLite's wal_autocheckpoint on the write connection, in
// frames: the bound of the WAL between two checkpoints of the goroutine.
const sqliteAutoCheckpoint = 4000

// checkpointer runs the checkpoints of a SQLite database on its own connection.
type checkpointer struct {
	conn    *sql.DB
	nudge   chan struct{} // a commit happened since the last checkpoint
	quit    chan struct{}
	stopped chan struct{}
	runs    atomic.Uint64 // checkpoints made, for tests
}

// newCheckpointer starts the checkpoints of the database conn reaches, which must
// be a pool of one connection that may write (PRAGMA wal_checkpoint needs it).
func newCheckpointer(conn *sql.DB) *checkpointer {
	c := &checkpointer{conn: conn, nudge: make(chan struct{}, 1), quit: make(chan struct{}),
		stopped: make(chan struct{})}
	go c.loop()
	return c
}

// committed tells the checkpointer that a transaction committed; it never waits.
func (c *checkpointer) committed() {
	select {
	case c.nudge <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.stopped)
	pause := time.NewTimer(0)
	defer pause.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-c.nudge:
		}
		// An error (the database closing, an I/O error) leaves the pages in the WAL,
		// where SQLite's own checkpoint at the bound, or the next one here, finds them.
		_, _ = c.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		c.runs.Add(1)
		pause.Reset(checkpointEvery)
		select {
		case <-c.quit:
			return
		case <-pause.C:
		}
	}
}

// close stops the checkpoints and closes the connection.
func (c *checkpointer) close() error {
	close(c.quit)
	<-c.stopped
	return c.conn.Close()
}
