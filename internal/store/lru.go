package store

import "container/list"

// lru maps keys to values and holds at most limit of them: adding one more drops
// the least recently used. It does no locking; its owner does.
type lru[K comparable, V any] struct {
	limit   int
	entries map[K]*list.Element // of *lruEntry[K, V]
	order   list.List           // most recently used first
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
}

func newLRU[K comparable, V any](limit int) *lru[K, V] {
	return &lru[K, V]{limit: limit, entries: make(map[K]*list.Element)}
}

// get returns the value under key and marks it the most recently used.
func (c *lru[K, V]) get(key K) (V, bool) {
	e, ok := c.entries[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry[K, V]).value, true
}

// add files value under key, which must not be there yet, as the most recently
// used, and returns the values dropped to stay within the limit.
func (c *lru[K, V]) add(key K, value V) (dropped []V) {
	c.entries[key] = c.order.PushFront(&lruEntry[K, V]{key: key, value: value})
	for c.order.Len() > c.limit {
		e := c.order.Remove(c.order.Back()).(*lruEntry[K, V])
		delete(c.entries, e.key)
		dropped = append(dropped, e.value)
	}
	return dropped
}

// keys returns every key c holds, most recently used first.
func (c *lru[K, V]) keys() []K {
	out := make([]K, 0, c.order.Len())
	for e := c.order.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*lruEntry[K, V]).key)
	}
	return out
}

// len returns how many values c holds.
func (c *lru[K, V]) len() int { return c.order.Len() }

// clear empties c and returns every value it held.
func (c *lru[K, V]) clear() []V {
	out := make([]V, 0, c.order.Len())
	for e := c.order.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*lruEntry[K, V]).value)
	}
	c.order.Init()
	clear(c.entries)
	return out
}
