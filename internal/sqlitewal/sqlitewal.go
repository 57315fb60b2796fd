//go:build unix

// Package sqlitewal registers a SQLite VFS that writes a transaction's
// write-ahead-log frames to the file together: one system call per 124 KiB of
// frames, where SQLite's unix VFS makes two per frame.
//
// SQLite's WAL writer hands every frame to its VFS as two writes, the 24-byte
// frame header and the page, and the unix VFS makes each a pwrite. A sale that
// changes 70 pages is 140 system calls in the one writer's turn, which on the
// machines Cascade was measured on was a fifth of the sale's CPU. This VFS is the
// unix one with the WAL file's writes gathered: contiguous writes collect in a
// buffer, and the buffer goes to the file in one write when the transaction's
// commit frame is complete, before SQLite publishes the commit in the wal-index.
// The write of the commit frame answers that write's error, so a commit that cannot
// reach the file fails as it would have without the buffer.
//
// Any other use of the file (a read, a sync, a truncate, its size, a file
// control, its close) and any write that does not follow the buffer's end send
// the buffer first, so the file is, to every caller but the write itself, as if
// nothing were gathered. A write over frames the file holds already goes through at
// once: when a transaction wrote a page twice, SQLite rewrites the checksums of
// its frames after the commit frame, ending with the commit frame's own header, and
// publishes the commit right after that write. Frames still in the buffer belong to a transaction that
// has not committed: SQLite ignores frames past the last commit it published, so
// losing them with the process loses nothing.
package sqlitewal

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Name is the VFS's name, for a connection string's vfs parameter.
const Name = "cascade-wal"

// frameHeaderSize is the size of a WAL frame's header; bytes 4 to 8 of it hold
// the database's size in pages after a commit, and zero in any other frame.
const frameHeaderSize = 24

// maxGather bounds a buffer: a transaction larger than this writes in steps of it.
const maxGather = 4 << 20

// maxWrite is the most the unix VFS writes in one call: it keeps only the low 17
// bits of a write's length.
const maxWrite = 124 << 10

var (
	registerOnce sync.Once
	registerErr  error

	// unixVFS and unixOpen are the unix VFS this one wraps, and its open.
	unixVFS  uintptr
	unixOpen uintptr

	// wrapped maps a file's original methods to the gathering copy of them.
	wrappedMu sync.Mutex
	wrapped   = map[uintptr]*walMethods{}

	// files holds the buffer of every open WAL file, by its sqlite3_file.
	files sync.Map

	// calls counts the writes that reached the file, for tests.
	calls atomic.Int64
)

// walMethods is a gathering copy of a file's methods, and the originals it calls.
type walMethods struct {
	table uintptr // C memory holding the copy, installed in the file
	orig  sqlite3.Tsqlite3_io_methods
}

// walFile is the buffer of one open WAL file.
type walFile struct {
	methods  *walMethods
	buf      uintptr // C memory
	capacity int
	size     int
	start    int64 // the file offset of buf's first byte
	// sent is the end of what this handle has written to the file since the WAL
	// last started over: a write below it changes frames the file holds.
	sent int64
	// commitNext says the last write was a commit frame's header, so the page that
	// follows completes the commit.
	commitNext bool
}

// Register makes the VFS available under Name. It is safe to call more than once.
func Register() error {
	registerOnce.Do(func() { registerErr = register() })
	return registerErr
}

// FileWrites is how many times this VFS has sent gathered writes to a WAL file in
// this process (each is one system call per maxWrite bytes).
func FileWrites() int64 { return calls.Load() }

