package vendorkit

import (
	"context"
	"sync"
)

// Cascade sends every event with an X-Cascade-Event-Id that stays the same on every
// retry. A call that succeeded but whose answer was lost comes again with the same
// id; a Deduplicator remembers the answers given, so the handler replays the first
// answer instead of doing the work twice.

// Answer is an answer given to an event: its status and body.
type Answer struct {
	Status int
	Body   []byte
}

// Deduplicator remembers the successful answers given to events. A vendor with
// several processes implements it over shared storage (a table keyed by event id);
// MemoryDeduplicator serves one process. The handler passes as eventID the event id
// joined with the installation's ap_guid, as installations number their events
// alike.
type Deduplicator interface {
	// Lookup returns the answer recorded for eventID, if any.
	Lookup(ctx context.Context, eventID string) (Answer, bool, error)
	// Record keeps the answer given to eventID.
	Record(ctx context.Context, eventID string, a Answer) error
}

// MemoryDeduplicator is a Deduplicator in memory holding the latest Limit answers.
type MemoryDeduplicator struct {
	mu      sync.Mutex
	limit   int
	answers map[string]Answer
	order   []string // event ids, oldest first
}

// DefaultDedupLimit is how many answers a MemoryDeduplicator keeps by default: a
// retry schedule of hours at thousands of events an hour.
const DefaultDedupLimit = 100_000

// NewMemoryDeduplicator returns a MemoryDeduplicator keeping the latest limit
// answers (DefaultDedupLimit when limit < 1).
func NewMemoryDeduplicator(limit int) *MemoryDeduplicator {
	if limit < 1 {
		limit = DefaultDedupLimit
	}
	return &MemoryDeduplicator{limit: limit, answers: map[string]Answer{}}
}

// Lookup implements Deduplicator.
func (d *MemoryDeduplicator) Lookup(_ context.Context, eventID string) (Answer, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, ok := d.answers[eventID]
	return a, ok, nil
}

// Record implements Deduplicator.
func (d *MemoryDeduplicator) Record(_ context.Context, eventID string, a Answer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.answers[eventID]; !ok {
		d.order = append(d.order, eventID)
	}
	d.answers[eventID] = a
	for len(d.order) > d.limit {
		delete(d.answers, d.order[0])
		d.order = d.order[1:]
	}
	return nil
}

// keyedLocks serialises the handling of one event id, so a retry that arrives while
// the first delivery still runs waits for its answer instead of running beside it.
type keyedLocks struct {
	mu    sync.Mutex
	locks map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int
}

func (k *keyedLocks) lock(key string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyedLock{}
		k.locks[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
