package store

import (
	"database/sql"
	"sync"
)

// MaxPreparedStatements bounds the read statements a DB keeps prepared. Each
// distinct SQL text (a list's filters and order make one) is a statement, holding
// memory in the process and, on PostgreSQL, on every connection that ran it. The
// queries Cascade runs over and over number a few dozen, so they stay; a client that
// asks for ever new list shapes only churns the least recently used.
const MaxPreparedStatements = 256

// stmtCache keeps statements prepared on the read pool by SQL text, at most limit
// of them, and closes the least recently used when it needs room. A caller holds a
// statement from acquire until its query has returned (release): a statement
// evicted meanwhile is closed by its last holder, so nobody runs a closed one. The
// hold need not last while the rows are read: database/sql keeps a closed
// statement usable for the Rows it has already returned.
type stmtCache struct {
	mu      sync.Mutex
	entries *lru[string, *cachedStmt]
}

// cachedStmt is a statement of a stmtCache.
type cachedStmt struct {
	stmt    *sql.Stmt
	holders int  // callers between acquire (or add) and release
	evicted bool // no longer in the cache: the last holder closes it
}

func newStmtCache(limit int) *stmtCache {
	return &stmtCache{entries: newLRU[string, *cachedStmt](limit)}
}

// acquire returns the statement of query, held, or nil when there is none.
func (c *stmtCache) acquire(query string) *cachedStmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.entries.get(query)
	if !ok {
		return nil
	}
	s.holders++
	return s
}

// add files stmt, just prepared, under query and returns it held. If another caller
// filed one first, that one is returned and stmt is closed.
func (c *stmtCache) add(query string, stmt *sql.Stmt) *cachedStmt {
	c.mu.Lock()
	if s, ok := c.entries.get(query); ok {
		s.holders++
		c.mu.Unlock()
		stmt.Close()
		return s
	}
	s := &cachedStmt{stmt: stmt, holders: 1}
	var unheld []*cachedStmt
	for _, old := range c.entries.add(query, s) {
		old.evicted = true
		if old.holders == 0 {
			unheld = append(unheld, old)
		}
	}
	c.mu.Unlock()
	// Closing may talk to the database (PostgreSQL deallocates), so not under the lock.
	for _, old := range unheld {
		old.stmt.Close()
	}
	return s
}

// release ends a hold taken by acquire or add; the last holder of an evicted
// statement closes it.
func (c *stmtCache) release(s *cachedStmt) {
	c.mu.Lock()
	s.holders--
	last := s.evicted && s.holders == 0
	c.mu.Unlock()
	if last {
		s.stmt.Close()
	}
}

// texts returns the SQL texts of the statements the cache keeps.
func (c *stmtCache) texts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries.keys()
}

// close closes every statement; the DB is closing and nobody queries any more.
func (c *stmtCache) close() {
	c.mu.Lock()
	all := c.entries.clear()
	c.mu.Unlock()
	for _, s := range all {
		s.stmt.Close()
	}
}