func register() error {
	tls := libc.NewTLS()
	defer tls.Close()
	unixVFS = sqlite3.Xsqlite3_vfs_find(tls, 0)
	if unixVFS == 0 {
		return fmt.Errorf("sqlitewal: SQLite has no default VFS")
	}
	base := (*sqlite3.Tsqlite3_vfs)(cptr(unixVFS))
	unixOpen = base.FxOpen
	name, err := libc.CString(Name)
	if err != nil {
		return err
	}
	vfs := libc.Xcalloc(tls, 1, sqlite3.Tsize_t(unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})))
	if vfs == 0 {
		return fmt.Errorf("sqlitewal: out of memory")
	}
	own := (*sqlite3.Tsqlite3_vfs)(cptr(vfs))
	*own = *base
	own.FpNext = 0
	own.FzName = name
	own.FxOpen = cfunc(xOpen)
	if rc := sqlite3.Xsqlite3_vfs_register(tls, vfs, 0); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlitewal: register: SQLite error %d", rc)
	}
	return nil
}

// cptr is the address of SQLite's memory as a pointer. That memory is C's heap,
// which Go's collector neither moves nor frees, so holding it as a uintptr is safe.
func cptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// cfn is the function of type F that SQLite's translated C knows as fp.
func cfn[F any](fp uintptr) F { return *(*F)(unsafe.Pointer(&fp)) }

// cfunc is the function pointer SQLite's translated C calls for f.
func cfunc(f any) uintptr { return (*[2]uintptr)(unsafe.Pointer(&f))[1] }

func xOpen(tls *libc.TLS, _ uintptr, name uintptr, file uintptr, flags int32, outFlags uintptr) int32 {
	rc := cfn[func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32](unixOpen)(tls, unixVFS, name, file, flags, outFlags)
	if rc != sqlite3.SQLITE_OK || flags&sqlite3.SQLITE_OPEN_WAL == 0 {
		return rc
	}
	file0 := (*sqlite3.Tsqlite3_file)(cptr(file))
	if file0.FpMethods == 0 {
		return rc
	}
	m := methodsFor(tls, file0.FpMethods)
	if m == nil {
		return rc // out of memory for the copy: the file keeps the unix writes
	}
	files.Store(file, &walFile{methods: m})
	file0.FpMethods = m.table
	return rc
}

// methodsFor is the gathering copy of orig, made on first use.
func methodsFor(tls *libc.TLS, orig uintptr) *walMethods {
	wrappedMu.Lock()
	defer wrappedMu.Unlock()
	if m, ok := wrapped[orig]; ok {
		return m
	}
	table := libc.Xcalloc(tls, 1, sqlite3.Tsize_t(unsafe.Sizeof(sqlite3.Tsqlite3_io_methods{})))
	if table == 0 {
		return nil
	}
	m := &walMethods{table: table, orig: *(*sqlite3.Tsqlite3_io_methods)(cptr(orig))}
	own := (*sqlite3.Tsqlite3_io_methods)(cptr(table))
	*own = m.orig
	own.FxClose = cfunc(xClose)
	own.FxRead = cfunc(xRead)
	own.FxWrite = cfunc(xWrite)
	own.FxTruncate = cfunc(xTruncate)
	own.FxSync = cfunc(xSync)
	own.FxFileSize = cfunc(xFileSize)
	own.FxFileControl = cfunc(xFileControl)
	wrapped[orig] = m
	return m
}

func fileOf(file uintptr) *walFile {
	f, _ := files.Load(file)
	return f.(*walFile)
}

func xWrite(tls *libc.TLS, file, data uintptr, amount int32, offset int64) int32 {
	f := fileOf(file)
	src := unsafe.Slice((*byte)(cptr(data)), amount)
	completesCommit := f.commitNext
	f.commitNext = false
	if f.size > 0 && (offset != f.start+int64(f.size) || f.size+int(amount) > maxGather) {
		if rc := f.flush(tls, file); rc != sqlite3.SQLITE_OK {
			return rc
		}
	}
	if offset == 0 {
		f.sent = 0 // the WAL starts over, and SQLite writes its header first
	}
	// A write over what the file holds already goes through at once: a page written
	// again in the transaction that wrote it, or a header whose checksum SQLite
	// recomputed. The last such header is the commit frame's, and nothing follows it
	// before SQLite publishes the commit.
	if offset < f.sent || int(amount) > maxGather || !f.grow(tls, f.size+int(amount)) {
		if rc := f.flush(tls, file); rc != sqlite3.SQLITE_OK {
			return rc
		}
		return f.write(tls, file, data, amount, offset)
	}
	if f.size == 0 {
		f.start = offset
	}
	copy(unsafe.Slice((*byte)(cptr(f.buf+uintptr(f.size))), amount), src)
	f.size += int(amount)
	if completesCommit {
		return f.flush(tls, file)
	}
	f.commitNext = amount == frameHeaderSize && binary.BigEndian.Uint32(src[4:8]) != 0
	return sqlite3.SQLITE_OK
}

