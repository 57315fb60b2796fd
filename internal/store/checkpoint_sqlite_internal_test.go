package store

import (
	"context"
	"testing"
	"time"
)

// TestSQLiteCheckpointsAfterCommits checks that the pool's checkpointer
// checkpoints the WAL after a lone writer's commits: SQLite's own checkpoint is at
// sqliteAutoCheckpoint on the write connection, a commit of a group of one is
// followed by a checkpoint of the goroutine, and an idle database gets none.
func TestSQLiteCheckpointsAfterCommits(t *testing.T) {
	ctx := context.Background()
	db := openGroupTest(t)
	p := db.pool.(*sqlitePool)
	var bound int
	err := db.InTx(ctx, func(c *Conn) error {
		r, err := c.tx.query(ctx, "PRAGMA wal_autocheckpoint", nil)
		if err != nil {
			return err
		}
		defer r.Close()
		r.Next()
		return r.Scan(&bound)
	})
	if err != nil || bound != sqliteAutoCheckpoint {
		t.Fatalf("wal_autocheckpoint of the write connection = %d, %v; want %d", bound, err, sqliteAutoCheckpoint)
	}

	// waitRuns waits for the checkpointer to have made more than n checkpoints.
	waitRuns := func(n uint64) uint64 {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if r := p.checkpoints.runs.Load(); r > n {
				return r
			}
		}
		t.Fatalf("no checkpoint after a commit (%d made)", n)
		return 0
	}
	runs := waitRuns(0) // the migrations committed
	for _, name := range []string{"a", "b", "c"} {
		if err := db.InTx(ctx, func(c *Conn) error { return insertNamed(ctx, c, name) }); err != nil {
			t.Fatal(err)
		}
	}
	runs = waitRuns(runs)

	// With no commits, no checkpoints: wait until any nudge left from the commits
	// above has been served, then for a few more intervals.
	time.Sleep(2 * checkpointSlowest)
	runs = p.checkpoints.runs.Load()
	time.Sleep(4 * checkpointEvery)
	if r := p.checkpoints.runs.Load(); r != runs {
		t.Errorf("%d checkpoints of an idle database, want none", r-runs)
	}
}

// TestCheckpointPause checks the pace of the checkpointer: fewer frames than it
// waits for slow it down, more speed it up, always within its bounds.
func TestCheckpointPause(t *testing.T) {
	for _, c := range []struct {
		pause  time.Duration
		frames int
		want   time.Duration
	}{
		{checkpointEvery, 10, 2 * checkpointEvery},
		{checkpointEvery, checkpointFrames, checkpointEvery},
		{checkpointEvery, 10 * checkpointFrames, checkpointEvery},
		{8 * checkpointEvery, 10 * checkpointFrames, 4 * checkpointEvery},
		{checkpointSlowest, 0, checkpointSlowest},
	} {
		if got := nextPause(c.pause, c.frames); got != c.want {
			t.Errorf("nextPause(%s, %d) = %s, want %s", c.pause, c.frames, got, c.want)
		}
	}
}

// TestCheckpointNewFrames checks which of a WAL's frames count as new: those beyond
// the last checkpoint's, or all of them once the WAL started over.
func TestCheckpointNewFrames(t *testing.T) {
	for _, c := range []struct{ last, frames, want int }{
		{0, 300, 300},
		{300, 450, 150}, // readers kept the WAL from starting over
		{450, 40, 40},   // it started over
		{40, 40, 0},
	} {
		if got := newFrames(c.last, c.frames); got != c.want {
			t.Errorf("newFrames(%d, %d) = %d, want %d", c.last, c.frames, got, c.want)
		}
	}
}
