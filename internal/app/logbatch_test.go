package app

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the batch's timer goroutine and the test.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String(), l.writes
}

func TestLogBatchWritesLinesTogetherAndSoon(t *testing.T) {
	out := &lockedBuffer{}
	b := newLogBatch(out)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Fprintf(b, "line %03d\n", i)
		}()
	}
	wg.Wait()
	if got, _ := out.String(); got != "" {
		t.Fatalf("lines written before the batch's delay: %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, writes := out.String()
		if strings.Count(got, "\n") == 100 {
			if writes > 2 {
				t.Errorf("100 short lines took %d writes", writes)
			}
			for i := range 100 {
				if !strings.Contains(got, fmt.Sprintf("line %03d\n", i)) {
					t.Errorf("line %d missing or torn", i)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5s the batch wrote %d lines", strings.Count(got, "\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLogBatchFlushesWhenFullAndOnClose(t *testing.T) {
	out := &lockedBuffer{}
	b := newLogBatch(out)
	line := strings.Repeat("x", 1023) + "\n"
	for range logBatchSize / len(line) {
		b.Write([]byte(line))
	}
	if got, _ := out.String(); len(got) != logBatchSize {
		t.Errorf("a full batch wrote %d bytes at once, want %d", len(got), logBatchSize)
	}
	b.Write([]byte("last\n"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := out.String(); !strings.HasSuffix(got, "last\n") {
		t.Error("Close did not write the gathered line")
	}
}

type failingWriter struct{}

func (failingWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }

func TestLogBatchReportsTheWritersErrorOnClose(t *testing.T) {
	b := newLogBatch(failingWriter{})
	if n, err := b.Write([]byte("a line\n")); n != 7 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if err := b.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v, want the writer's error", err)
	}
}
