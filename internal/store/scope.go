package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
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

// touchAdded is touch for a write that changes nothing the scope held before the
// transaction: it adds accounts the transaction created (CreateAccount, which
// records them in accountResellers), or rows that no account list reads until they
// are linked to an account (a user not yet linked). The move then declares the
// accounts added, so a reader holding a page read one move earlier can tell from
// them alone whether the page changed (see ScopeState.AddedSince). Any touch of the
// scope in the same transaction makes the change unknown again.
func (c *Conn) touchAdded(s Scope) {
	if c.touched == nil {
		c.touched = make(map[Scope]bool, 1)
	}
	if _, ok := c.touched[s]; !ok {
		c.touched[s] = false
	}
}

// maxDeclaredAdds is the most accounts a move declares; a transaction that adds
// more (a bulk import) moves its scope as an unknown change.
const maxDeclaredAdds = 64

// scopeMoves returns the writes that move on the generation of every scope the
// transaction touched, in the order of their names, so two transactions never wait
// for each other's rows in opposite orders; the commit sends them (see pending). Each
// move writes what it added when every touch of its scope was touchAdded, and NULL
// otherwise.
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
		var added any // NULL: an unknown change
		if !c.touched[s] {
			added = c.declaredAdds(s)
		}
		out[i] = statement{query: scopeMove[c.db.engine], args: []any{string(s), shard, added, c.counted[s]}}
		if c.db.oldCounts {
			out[i] = statement{query: scopeMoveUncounted[c.db.engine], args: []any{string(s), shard, added}}
		}
	}
	return out
}

// scopeMove moves one shard of a scope on ($1, $2), and records what the move added
// ($3: the ids, or NULL for an unknown change) as a segment "generation:ids" of the
// shard's column added. While every move declares what it added, the segments
// accumulate, up to a bounded length, so a reader holding a value read a few moves
// back finds every move since (see AddedSince); an unknown move empties the column,
// and the next declared one starts it again. added_generation is the generation
// the column is current at: a move made by hand, which leaves it behind, reads as
// unknown. The move adds $4 to the shard's n, the accounts it counted (see
// countAccounts; 0 for any other change). It is the engine's (see maxAddedLength).
var scopeMove = map[Engine]string{
	SQLite:   scopeMoveOf(SQLite, `VALUES ($1, $2, 1, '1:' || $3, 1, $4)`, "$3"),
	Postgres: scopeMoveOf(Postgres, `VALUES ($1, $2, 1, '1:' || $3, 1, $4)`, "$3"),
}

// maxAddedLength bounds the column added of a scope's row, in characters, on each
// engine: past it, the next move keeps only the moves in the last half of it (and
// its own), and a reader more moves behind reads its value afresh. SQLite keeps a
// scope in one row: 1,000 characters reach about 70 account creates back (half as
// far right after the column is cut). PostgreSQL spreads a scope's moves over its
// scopeShards rows, so each needs less for the scope to reach as far back, and
// every generation check reads all of them: with 1,000 characters each, a row
// rewritten by every create left the 16 rows of a busy scope on about 12 pages, so
// each check read 13 buffers; at 200 (about 14 creates a row, 220 a scope) it reads
// one or two.
var maxAddedLength = map[Engine]int{SQLite: 1000, Postgres: 200}

// scopeMoveOf is scopeMove on engine e with the row to insert given by rows (the
// scope, the shard, 1, '1:' followed by the ids, 1, the count) and the ids the move
// declares, or NULL, by the expression ids, which may read the row as excluded.
func scopeMoveOf(e Engine, rows, ids string) string {
	return scopeUpsert(e, ", n", rows, "n = cache_scopes.n + excluded.n,", ids)
}

// scopeMoveUncounted is scopeMove in a schema older than migration 0042, whose
// scopes count nothing; only tests write in one (see MigrateTo).
var scopeMoveUncounted = map[Engine]string{
	SQLite:   scopeUpsert(SQLite, "", `VALUES ($1, $2, 1, '1:' || $3, 1)`, "", "$3"),
	Postgres: scopeUpsert(Postgres, "", `VALUES ($1, $2, 1, '1:' || $3, 1)`, "", "$3"),
}

