package app

import (
	"io"
	"sync"
	"time"
)

// Log lines of the HTTP server are written in batches: one line per request, each
// its own write to a file or pipe, cost a system call per request, a measurable
// part of a small request's time. A batch is written at most logBatchDelay after its
// first line, at once when it reaches logBatchSize, and on Close; a process killed
// outright loses at most the last logBatchDelay of lines.
const (
	logBatchDelay = 50 * time.Millisecond
	logBatchSize  = 64 << 10
)

// logBatch is an io.Writer that gathers whole writes (slog writes a line at a time)
// and hands them to w together. Write never fails: an error of w is reported by
// Close, as a log has nowhere else to report its own failure.
type logBatch struct {
	w io.Writer

	mu      sync.Mutex
	buf     []byte
	pending bool // a flush is scheduled
	err     error
}

func newLogBatch(w io.Writer) *logBatch { return &logBatch{w: w} }

func (b *logBatch) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= logBatchSize:
		b.flushLocked()
	case !b.pending:
		b.pending = true
		time.AfterFunc(logBatchDelay, b.flush)
	}
	return len(p), nil
}

func (b *logBatch) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	b.flushLocked()
}

func (b *logBatch) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil && b.err == nil {
		b.err = err
	}
	// A burst may have grown the buffer far past the usual batch: let it go.
	if cap(b.buf) > 4*logBatchSize {
		b.buf = nil
		return
	}
	b.buf = b.buf[:0]
}

// Close writes what is gathered and reports the first error of the writer.
func (b *logBatch) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}
