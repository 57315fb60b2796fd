package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// sqliteDriver names the database/sql driver of the read and write connections; a
// test swaps in one that counts the statements the driver prepares.
var sqliteDriver = "sqlite"

// sqlitePool reaches SQLite through database/sql: a pool of read-only connections and
// one write connection, on which every transaction runs. Statements are prepared once
// per SQL text and kept, on each side, in a bounded cache: the pure-Go driver spends
// about as long parsing and planning a short statement as running it.
type sqlitePool struct {
	read, write *sql.DB
	// turn admits one transaction at a time to the write connection, in the order
	// they asked: a goroutine blocked sending on a channel is woken first in, first
	// out, where database/sql would hand the freed connection to a random waiter and
	// leave some writers waiting for many turns.
	turn chan struct{}
	// group commits the write transactions that queue for the turn together (see
	// pool_sqlite_group.go).
	group writeGroup
	// readTurns does the same for the read connections: it holds as many places as
	// the read pool has connections, and a read keeps its place until its rows are
	// closed, so database/sql never has a waiter to pick from.
	readTurns chan struct{}
	// checkpoints makes the WAL checkpoints after commits, off the committing
	// transaction's path (checkpoint_sqlite.go); nil in tests that build a pool
	// by hand.
	checkpoints *checkpointer
	// readWaits and writeWaits count the waits for a place on readTurns and turn
	// (turn_tally.go); heldSince is when the turn's holder took it, set and read by
	// that holder alone, and busy sums the time the turn was held.
	readWaits, writeWaits waitTally
	heldSince             time.Time
	busy                  atomic.Int64
	// indexAtCommit is set when the schema notes new accounts for their search
	// index, which each commit then indexes (search_at_commit.go).
	indexAtCommit atomic.Bool

	// Statements by SQL text, as written with $n: the text is rebound for SQLite only
	// when it is prepared.
	reads  *stmtCache // prepared on the read pool
	writes *stmtCache // prepared on the write connection
}

func newSQLitePool(read, write *sql.DB, readers int) *sqlitePool {
	return &sqlitePool{read: read, write: write, turn: make(chan struct{}, 1),
		readTurns: make(chan struct{}, readers),
		reads:     newStmtCache(MaxPreparedStatements), writes: newStmtCache(MaxPreparedStatements)}
}

func (p *sqlitePool) query(ctx context.Context, query string, args []any) (rows, error) {
	yieldToRequests(ctx)
	if err := p.readWaits.take(ctx, p.readTurns); err != nil {
		return nil, err
	}
	s, err := p.readStmt(ctx, query)
	if err != nil {
		<-p.readTurns
		return nil, err
	}
	rows, err := s.stmt.QueryContext(ctx, args...)
	// The rows outlive the hold: database/sql keeps an evicted, closed statement
	// alive until they are closed.
	p.reads.release(s)
	if err != nil {
		<-p.readTurns
		return nil, err
	}
	return &sqliteRows{Rows: rows, turns: p.readTurns}, nil
}

// sqliteRows gives the read's place back when its rows are closed, once.
type sqliteRows struct {
	*sql.Rows
	turns  chan struct{}
	closed bool
}

func (r *sqliteRows) Close() error {
	err := r.Rows.Close()
	if !r.closed {
		r.closed = true
		<-r.turns
	}
	return err
}

// readStmt returns the statement of query prepared on the read pool, held: the
// caller runs its query and then releases it (p.reads.release).
func (p *sqlitePool) readStmt(ctx context.Context, query string) (*cachedStmt, error) {
	if s := p.reads.acquire(query); s != nil {
		return s, nil
	}
	s, err := p.read.PrepareContext(ctx, rebind(query))
	if err != nil {
		return nil, err
	}
	return p.reads.add(query, s), nil
}