// scopeUpsert is the statement of scopeMoveOf, with the column n named in count
// and set by setCount, or neither.
func scopeUpsert(e Engine, count, rows, setCount, ids string) string {
	// Past the bound, the column keeps the whole segments within the last half of
	// the bound, so the moves just before this one still reach a reader one or two
	// behind; a column that started again from this move alone failed every reader
	// not already at the move before it (a delivery's page reads fell back to
	// reading the page about once a second).
	tail, semicolon := `right(cache_scopes.added, `+strconv.Itoa(maxAddedLength[e]/2)+`)`, "strpos"
	if e == SQLite {
		tail, semicolon = `substr(cache_scopes.added, -`+strconv.Itoa(maxAddedLength[e]/2)+`)`, "instr"
	}
	cut := semicolon + `(` + tail + `, ';')`
	current := `cache_scopes.added IS NOT NULL AND cache_scopes.added_generation = cache_scopes.generation`
	segment := `CAST(cache_scopes.generation + 1 AS TEXT) || ':' || ` + ids
	return `INSERT INTO cache_scopes (scope, shard, generation, added, added_generation` + count + `)
	` + rows + ` ON CONFLICT (scope, shard) DO UPDATE
	SET generation = cache_scopes.generation + 1, added_generation = cache_scopes.generation + 1,
	` + setCount + `
	added = CASE
		WHEN ` + ids + ` IS NULL THEN NULL
		WHEN ` + current + ` AND length(cache_scopes.added) < ` + strconv.Itoa(maxAddedLength[e]) + `
		THEN cache_scopes.added || ';' || ` + segment + `
		WHEN ` + current + ` AND ` + cut + ` > 0
		THEN substr(` + tail + `, ` + cut + ` + 1) || ';' || ` + segment + `
		ELSE ` + segment + ` END`
}

// declaredAdds returns the ids of the rows of scope s the transaction created (the
// accounts of an AccountsScope, the subscriptions of a SubscriptionsScope) and,
// negated, of the rows it changed (subscriptions), as a comma list in ascending
// order, or nil (unknown) when there are too many.
func (c *Conn) declaredAdds(s Scope) any {
	var ids []int64
	for id, reseller := range c.accountResellers {
		if AccountsScope(reseller) == s {
			ids = append(ids, id)
		}
	}
	ids = append(ids, c.declared[s]...)
	if len(ids) > maxDeclaredAdds {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var sb strings.Builder
	for i, id := range ids {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.FormatInt(id, 10))
	}
	return sb.String()
}

// generationIs is the condition that scope is at the generation given by the
// parameter p, or that p is 0 (no expectation): a write that validated against
// values held in memory, read at that generation, checks it in its own statement
// rather than reading it first (see ExpectReference, ExpectCatalog).
func generationIs(scope Scope, p string) string {
	return `(CAST(` + p + ` AS BIGINT) = 0 OR ` + generationOf(`'`+string(scope)+`'`) + ` = ` + p + `)`
}

// generationOf is a subquery of the generation of the scope the SQL scope names,
// for a statement that reads it with what it writes or counts (one statement, one
// snapshot).
func generationOf(scope string) string {
	return `(SELECT COALESCE(CAST(SUM(generation) AS BIGINT), 0) FROM cache_scopes WHERE scope = ` + scope + `)`
}

// Generation returns the generation of scope as of a moment after the call began,
// and false when the scope has none yet: a value read from it must then not be
// cached. A value read after this call is at least as new as the generation. It is
// ScopeState's Gen.
//
// On PostgreSQL, where every cached read asks, it is one aggregate row rather than
// a row per shard, and outside a transaction one query shared by every caller of
// the moment (see genBatch).
func (c *Conn) Generation(ctx context.Context, scope Scope) (int64, bool, error) {
	if _, ok := c.touched[scope]; ok || c.db.version != nil {
		st, ok, err := c.ScopeState(ctx, scope)
		return st.Gen, ok, err
	}
	if c.tx == nil && c.db.batch != nil {
		gens, err := c.db.batch.read(c.lookupCtx(ctx), scope)
		if err != nil {
			return 0, false, err
		}
		gen, ok := gens[scope]
		return gen, ok, nil
	}
	var (
		rows int
		gen  int64
	)
	err := c.row(c.lookupCtx(ctx), `SELECT COUNT(*), COALESCE(CAST(SUM(generation) AS BIGINT), 0) FROM cache_scopes
		WHERE scope = $1`, []any{string(scope)}, &rows, &gen)
	if err != nil {
		return 0, false, fmt.Errorf("read generation of %s: %w", scope, err)
	}
	return gen, rows > 0, nil
}

// ScopeState returns the state of scope as of a moment after the call began: its
// generation, and what the last move of each of its shards added. It returns false
// when the scope has no generation yet, or when c's transaction touched it: that
// transaction changes what the scope covers, and a cache holds only committed values.
//
// On SQLite the answer comes from memory while PRAGMA data_version (see dataVersion)
// is what it was when the state was last read: no commit in between, by any
// connection, means no generation moved. In a write transaction that holds too, and
// for as long as the transaction lasts, since it holds the database's write lock. On
// PostgreSQL it is one read of the scope's rows, by primary key, in the transaction
// when there is one.
//
// A transaction committing in a group with an earlier one that touched scope gets
// false too (see pool_sqlite_group.go).
func (c *Conn) ScopeState(ctx context.Context, scope Scope) (ScopeState, bool, error) {
	if _, ok := c.touched[scope]; ok {
		return ScopeState{}, false, nil
	}
	if m, ok := c.tx.(groupMember); ok && m.touchedBefore(scope) {
		return ScopeState{}, false, nil
	}
	ctx = c.lookupCtx(ctx)
	var dv int64
	if v := c.db.version; v != nil {
		var err error
		if dv, err = v.read(); err != nil {
			return ScopeState{}, false, err
		}
		if st, ok := c.db.gens.get(scope, dv); ok {
			return st, len(st.shards) > 0, nil
		}
		// Readers that miss at one data version share one read: after a commit
		// every reader of the moment misses at once.
		f, lead := c.db.gens.join(scope, dv)
		if !lead {
			<-f.done
			if f.err == nil {
				return f.state, len(f.state.shards) > 0, nil
			}
		} else {
			st, ok, err := c.readScopeState(ctx, scope, nil)
			if err == nil {
				c.db.gens.put(scope, dv, st)
			}
			c.db.gens.finish(scope, f, st, err)
			return st, ok, err
		}
	}
	return c.readScopeState(ctx, scope, nil)
}

