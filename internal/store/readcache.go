package store

import "sync"

// readCache keeps objects read on the read pool, all read at one version (of the
// data, or of the catalogue): an entry is used only while the database is still at
// that version, and a new version empties the cache. Entries are shared: a cache
// either hands out copies or says that its objects are read-only.
type readCache[K comparable, T any] struct {
	limit int // the most entries it holds; zero means maxCachedRows

	mu      sync.RWMutex
	version int64
	entries map[K]T
}

// maxCachedRows bounds a read cache without a limit of its own; when full, a cache
// starts again empty.
const maxCachedRows = 10_000

// get returns the entry for id if it was read at version.
func (c *readCache[K, T]) get(id K, version int64) (T, bool) {
	c.mu.RLock()
	v, ok := c.entries[id]
	ok = ok && c.version == version
	c.mu.RUnlock()
	return v, ok
}

// put files v, read from the database after version was read, under id.
func (c *readCache[K, T]) put(id K, version int64, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries != nil && version < c.version {
		return // read before a change that a later reader has already seen
	}
	limit := c.limit
	if limit == 0 {
		limit = maxCachedRows
	}
	if c.entries == nil || version != c.version || len(c.entries) >= limit {
		c.entries = make(map[K]T)
		c.version = version
	}
	c.entries[id] = v
}

// maxCachedPages bounds a cache of list pages, which hold up to a thousand ids each.
const maxCachedPages = 1_000

// idPage is one page of a list: its rows' ids, in order, and the number of all rows
// that match. The rows themselves live in a read cache of their own, so a row on
// many pages is held once.
type idPage struct {
	ids   []int64
	total int
}

// cachedByIDs returns the rows with the given ids in that order: those cache holds
// at version from there, the rest read with read and filed. Ids that match no row
// are left out. The caller reads the version before any row: a change committing in
// between files newer rows under the older version, which the next reader, seeing
// the newer one, no longer uses.
func cachedByIDs[T any](cache *readCache[int64, T], ids []int64, version int64, idOf func(T) int64,
	read func([]int64) ([]T, error)) ([]T, error) {
	out := make([]T, 0, len(ids))
	var missing []int64
	for _, id := range ids {
		if v, ok := cache.get(id, version); ok {
			out = append(out, v)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	got, err := read(missing)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]T, len(ids))
	for _, v := range got {
		cache.put(idOf(v), version, v)
		byID[idOf(v)] = v
	}
	for _, v := range out {
		byID[idOf(v)] = v
	}
	out = out[:0]
	for _, id := range ids {
		if v, ok := byID[id]; ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// dataCacheVersion returns the data version to look rows up by in the caches kept by
// data version, and whether to use them at all: only on SQLite (see dataVersion),
// and not in a transaction, which reads the rows it may be changing. Without a
// version there is no cache, and the tables answer.
func (c *Conn) dataCacheVersion() (int64, bool) {
	if c.tx != nil || c.db.version == nil {
		return 0, false
	}
	v, err := c.db.version.read()
	return v, err == nil
}
