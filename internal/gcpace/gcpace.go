// Package gcpace sets how far the Go heap grows between two collections. Go's
// default (GOGC=100) lets it grow by as much as is live: a server whose live heap
// is a few megabytes then collects every few milliseconds under load (about 70
// times a second serving cached pages), and the collector's marking, assists and
// write barriers took about 40% of the CPU of a cached page read. Keep lets the
// heap grow by at least a fixed headroom instead, and by as much as is live once
// that is more, so memory stays bounded by the larger of the two and the collector
// runs a fraction as often.
package gcpace

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultHeadroom is the growth allowed between two collections unless the operator
// sets another (CASCADE_GC_HEADROOM): small beside any server's memory, and
// enough that a live heap of a few megabytes is collected about a seventh as
// often. Twice as much would halve that again but, with SQLite's own memory
// beside it, take a server that has read 10,000 different lists past 150 MB.
const DefaultHeadroom = 32 << 20

// MaxHeadroom bounds what ParseSize accepts: more than this is a typing error.
const MaxHeadroom = 64 << 30

// basePercent is Go's own pace, which Keep never goes below.
const basePercent = 100

// minHeap is the heap Go's runtime never collects below at GOGC=100; it scales it
// with the percentage as it does the live heap.
const minHeap = 4 << 20

// Percent is the GOGC percentage that lets a heap of live bytes grow by headroom
// before the next collection, and never by less than Go's default (as much as is
// live). A live heap under the runtime's minimum (none before the first
// collection) counts as the minimum, which the runtime scales by the percentage
// too: so no heap grows past the headroom before it is collected.
func Percent(live, headroom uint64) int {
	live = max(live, minHeap)
	p := headroom * 100 / live
	if p < basePercent {
		return basePercent
	}
	return int(min(p, 1<<20))
}

// Keep paces the collector at Percent of the live heap until ctx ends, and then
// gives it back the percentage it had. Do not run it when GOGC is set: the
// operator chose the pace then. The pace is the process's, so one Keep runs at a
// time; a call while another runs returns at once.
//
// The percentage is set again after every collection, from the heap that
// collection found live, so the next one comes when the heap has grown by the
// headroom over what is live now. A percentage set from an older reading would
// not: a cache filling between two readings would multiply a larger live heap by
// a percentage meant for a small one.
func Keep(ctx context.Context, headroom uint64) {
	if !keeping.CompareAndSwap(false, true) {
		return
	}
	defer keeping.Store(false)
	k := &keeper{headroom: headroom, set: basePercent}
	k.mu.Lock()
	k.prev = debug.SetGCPercent(basePercent)
	k.pace()
	k.mu.Unlock()
	<-ctx.Done()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.stopped = true
	debug.SetGCPercent(k.prev)
}

// keeping is set while a Keep runs.
var keeping atomic.Bool

// keeper is the state of one Keep.
type keeper struct {
	headroom uint64
	mu       sync.Mutex
	set      int  // the percentage set last
	prev     int  // the percentage before Keep, given back at the end
	stopped  bool // Keep has ended: no more settings, no more sentinels
}

// sentinel is an object nothing references, made to learn when a collection has
// run: its cleanup runs after the collection that found it unreachable. The
// pointer keeps it out of the allocator's tiny blocks, which it would share with
// other objects that may live on.
type sentinel struct{ _ *byte }

// pace sets the percentage from the live heap of the last collection and leaves a
// sentinel for the next one. k.mu is held.
func (k *keeper) pace() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := uint64(0)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = sample[0].Value.Uint64()
	}
	// A change of under an eighth is left alone: each setting makes the runtime
	// work out its pacing again.
	if p := Percent(live, k.headroom); p > k.set+k.set/8 || p < k.set-k.set/8 {
		debug.SetGCPercent(p)
		k.set = p
	}
	runtime.AddCleanup(new(sentinel), func(k *keeper) {
		k.mu.Lock()
		defer k.mu.Unlock()
		if !k.stopped {
			k.pace()
		}
	}, k)
}

// ParseSize reads a headroom as CASCADE_GC_HEADROOM gives it: a whole number of
// bytes, or of KiB, MiB or GiB with that suffix ("64MiB"); "0" turns Keep off.
func ParseSize(s string) (uint64, error) {
	num, unit := strings.TrimSpace(s), uint64(1)
	for suffix, u := range map[string]uint64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if n, ok := strings.CutSuffix(num, suffix); ok {
			num, unit = strings.TrimSpace(n), u
			break
		}
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: want a size such as 64MiB, or 0", s)
	}
	if n > MaxHeadroom/unit {
		return 0, fmt.Errorf("%q: want at most 64GiB", s)
	}
	return n * unit, nil
}