func (p *sqlitePool) ping(ctx context.Context) error {
	var one int
	return p.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// stats reports database/sql's statistics of both sides, with the waits for a place
// on the pool's own turns, which database/sql does not see.
func (p *sqlitePool) stats() (read, write sql.DBStats) {
	read, write = p.read.Stats(), p.write.Stats()
	read.WaitCount, read.WaitDuration = p.readWaits.read()
	write.WaitCount, write.WaitDuration = p.writeWaits.read()
	return read, write
}

// tookTurn records that the caller now holds the write turn.
func (p *sqlitePool) tookTurn() { p.heldSince = time.Now() }

// giveTurn gives the write turn back, adding its hold to the writer's busy time.
func (p *sqlitePool) giveTurn() {
	p.busy.Add(int64(time.Since(p.heldSince)))
	<-p.turn
}

func (p *sqlitePool) prepared() [][]string { return [][]string{p.reads.texts()} }

func (p *sqlitePool) exchanges() uint64 { return 0 }

func (p *sqlitePool) close() error {
	var err error
	if p.checkpoints != nil {
		err = p.checkpoints.close()
	}
	p.reads.close()
	p.writes.close()
	return errors.Join(err, p.read.Close(), p.write.Close())
}

// sqliteTx is a transaction on the write connection. It runs each SQL text through
// a statement: one the pool keeps prepared on the connection when there is one, or
// else one prepared for this transaction alone, whose text the pool prepares for
// later transactions once this one has ended. The pool cannot prepare it at once:
// the transaction holds the only write connection, and database/sql prepares a
// statement of the pool on a connection it takes from the pool.
type sqliteTx struct {
	pool *sqlitePool
	tx   *sql.Tx
	// stmts are the statements this transaction has run, bound to it, by SQL text;
	// database/sql closes them when the transaction ends.
	stmts map[string]*sql.Stmt
	// fresh are the SQL texts this transaction prepared for itself, to be prepared
	// on the pool when it ends.
	fresh []string
	ended bool // committed or rolled back
}

// maxFreshPerTx bounds the texts one transaction leaves to be prepared on the pool
// after it: a transaction runs a few dozen texts, and one running more than the
// cache holds would only churn it.
const maxFreshPerTx = 64

// stmt returns the statement of query for this transaction.
func (t *sqliteTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	var s *sql.Stmt
	if cs := t.pool.writes.acquire(query); cs != nil {
		// database/sql finds the statement already prepared on the transaction's
		// connection and reuses it. The hold ends at once: the transaction's copy
		// keeps the pool's statement open until the transaction ends, even if it is
		// evicted and closed meanwhile.
		s = t.tx.StmtContext(ctx, cs.stmt)
		t.pool.writes.release(cs)
	} else {
		var err error
		if s, err = t.tx.PrepareContext(ctx, rebind(query)); err != nil {
			return nil, err
		}
		if len(t.fresh) < maxFreshPerTx {
			t.fresh = append(t.fresh, query)
		}
	}
	if t.stmts == nil {
		t.stmts = make(map[string]*sql.Stmt)
	}
	t.stmts[query] = s
	return s, nil
}

func (t *sqliteTx) exec(ctx context.Context, query string, args []any) (result, error) {
	yieldToRequests(ctx)
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.ExecContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (t *sqliteTx) query(ctx context.Context, query string, args []any) (rows, error) {
	yieldToRequests(ctx)
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (t *sqliteTx) script(ctx context.Context, sql string) error {
	_, err := t.tx.ExecContext(ctx, sql)
	return err
}

func (t *sqliteTx) commit(ctx context.Context) error {
	if t.pool.indexAtCommit.Load() {
		if err := t.indexNoted(ctx); err != nil {
			return errors.Join(fmt.Errorf("index new accounts' names: %w", err), t.end(ctx, t.tx.Rollback))
		}
	}
	return t.end(ctx, t.tx.Commit)
}

func (t *sqliteTx) rollback(ctx context.Context) error {
	return t.end(ctx, t.tx.Rollback)
}

// end commits or rolls back with finish and prepares the texts the transaction had
// to prepare for itself; a second end (a rollback after a failed commit) only
// reports what database/sql says. The caller holds the write turn.
func (t *sqliteTx) end(ctx context.Context, finish func() error) error {
	err := finish()
	if t.ended {
		return err
	}
	t.ended = true
	t.prepareFresh(ctx)
	return err
}

// prepareFresh prepares on the pool, now that the transaction has released the write
// connection, the texts it had to prepare for itself, so that later transactions
// find them. A text that fails to prepare (its transaction may have created a table
// it names and rolled back) is left to be tried again by the next transaction that
// runs it.
func (t *sqliteTx) prepareFresh(ctx context.Context) {
	if len(t.fresh) == 0 || ctx.Err() != nil {
		return
	}
	for _, query := range t.fresh {
		if cs := t.pool.writes.acquire(query); cs != nil {
			t.pool.writes.release(cs) // another transaction got there first
			continue
		}
		s, err := t.pool.write.PrepareContext(ctx, rebind(query))
		if err != nil {
			continue
		}
		t.pool.writes.release(t.pool.writes.add(query, s))
	}
	t.fresh = nil
}
