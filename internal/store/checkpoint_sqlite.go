package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"
)

// Checkpoints on SQLite. A checkpoint copies the pages the WAL holds back into the
// database file, so that the WAL can start over. Left to SQLite, the transaction
// whose commit brings the WAL to wal_autocheckpoint frames makes it, inside its own
// COMMIT, two fsyncs included, and every transaction queued behind it waits. A
// goroutine of the pool makes it instead, on a connection of its own, once
// checkpointFrames frames wait to be copied: a PASSIVE checkpoint waits for nobody
// and takes no lock a writer or reader needs, so the next transactions run beside
// it. SQLite's own, at sqliteAutoCheckpoint frames, stays the bound for a WAL the
// goroutine does not keep up with.
//
// The size of a checkpoint matters as much as where it runs: a page that many
// transactions change (an index's last leaf, a counter's row, a document series)
// is copied once per checkpoint, however many of its versions the WAL holds. A
// sales order writes about 70 frames; with checkpoints every 1,000 frames one
// client's sales spent a tenth of their CPU copying pages, in every fifteenth
// sale's COMMIT. Counting what waits needs the wal-index mapped
// (wal_index.go); where it is not, the goroutine checkpoints after a lone writer's
// commits at a pace that adapts to the frames each checkpoint finds (nextPause).
// Nothing changes for durability: a checkpoint only copies committed pages.

// checkpointEvery is the least time between two checkpoints of the goroutine: at
// the rate of a lone writer (several hundred creates a second of about 25 frames
// each) it checkpoints well before SQLite's own would.
const checkpointEvery = 20 * time.Millisecond

// checkpointSlowest is the most time the goroutine lets pass between two
// checkpoints while commits keep coming.
const checkpointSlowest = time.Second

// checkpointFrames is how many WAL frames the goroutine lets gather before a
// checkpoint, half of SQLite's own bound. Each checkpoint syncs the WAL and the
// database file, so one every 20 ms that finds a few dozen frames (lone commits
// spread out, as job workers that wait on vendors make them) costs those syncs
// fifty times a second and halved the delivery of queued events.
const checkpointFrames = sqliteAutoCheckpoint / 2

// newFrames is how many of the frames a checkpoint found in the WAL came since the
// last one, which found last: the WAL starts over after a checkpoint has copied it
// all (then fewer frames than last means it did), and otherwise keeps growing while
// readers still need its older frames, when its whole size would pace the
// checkpoints as if every frame were new. A WAL that started over and grew past
// last reads as fewer new frames than it holds, which only slows the pace, and
// SQLite's own checkpoint stays the bound.
func newFrames(last, frames int) int {
	if frames < last {
		return frames
	}
	return frames - last
}

// nextPause is the pause after a checkpoint that found frames WAL frames, given
// the pause before it.
func nextPause(pause time.Duration, frames int) time.Duration {
	switch {
	case frames < checkpointFrames/2:
		pause *= 2
	case frames > checkpointFrames*3/2:
		pause /= 2
	}
	return min(max(pause, checkpointEvery), checkpointSlowest)
}

// sqliteAutoCheckpoint is SQLite's wal_autocheckpoint on the write connection, in
// frames: four times its default, so a WAL of about 16 MiB at 4 KiB pages.
const sqliteAutoCheckpoint = 4000

// checkpointer runs the checkpoints of a SQLite database on its own connection.
type checkpointer struct {
	conn    *sql.DB
	stmt    *sql.Stmt     // PRAGMA wal_checkpoint(PASSIVE), prepared once
	nudge   chan struct{} // a commit happened since the last checkpoint
	quit    chan struct{}
	stopped chan struct{}
	runs    atomic.Uint64 // checkpoints made, for tests
	// backlog counts the frames that wait for a checkpoint; false when the
	// wal-index is not mapped, and the pace adapts instead.
	backlog func() (int, bool)
}

// newCheckpointer starts the checkpoints of the database conn reaches, which must
// be a pool of one connection that may write (PRAGMA wal_checkpoint needs it).
func newCheckpointer(ctx context.Context, conn *sql.DB, backlog func() (int, bool)) (*checkpointer, error) {
	stmt, err := conn.PrepareContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
	if err != nil {
		return nil, fmt.Errorf("prepare the checkpoint: %w", err)
	}
	c := &checkpointer{conn: conn, stmt: stmt, nudge: make(chan struct{}, 1), quit: make(chan struct{}),
		stopped: make(chan struct{}), backlog: backlog}
	go c.loop()
	return c, nil
}

// committed tells the checkpointer that a transaction committed, alone or in a
// group of several; it never waits. Without a count of the frames that wait, only a
// lone writer's commit asks for a checkpoint: under concurrent writes SQLite's own,
// paid once per group, cost less than checkpoints paced by time running beside the
// queue.
func (c *checkpointer) committed(alone bool) {
	if frames, ok := c.backlog(); ok {
		if frames < checkpointFrames {
			return
		}
	} else if !alone {
		return
	}
	select {
	case c.nudge <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.stopped)
	pause := time.NewTimer(0)
	defer pause.Stop()
	every := checkpointEvery
	last := 0 // the WAL's frames at the last checkpoint
	for {
		select {
		case <-c.quit:
			return
		case <-c.nudge:
		}
		// An error (the database closing, an I/O error) leaves the pages in the WAL,
		// where SQLite's own checkpoint at the bound, or the next one here, finds them.
		var busy, frames, copied int
		err := c.stmt.QueryRowContext(context.Background()).Scan(&busy, &frames, &copied)
		c.runs.Add(1)
		if _, counted := c.backlog(); counted {
			every = checkpointEvery // the next one waits for its frames, not a pace
		} else if err == nil {
			every = nextPause(every, newFrames(last, frames))
			last = frames
		}
		pause.Reset(every)
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
	c.stmt.Close()
	return c.conn.Close()
}
