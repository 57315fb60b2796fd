//go:build !unix

package sqlitewal

// Name is empty where the VFS is not built: SQLite's own writes the WAL.
const Name = ""

// Register does nothing where the VFS is not built.
func Register() error { return nil }

// FileWrites is zero where the VFS is not built.
func FileWrites() int64 { return 0 }
