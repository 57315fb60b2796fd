//go:build unix

package store

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWALIndexThatShrankReadsAsUnreadable checks that a mapped wal-index whose file
// shrank under the mapping answers false, where reading it faults.
func TestWALIndexThatShrankReadsAsUnreadable(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "x.db-shm"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(32 << 10); err != nil {
		t.Fatal(err)
	}
	w, err := mapWALIndex(f)
	if err != nil {
		t.Fatal(err)
	}
	defer w.unmap()
	if _, ok := w.header(); !ok {
		t.Fatal("the header of a whole file does not read")
	}
	if n, ok := w.backlog(); !ok || n != 0 {
		t.Fatalf("backlog of an empty wal-index = %d, %v; want 0, true", n, ok)
	}
	if err := f.Truncate(0); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.header(); ok {
		t.Error("the header of a file that shrank reads")
	}
	if _, ok := w.backlog(); ok {
		t.Error("the backlog of a file that shrank reads")
	}
}
