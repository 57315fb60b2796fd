//go:build unix

package store

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// walIndex is a read-only mapping of the start of a database's wal-index.
type walIndex struct {
	mem []byte
}

// mapWALIndex maps the wal-index open as f, which SQLite keeps beside a database in
// WAL mode while a connection has it open. The mapping does not need f to stay
// open, but SQLite's locks do (see openSHM).
func mapWALIndex(f *os.File) (*walIndex, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < walMapSize {
		return nil, fmt.Errorf("wal-index %s: %d bytes", f.Name(), st.Size())
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, walMapSize, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map wal-index %s: %w", f.Name(), err)
	}
	return &walIndex{mem: mem}, nil
}

// header returns the wal-index header as of the call, or false when it cannot be
// read. SQLite writes a new header into the second copy, then into the first, so
// a first copy equal to the second one read after it is whole. A commit writes
// the two copies back to back, so a reading that finds them apart only has to try
// again; copies that stay apart (a header SQLite has yet to recover) send the
// caller to the PRAGMA.
func (w *walIndex) header() (h walHeader, ok bool) {
	ok = guarded(func() bool {
		h, ok = w.readHeader()
		return ok
	})
	return h, ok
}

func (w *walIndex) readHeader() (h walHeader, ok bool) {
	for range maxHeaderTries {
		var second walHeader
		for i := range h {
			h[i] = atomic.LoadUint32((*uint32)(unsafe.Pointer(&w.mem[4*i])))
		}
		for i := range second {
			second[i] = atomic.LoadUint32((*uint32)(unsafe.Pointer(&w.mem[walHeaderSize+4*i])))
		}
		if h == second {
			return h, true
		}
		runtime.Gosched()
	}
	return h, false
}

// backlog returns how many of the WAL's frames no checkpoint has copied yet, or
// false when the header cannot be read.
func (w *walIndex) backlog() (frames int, ok bool) {
	ok = guarded(func() bool {
		h, ok := w.readHeader()
		if ok {
			frames = backlogOf(h, atomic.LoadUint32((*uint32)(unsafe.Pointer(&w.mem[walBackfillOffset]))))
		}
		return ok
	})
	return frames, ok
}

// guarded returns read's answer, or false when read faulted: a mapped file that
// shrank faults on reading, and the fault is a panic here, not the end of the
// process, so the caller turns to the PRAGMA.
func guarded(read func() bool) (ok bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return read()
}

// maxHeaderTries bounds the readings of a header whose copies differ.
const maxHeaderTries = 1000

func (w *walIndex) unmap() { syscall.Munmap(w.mem) }
