//go:build unix

package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/sqlitewal"
)

// TestSQLiteWriterGathersWALWrites checks that the write connection opens through
// internal/sqlitewal: each commit of many pages reaches the WAL in one gathered
// write, where SQLite's own VFS makes two per page.
func TestSQLiteWriterGathersWALWrites(t *testing.T) {
	db := openGroupTest(t)
	ctx := context.Background()
	before := sqlitewal.FileWrites()
	const commits = 5
	for i := range commits {
		err := db.InTx(ctx, func(c *Conn) error {
			for j := range 50 {
				if err := insertNamed(ctx, c, fmt.Sprintf("%d-%d-%s", i, j, strings.Repeat("n", 900))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if writes := sqlitewal.FileWrites() - before; writes < commits || writes > commits+1 {
		// One more when the WAL started over: its header is written and synced alone.
		t.Errorf("%d commits of about 25 pages each made %d gathered writes, want one each", commits, writes)
	}
}
