package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"sync"
	"sync/atomic"
)

// dataVersion tells whether a SQLite database changed: the value it reads changes
// whenever any connection commits, in this process (the write pool) or in another
// one (the command line, a second server), so an equal value proves that nothing
// changed in between.
//
// It reads the header of SQLite's wal-index, the -shm file beside the database,
// which every commit rewrites (walIndex), from a mapping of the file: a read of
// memory, where PRAGMA data_version on a connection of its own cost a read
// transaction, its shared-memory locks taken and released by system calls, and a
// tenth of the CPU of cached page reads at 64 connections. Where the file cannot
// be mapped, or its mapping fails, the PRAGMA answers instead: the value is per
// connection, so one goroutine owns the connection and runs the checks, and callers
// that arrive while a check runs share the next one, which starts after they
// arrived and so sees every commit that came before them.
//
// Either way what the caller gets is a count of the changes seen, which moves
// whenever what was read differs from what was read last, so both sources, and a
// switch from one to the other, keep the meaning of equal values.
type dataVersion struct {
	shm     atomic.Pointer[walIndex] // nil when the PRAGMA answers
	mapping *walIndex                // what close unmaps, also after the PRAGMA took over
	shmFile *os.File                 // the -shm file, open until close (see openSHM)

	db      *sql.DB
	stmt    *sql.Stmt
	kick    chan struct{} // a caller waits for a check
	quit    chan struct{} // close asks the loop to stop
	stopped chan struct{} // the loop has stopped

	mu      sync.Mutex
	next    *versionCheck // the check the next callers wait for, not started yet
	closed  bool
	last    walHeader // what the last reading found
	changes int64     // how many times a reading differed from the one before
}

// versionCheck is one reading of PRAGMA data_version; done is closed when it is read.
type versionCheck struct {
	done    chan struct{}
	version int64
	err     error
}

var errVersionClosed = errors.New("store: database closed")

// openDataVersion opens the connection that reads PRAGMA data_version of the
// database at dsn, and maps its wal-index at shmPath when it can.
func openDataVersion(ctx context.Context, dsn, shmPath string) (*dataVersion, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	stmt, err := db.PrepareContext(ctx, "PRAGMA data_version")
	if err != nil {
		db.Close()
		return nil, err
	}
	v := &dataVersion{db: db, stmt: stmt, kick: make(chan struct{}, 1), quit: make(chan struct{}),
		stopped: make(chan struct{}), next: &versionCheck{done: make(chan struct{})}}
	// The connection stays open, so SQLite keeps the -shm file, which the first
	// reading has made sure exists, at its size for as long as the mapping lives.
	var first int64
	if err := stmt.QueryRowContext(ctx).Scan(&first); err != nil {
		stmt.Close()
		db.Close()
		return nil, err
	}
	if v.shmFile = openSHM(shmPath); v.shmFile != nil {
		if w, err := mapWALIndex(v.shmFile); err == nil {
			v.shm.Store(w)
			v.mapping = w
		}
	}
	go v.loop()
	return v, nil
}

// read returns the data version as of a moment after the call began.
func (v *dataVersion) read() (int64, error) {
	if w := v.shm.Load(); w != nil {
		if h, ok := w.header(); ok {
			return v.saw(h), nil
		}
		v.shm.CompareAndSwap(w, nil) // the PRAGMA answers from now on
	}
	n, err := v.readPragma()
	if err != nil {
		return 0, err
	}
	return v.saw(pragmaHeader(n)), nil
}

// walBacklog returns how many WAL frames wait for a checkpoint, or false when the
// wal-index is not mapped.
func (v *dataVersion) walBacklog() (int, bool) {
	if w := v.shm.Load(); w != nil {
		return w.backlog()
	}
	return 0, false
}

// saw records a reading and returns the count of changes as of it.
func (v *dataVersion) saw(h walHeader) int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	if h != v.last {
		v.last = h
		v.changes++
	}
	return v.changes
}

// readPragma returns PRAGMA data_version as of a moment after the call began.
func (v *dataVersion) readPragma() (int64, error) {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return 0, errVersionClosed
	}
	c := v.next
	v.mu.Unlock()
	select {
	case v.kick <- struct{}{}:
	default: // a check is already asked for; it starts after c was taken
	}
	<-c.done
	return c.version, c.err
}

// loop runs the PRAGMA's checks, one at a time, until close.
func (v *dataVersion) loop() {
	defer close(v.stopped)
	for {
		select {
		case <-v.quit:
			v.mu.Lock()
			v.closed = true
			c := v.next
			v.mu.Unlock()
			c.err = errVersionClosed
			close(c.done)
			return
		case <-v.kick:
		}
		v.mu.Lock()
		c := v.next
		v.next = &versionCheck{done: make(chan struct{})}
		v.mu.Unlock()
		c.err = v.stmt.QueryRow().Scan(&c.version)
		close(c.done)
	}
}

// openSHM opens the -shm file at path to map it, or returns nil.
//
// The file stays open until close, after the DB's SQLite connections are closed.
// SQLite's locks on it are POSIX record locks, which belong to the process, and
// closing any descriptor of the file ends all of them. Among them is the shared
// lock by which the connections tell another process opening the database that
// the wal-index is in use; without it, that process takes the file for abandoned
// and starts it afresh under the connections still using it, whose reads and
// commits then fail with "disk I/O error" (as they did while `cascade jobs list`
// ran beside a serving process, when the file was closed as soon as it was
// mapped). SQLite's "How To Corrupt An SQLite Database File" describes it, among
// the ways to corrupt a database.
func openSHM(path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	return f
}

// close stops the readings. The -shm file is closed last, once the DB's other
// pools and this connection are (see openSHM).
func (v *dataVersion) close() error {
	v.shm.Store(nil)
	close(v.quit)
	<-v.stopped
	v.stmt.Close()
	err := v.db.Close()
	if v.mapping != nil {
		v.mapping.unmap()
	}
	if v.shmFile != nil {
		v.shmFile.Close()
	}
	return err
}