// readScopeState reads the state of scope from its rows, and with lists (not nil)
// each shard's column added into it.
func (c *Conn) readScopeState(ctx context.Context, scope Scope, lists map[int]string) (ScopeState, bool, error) {
	var st ScopeState
	part := scopeStatePart(scope, &st, lists)
	if err := eachRow(ctx, c, part.query, part.args, part.each); err != nil {
		return ScopeState{}, false, fmt.Errorf("read generation of %s: %w", scope, err)
	}
	return st, len(st.shards) > 0, nil
}

// scopeStatePart is the read of readScopeState, which fills st (and lists), to be
// run alone or with others (readTogether).
func scopeStatePart(scope Scope, st *ScopeState, lists map[int]string) readPart {
	// Whether each shard's added column is current, not the column itself, which
	// only a refresh needs (see AddedSince): every cached read comes here.
	q := `SELECT shard, generation, CASE WHEN added IS NOT NULL AND added_generation = generation THEN 1 ELSE 0 END`
	if lists != nil {
		q += `, added`
	}
	return readPart{query: q + ` FROM cache_scopes WHERE scope = $1 ORDER BY shard`, args: []any{string(scope)},
		each: func(s scanner) error {
			var (
				m        shardMove
				declared int
				list     nullText
			)
			dest := []any{&m.shard, &m.gen, &declared}
			if lists != nil {
				dest = append(dest, &list)
			}
			if err := s.Scan(dest...); err != nil {
				return err
			}
			m.declared = declared == 1
			st.Gen += m.gen
			st.shards = append(st.shards, m)
			if lists != nil {
				lists[m.shard] = list.String
			}
			return nil
		}}
}

// ScopeState is a scope's generation, the sum of its shards', with whether each
// shard's record of what its latest moves added is current. It is immutable.
type ScopeState struct {
	// Gen is the scope's generation: it moves on with every change of the scope.
	Gen    int64
	shards []shardMove // by shard
}

// shardMove is one shard's generation and whether its last move declared what it
// added.
type shardMove struct {
	shard    int
	gen      int64
	declared bool
}

// maxScopeGens bounds how many scopes' states a DB remembers for the data_version
// check: beyond that the least recently used is read again.
const maxScopeGens = 10_000

// scopeGens remembers, on SQLite, each scope's state with the data version it was
// read under, that is, read before it.
type scopeGens struct {
	mu      sync.Mutex
	entries *lru[Scope, *versionedState]
	flights map[Scope]*stateFlight // the reads of states running now, at most one a scope
}

// stateFlight is a read of a scope's state under data version version, which the
// readers missing at that version wait for; done is closed when state or err is
// set.
type stateFlight struct {
	version int64
	done    chan struct{}
	state   ScopeState
	err     error
}

// join returns the read of scope's state under data version dv that the caller
// waits for, and true when there is none yet and the caller is to make it (and
// finish it).
func (g *scopeGens) join(scope Scope, dv int64) (*stateFlight, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.flights[scope]; ok && f.version == dv {
		return f, false
	}
	if g.flights == nil {
		g.flights = make(map[Scope]*stateFlight)
	}
	f := &stateFlight{version: dv, done: make(chan struct{})}
	g.flights[scope] = f
	return f, true
}

// finish hands the outcome of f to its waiters.
func (g *scopeGens) finish(scope Scope, f *stateFlight, st ScopeState, err error) {
	g.mu.Lock()
	if g.flights[scope] == f {
		delete(g.flights, scope)
	}
	g.mu.Unlock()
	f.state, f.err = st, err
	close(f.done)
}

type versionedState struct {
	version int64
	state   ScopeState
}

func newScopeGens() *scopeGens {
	return &scopeGens{entries: newLRU[Scope, *versionedState](maxScopeGens)}
}

// get returns scope's state if it was read under data version dv.
func (g *scopeGens) get(scope Scope, dv int64) (ScopeState, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	e, ok := g.entries.get(scope)
	if !ok || e.version != dv {
		return ScopeState{}, false
	}
	return e.state, true
}

// put files scope's state, read under data version dv.
func (g *scopeGens) put(scope Scope, dv int64, st ScopeState) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.entries.get(scope); ok {
		e.version, e.state = dv, st
		return
	}
	g.entries.add(scope, &versionedState{version: dv, state: st})
}
