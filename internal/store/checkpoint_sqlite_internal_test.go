package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSQLiteCheckpointsWhenFramesWait checks when the pool's checkpointer
// checkpoints the WAL: SQLite's own checkpoint is at sqliteAutoCheckpoint on the
// write connection, commits that leave fewer than checkpointFrames frames waiting
// get no checkpoint of the goroutine, a commit that leaves more gets one, which
// copies them, and an idle database gets none.
func TestSQLiteCheckpointsWhenFramesWait(t *testing.T) {
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
	backlog := func() int {
		t.Helper()
		n, ok := db.version.walBacklog()
		if !ok {
			t.Fatal("the wal-index is not mapped")
		}
		return n
	}

	runs := p.checkpoints.runs.Load()
	for _, name := range []string{"a", "b", "c"} {
		if err := db.InTx(ctx, func(c *Conn) error { return insertNamed(ctx, c, name) }); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(4 * checkpointEvery)
	if r := p.checkpoints.runs.Load(); r != runs {
		t.Errorf("%d checkpoints with %d frames waiting, want none below %d", r-runs, backlog(), checkpointFrames)
	}

	// Values of 16 KiB take four pages each (overflow pages): a transaction of
	// checkpointFrames/3 of them leaves more than checkpointFrames frames, and fewer
	// than SQLite's own bound.
	err = db.InTx(ctx, func(c *Conn) error {
		if err := c.tx.script(ctx, `CREATE TABLE wide (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
			return err
		}
		wide := strings.Repeat("x", 16<<10)
		for i := range checkpointFrames / 3 {
			if _, err := c.exec(ctx, "INSERT INTO wide (id, v) VALUES ($1, $2)", i, wide); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); p.checkpoints.runs.Load() == runs; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint with %d frames waiting", backlog())
		}
	}
	if n := backlog(); n >= checkpointFrames {
		t.Errorf("%d frames wait after the checkpoint", n)
	}

	// With no commits, no checkpoints.
	time.Sleep(2 * checkpointEvery)
	runs = p.checkpoints.runs.Load()
	time.Sleep(4 * checkpointEvery)
	if r := p.checkpoints.runs.Load(); r != runs {
		t.Errorf("%d checkpoints of an idle database, want none", r-runs)
	}
}

// TestCheckpointPause checks the pace of the checkpointer where the frames that
// wait are not counted: fewer frames than it
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

// TestBacklogOf checks the count of frames waiting for a checkpoint read from a
// wal-index: the last frame less the copied ones, and none while a WAL that
// started over shows fewer frames than the count of copied ones.
func TestBacklogOf(t *testing.T) {
	for _, c := range []struct {
		last, copied uint32
		want         int
	}{
		{0, 0, 0},
		{4500, 0, 4500},
		{4500, 4000, 500},
		{4500, 4500, 0},
		{30, 4500, 0}, // started over; the copied count is reset after the header
	} {
		var h walHeader
		h[walMaxFrame] = c.last
		if got := backlogOf(h, c.copied); got != c.want {
			t.Errorf("backlogOf(last frame %d, %d copied) = %d, want %d", c.last, c.copied, got, c.want)
		}
	}
}
