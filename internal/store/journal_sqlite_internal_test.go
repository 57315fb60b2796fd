package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSQLiteWriterJournalsInMemory checks that the writer keeps its savepoint and
// statement journals in memory (temp_store 2), which spares a grouped transaction a
// temporary file, and that readers keep the default (0), so their sorts may spill.
func TestSQLiteWriterJournalsInMemory(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var writer, reader int
	err = db.InTx(ctx, func(c *Conn) error {
		return c.row(ctx, "PRAGMA temp_store", nil, &writer)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Reader().row(ctx, "PRAGMA temp_store", nil, &reader); err != nil {
		t.Fatal(err)
	}
	if writer != 2 || reader != 0 {
		t.Errorf("temp_store: writer %d, reader %d; want 2 and 0", writer, reader)
	}
}