// grow makes room for n bytes in the buffer, reporting false when memory is short.
func (f *walFile) grow(tls *libc.TLS, n int) bool {
	if n <= f.capacity {
		return true
	}
	capacity := max(64<<10, f.capacity)
	for capacity < n {
		capacity *= 2
	}
	buf := libc.Xrealloc(tls, f.buf, sqlite3.Tsize_t(capacity))
	if buf == 0 {
		return false
	}
	f.buf, f.capacity = buf, capacity
	return true
}

// flush writes the buffer to the file. A failed write drops the buffer: its frames
// are past the last commit SQLite published, and SQLite writes them again.
func (f *walFile) flush(tls *libc.TLS, file uintptr) int32 {
	if f.size == 0 {
		return sqlite3.SQLITE_OK
	}
	calls.Add(1)
	rc := f.write(tls, file, f.buf, int32(f.size), f.start)
	f.size = 0
	return rc
}

func (f *walFile) write(tls *libc.TLS, file, data uintptr, amount int32, offset int64) int32 {
	unixWrite := cfn[func(*libc.TLS, uintptr, uintptr, int32, int64) int32](f.methods.orig.FxWrite)
	for amount > 0 {
		n := min(amount, maxWrite)
		if rc := unixWrite(tls, file, data, n, offset); rc != sqlite3.SQLITE_OK {
			return rc
		}
		data, amount, offset = data+uintptr(n), amount-n, offset+int64(n)
		f.sent = max(f.sent, offset)
	}
	return sqlite3.SQLITE_OK
}

func xClose(tls *libc.TLS, file uintptr) int32 {
	f := fileOf(file)
	flushed := f.flush(tls, file)
	files.Delete(file)
	libc.Xfree(tls, f.buf)
	rc := cfn[func(*libc.TLS, uintptr) int32](f.methods.orig.FxClose)(tls, file)
	if rc == sqlite3.SQLITE_OK {
		return flushed
	}
	return rc
}

func xRead(tls *libc.TLS, file, data uintptr, amount int32, offset int64) int32 {
	f, rc := flushed(tls, file)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return cfn[func(*libc.TLS, uintptr, uintptr, int32, int64) int32](f.methods.orig.FxRead)(tls, file, data, amount, offset)
}

func xTruncate(tls *libc.TLS, file uintptr, size int64) int32 {
	f, rc := flushed(tls, file)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	f.sent = min(f.sent, size)
	return cfn[func(*libc.TLS, uintptr, int64) int32](f.methods.orig.FxTruncate)(tls, file, size)
}

func xSync(tls *libc.TLS, file uintptr, flags int32) int32 {
	f, rc := flushed(tls, file)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return cfn[func(*libc.TLS, uintptr, int32) int32](f.methods.orig.FxSync)(tls, file, flags)
}

func xFileSize(tls *libc.TLS, file, size uintptr) int32 {
	f, rc := flushed(tls, file)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return cfn[func(*libc.TLS, uintptr, uintptr) int32](f.methods.orig.FxFileSize)(tls, file, size)
}

func xFileControl(tls *libc.TLS, file uintptr, op int32, arg uintptr) int32 {
	f, rc := flushed(tls, file)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return cfn[func(*libc.TLS, uintptr, int32, uintptr) int32](f.methods.orig.FxFileControl)(tls, file, op, arg)
}

// flushed is the buffer of file, sent to the file first.
func flushed(tls *libc.TLS, file uintptr) (*walFile, int32) {
	f := fileOf(file)
	return f, f.flush(tls, file)
}
