// Package readcache keeps values read from the database in memory for as long as a
// counter says they are current. Each value is filed under a key and the generation
// of its scope (a counter the database moves on in every transaction that changes
// what the scope covers) read before the value itself; a lookup at a later
// generation reads the value again. Concurrent lookups that miss share one read,
// callers get copies, and a cache holds a bounded number of entries and of rows.
//
// The package knows nothing of SQL: the caller reads the generation and passes a
// load function.
package readcache

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Options bound and shape a Cache.
type Options[V any] struct {
	// MaxEntries is the most values the cache holds; at least 1.
	MaxEntries int
	// MaxCost is the most total cost its values may have (see Cost); 0 means
	// MaxEntries, one per value.
	MaxCost int
	// Cost weighs a value, e.g. the rows of a page; nil weighs every value 1. A
	// value heavier than MaxCost is handed out but not kept.
	Cost func(V) int
	// Copy returns a copy of a value that its receiver may change without changing
	// the cache's; every value handed out goes through it. nil hands values out as
	// they are, for values that cannot be changed (strings, numbers, structs of them).
	Copy func(V) V
}

// Cache maps keys to values, each valid at the generation it was read at and every
// later one until a newer value replaces it. The zero value is not usable: see New.
type Cache[K comparable, V any] struct {
	opts Options[V]

	mu      sync.Mutex
	entries map[K]*list.Element // of *entry[K, V]
	order   list.List           // most recently used first
	cost    int
	flights map[K]*flight[V] // loads in progress

	loads     atomic.Int64
	refreshes atomic.Int64
}

type entry[K comparable, V any] struct {
	key   K
	gen   int64
	value V
	cost  int
}

// flight is one load in progress; done is closed when value and err are set.
type flight[V any] struct {
	gen   int64
	done  chan struct{}
	value V
	err   error
}

// New returns an empty cache bounded by opts.
func New[K comparable, V any](opts Options[V]) *Cache[K, V] {
	if opts.MaxEntries < 1 {
		panic("readcache: MaxEntries must be at least 1")
	}
	if opts.MaxCost <= 0 {
		opts.MaxCost = opts.MaxEntries
	}
	return &Cache[K, V]{opts: opts, entries: make(map[K]*list.Element), flights: make(map[K]*flight[V])}
}

// Get returns the value of key as of generation gen or later: the one held, the one
// a load already running for gen or later returns, or else load's, which it files.
// A value read at an older generation is not used. While one caller loads, others
// asking for the same key at the same generation wait for its value instead of
// loading it again. The load runs without ctx's cancellation, so one caller giving
// up does not fail the others waiting for it; a caller whose ctx ends stops waiting.
// Errors are handed to the callers waiting for the load and never kept.
func (c *Cache[K, V]) Get(ctx context.Context, key K, gen int64, load func(context.Context) (V, error)) (V, error) {
	return c.GetOrRefresh(ctx, key, gen, load, nil)
}

// Peek returns the value held for key whatever its generation, without reading
// anything or marking it used: a hint of what the next Get will find, such as
// which other generations it depends on, to read them together with its own.
func (c *Cache[K, V]) Peek(key K) (V, bool) {
	c.mu.Lock()
	el, ok := c.entries[key]
	var v V
	if ok {
		v = el.Value.(*entry[K, V]).value
	}
	c.mu.Unlock()
	if !ok {
		return v, false
	}
	return c.out(v), true
}

// Refresh brings old, a value the cache holds for an older generation, up to the
// generation a Get asks for, cheaper than loading it: it returns the new value and
// true, or false when it cannot tell (then the value is loaded). It must not change
// old, which other callers may still be handed; the new value may share old's
// parts, which nobody changes since callers get copies.
type Refresh[V any] func(ctx context.Context, old V) (V, bool, error)

// GetOrRefresh is Get, but a value held for an older generation is first given to
// refresh (when not nil), in place of load, under the same single flight; a
// refresh that fails or cannot tell falls back to load.
func (c *Cache[K, V]) GetOrRefresh(ctx context.Context, key K, gen int64, load func(context.Context) (V, error),
	refresh Refresh[V]) (V, error) {
	var (
		zero   V
		old    V
		hasOld bool
	)
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*entry[K, V])
		if e.gen >= gen {
			c.order.MoveToFront(el)
			v := e.value
			c.mu.Unlock()
			return c.out(v), nil
		}
		old, hasOld = e.value, refresh != nil
	}
	if f, ok := c.flights[key]; ok && f.gen >= gen {
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		if f.err != nil {
			return zero, f.err
		}
		return c.out(f.value), nil
	}
	f := &flight[V]{gen: gen, done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()

	get := load
	if hasOld {
		get = func(ctx context.Context) (V, error) {
			if v, ok, err := refresh(ctx, old); ok && err == nil {
				c.refreshes.Add(1)
				return v, nil
			}
			c.loads.Add(1)
			return load(ctx)
		}
	} else {
		c.loads.Add(1)
	}
	c.run(ctx, key, f, get)
	if f.err != nil {
		return zero, f.err
	}
	return c.out(f.value), nil
}

// run loads f's value and files it, unless a newer one was filed meanwhile.
func (c *Cache[K, V]) run(ctx context.Context, key K, f *flight[V], load func(context.Context) (V, error)) {
	defer func() {
		if p := recover(); p != nil {
			f.err = fmt.Errorf("readcache: load panicked: %v", p)
			c.land(key, f)
			panic(p)
		}
	}()
	f.value, f.err = load(context.WithoutCancel(ctx))
	c.land(key, f)
}

// land ends flight f: it wakes its waiters and files its value.
func (c *Cache[K, V]) land(key K, f *flight[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(f.done)
	if c.flights[key] == f {
		delete(c.flights, key)
	}
	if f.err != nil {
		return
	}
	cost := 1
	if c.opts.Cost != nil {
		cost = max(c.opts.Cost(f.value), 1)
	}
	el, ok := c.entries[key]
	if ok {
		if el.Value.(*entry[K, V]).gen > f.gen {
			return // a newer value was filed while this one loaded
		}
		c.remove(el)
	}
	if cost > c.opts.MaxCost {
		return
	}
	c.entries[key] = c.order.PushFront(&entry[K, V]{key: key, gen: f.gen, value: f.value, cost: cost})
	c.cost += cost
	for c.order.Len() > c.opts.MaxEntries || c.cost > c.opts.MaxCost {
		c.remove(c.order.Back())
	}
}

func (c *Cache[K, V]) remove(el *list.Element) {
	e := c.order.Remove(el).(*entry[K, V])
	delete(c.entries, e.key)
	c.cost -= e.cost
}

// out hands a value out: a copy when the cache was given a Copy.
func (c *Cache[K, V]) out(v V) V {
	if c.opts.Copy == nil {
		return v
	}
	return c.opts.Copy(v)
}

// Stats are a cache's figures since it was made.
type Stats struct {
	Entries int   // values held
	Cost    int   // their total cost
	Loads   int64 // loads run, each by one caller for all who waited on it
	// Refreshes are the values brought up to date by a Refresh instead of a load.
	Refreshes int64
}

// Stats returns c's figures.
func (c *Cache[K, V]) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{Entries: c.order.Len(), Cost: c.cost, Loads: c.loads.Load(), Refreshes: c.refreshes.Load()}
}
