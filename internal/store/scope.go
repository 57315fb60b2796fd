package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
)

// A Scope names what in-memory read caches depend on: a set of rows that the
// transactions changing them say they change. Its generation, a counter in table
// cache_scopes, moves on in the same transaction as every such change, so a value
// read after a generation was read is current while that generation stays, in this
// process and in every other one sharing the database.
type Scope string

// The scopes that are not per reseller.
const (
	// ScopeCatalog covers every catalogue row (see LockCatalogs).
	ScopeCatalog Scope = "catalog"
	// ScopeReference covers account types and classes. Cascade itself never writes
	// them; a migration or an operator who changes those tables moves it too.
	ScopeReference Scope = "reference"
)

// ResellerScope covers reseller id as its API object shows it: its row and its
// upstream manager.
func ResellerScope(id int64) Scope { return Scope("reseller:" + strconv.FormatInt(id, 10)) }

// AccountsScope covers the accounts of reseller id, their users and the links
// between them.
func AccountsScope(resellerID int64) Scope {
	return Scope("accounts:" + strconv.FormatInt(resellerID, 10))
}

// scopeShards is how many rows a scope's generation is spread over on PostgreSQL: a
// writer moves one, chosen at random, and holds its lock until it commits, so
// concurrent writers of one reseller's accounts queue only when they pick the same
// row. A reader sums them. SQLite has one writer at a time and uses one row.
const scopeShards = 16

// touch records that the transaction changes what the scopes cover. InTx moves
// their generations on just before it commits, each once however often touched:
// late, so the row is held for as short a time as possible.
func (c *Conn) touch(scopes ...Scope) {
	if c.touched == nil {
		c.touched = make(map[Scope]bool, len(scopes))
	}
	for _, s := range scopes {
		c.touched[s] = true
	}
}

// scopeMoves returns the writes that move on the generation of every scope the
// transaction touched, in the order of their names, so two transactions never wait
// for each other's rows in opposite orders; the commit sends them (see pending).
func (c *Conn) scopeMoves() []statement {
	if len(c.touched) == 0 || c.db.noScopes {
		return nil
	}
	scopes := make([]Scope, 0, len(c.touched))
	for s := range c.touched {
		scopes = append(scopes, s)
	}
	slices.Sort(scopes)
	out := make([]statement, len(scopes))
	for i, s := range scopes {
		shard := 0
		if c.db.engine != SQLite {
			shard = rand.IntN(scopeShards)
		}
		out[i] = statement{query: `INSERT INTO cache_scopes (scope, shard, generation) VALUES ($1, $2, 1)
			ON CONFLICT (scope, shard) DO UPDATE SET generation = cache_scopes.generation + 1`,
			args: []any{string(s), shard}}
	}
	return out
}

// Generation returns the generation of scope as of a moment after the call began,
// and false when the scope has none yet: a value read from it must then not be
// cached. A value read after this call is at least as new as the generation.
//
// On SQLite the answer comes from memory while PRAGMA data_version (see dataVersion)
// is what it was when the generation was last read: no commit in between, by any
// connection, means no generation moved. In a write transaction that holds too, and
// for as long as the transaction lasts, since it holds the database's write lock. On
// PostgreSQL it is one read of the scope's rows, by primary key, in the transaction
// when there is one.
//
// A transaction that touched scope gets false: it changes what the scope covers, and
// a cache holds only committed values. So does a transaction committing in a group
// with an earlier one that touched scope (see pool_sqlite_group.go).
func (c *Conn) Generation(ctx context.Context, scope Scope) (int64, bool, error) {
	if c.touched[scope] {
		return 0, false, nil
	}
	if m, ok := c.tx.(groupMember); ok && m.touchedBefore(scope) {
		return 0, false, nil
	}
	ctx = c.lookupCtx(ctx)
	var dv int64
	if v := c.db.version; v != nil {
		var err error
		if dv, err = v.read(); err != nil {
			return 0, false, err
		}
		if g, ok := c.db.gens.get(scope, dv); ok {
			return g.gen, g.ok, nil
		}
	}
	var (
		rows int
		gen  int64
	)
	err := c.row(ctx, `SELECT COUNT(*), COALESCE(CAST(SUM(generation) AS BIGINT), 0) FROM cache_scopes WHERE scope = $1`,
		[]any{string(scope)}, &rows, &gen)
	if err != nil {
		return 0, false, fmt.Errorf("read generation of %s: %w", scope, err)
	}
	if c.db.version != nil {
		c.db.gens.put(scope, dv, scopeGen{gen: gen, ok: rows > 0})
	}
	return gen, rows > 0, nil
}

// scopeGen is a scope's generation and whether it has one.
type scopeGen struct {
	gen int64
	ok  bool
}

// maxScopeGens bounds how many scopes' generations a DB remembers for the
// data_version check: beyond that the least recently used is read again.
const maxScopeGens = 10_000

// scopeGens remembers, on SQLite, each scope's generation with the data version it
// was read under, that is, read before it.
type scopeGens struct {
	mu      sync.Mutex
	entries *lru[Scope, *versionedGen]
}

type versionedGen struct {
	version int64
	scopeGen
}

func newScopeGens() *scopeGens {
	return &scopeGens{entries: newLRU[Scope, *versionedGen](maxScopeGens)}
}

// get returns scope's generation if it was read under data version dv.
func (g *scopeGens) get(scope Scope, dv int64) (scopeGen, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ok := g.entries.get(scope)
	if !ok || e.version != dv {
		return scopeGen{}, false
	}
	return e.scopeGen, true
}

// put files scope's generation, read under data version dv.
func (g *scopeGens) put(scope Scope, dv int64, sg scopeGen) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.entries.get(scope); ok {
		e.version, e.scopeGen = dv, sg
		return
	}
	g.entries.add(scope, &versionedGen{version: dv, scopeGen: sg})
}
