package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// genBatch reads the generations of scopes on PostgreSQL for every caller outside a
// transaction, one query for all callers waiting at once. Nearly every cached read
// asks for the generations of a few scopes before answering from memory, so under
// load a query each was most of a cached read's cost, on both sides of the socket.
// A caller adds its scopes to the next check and waits for it; genCheckers
// goroutines run the checks, each taking the next one when it is asked for and the
// goroutine is free, so a slow answer of the server holds up no more than the
// callers of its own check. A check starts after every caller it answers arrived,
// so it sees every commit that came before them, by this process or any other: the
// answer is as exact as a query of the caller's own (the pattern of SQLite's
// data_version reader, see dataVersion).
type genBatch struct {
	db      *DB
	kick    chan struct{}  // a caller waits for a check
	quit    chan struct{}  // close asks the loop to stop
	stopped chan struct{}  // the checkers have stopped
	running sync.WaitGroup // the checkers

	mu     sync.Mutex
	next   *genCheck // the check the next callers join, not started yet
	closed bool
}

// genCheck is one reading of the generations of the scopes its callers asked for;
// done is closed when gens (the sum of each scope's shards, for each scope that has
// any) or err is set.
type genCheck struct {
	scopes map[Scope]struct{}
	done   chan struct{}
	gens   map[Scope]int64
	err    error
}

func newGenCheck() *genCheck {
	return &genCheck{scopes: make(map[Scope]struct{}, 4), done: make(chan struct{})}
}

// genCheckers is how many checks of generations may run at once: under load each
// answers the callers that arrived while the others ran.
const genCheckers = 4

func newGenBatch(db *DB) *genBatch {
	b := &genBatch{db: db, kick: make(chan struct{}, 1), quit: make(chan struct{}), stopped: make(chan struct{}),
		next: newGenCheck()}
	for range genCheckers {
		b.running.Add(1)
		go b.loop()
	}
	go func() {
		b.running.Wait()
		b.mu.Lock()
		b.closed = true
		c := b.next
		b.mu.Unlock()
		c.err = errVersionClosed
		close(c.done)
		close(b.stopped)
	}()
	return b
}

// read returns the generation of each of scopes that has one, as of a moment after
// the call began. The map is shared with the other callers of the same check:
// callers only read it.
func (b *genBatch) read(ctx context.Context, scopes ...Scope) (map[Scope]int64, error) {
	if len(scopes) == 0 {
		return nil, nil
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, errVersionClosed
	}
	c := b.next
	for _, s := range scopes {
		c.scopes[s] = struct{}{}
	}
	b.mu.Unlock()
	select {
	case b.kick <- struct{}{}:
	default: // a check is already asked for; it starts after c was taken
	}
	select {
	case <-c.done:
		return c.gens, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// loop runs checks, one at a time, until close.
func (b *genBatch) loop() {
	defer b.running.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for {
		select {
		case <-b.quit:
			return
		case <-b.kick:
		}
		// Whether this checker takes the check is decided under the lock, once: a
		// caller may add scopes to an empty next check as soon as the lock is let go,
		// and that check then belongs to the checker its kick wakes, not to this one.
		b.mu.Lock()
		c, took := b.next, len(b.next.scopes) > 0 // else another checker took its callers
		if took {
			b.next = newGenCheck()
		}
		b.mu.Unlock()
		if took {
			c.gens, c.err = b.query(ctx, c.scopes)
			close(c.done)
		}
	}
}

// query reads the generations of scopes in one statement.
func (b *genBatch) query(ctx context.Context, scopes map[Scope]struct{}) (map[Scope]int64, error) {
	list := slices.Sorted(maps.Keys(scopes)) // one order, for the logs
	gens := make(map[Scope]int64, len(list))
	read := generationsRead(b.db.engine, list, gens)
	if err := eachRow(ctx, b.db.Reader(), read.query, read.args, read.each); err != nil {
		return nil, fmt.Errorf("read generations of %v: %w", list, err)
	}
	return gens, nil
}

// generationsRead is the read of the generations of scopes into gens, a scope
// without one left out.
func generationsRead(e Engine, scopes []Scope, gens map[Scope]int64) readPart {
	names := make([]string, len(scopes))
	for i, s := range scopes {
		names[i] = string(s)
	}
	in, arg := oneOf(e, "scope", 1, names)
	if e == Postgres {
		// The list reaches the condition through a one-row subquery, whose value the
		// planner does not see even when it plans for a call's own arguments: that
		// plan is the generic plan's twin, so after its first five calls a connection
		// keeps the generic one. Given the list itself, the estimate for one or two
		// scopes came out below the generic plan's once the table held a few pages of
		// old versions, and PostgreSQL planned the check afresh on every call, which
		// cost more than running it.
		in, arg = "scope = ANY(CAST((SELECT CAST($1 AS TEXT[])) AS TEXT[]))", names
	}
	return readPart{query: `SELECT scope, CAST(SUM(generation) AS BIGINT) FROM cache_scopes WHERE ` + in +
		` GROUP BY scope`, args: []any{arg}, each: func(sc scanner) error {
		var (
			name string
			gen  int64
		)
		if err := sc.Scan(&name, &gen); err != nil {
			return err
		}
		gens[Scope(name)] = gen
		return nil
	}}
}

func (b *genBatch) close() {
	close(b.quit)
	<-b.stopped
}
