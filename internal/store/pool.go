package store

import (
	"context"
	"database/sql"
)

// The store reaches each engine through the driver that serves it best: SQLite
// through database/sql (the pure-Go modernc driver), PostgreSQL through pgx's own
// pool, which hands a freed connection to the longest waiter and keeps statements
// prepared per connection. The interfaces below are all that Conn needs, so every
// query of the store is written once, with $n placeholders, for both.

// pool is an engine's connections.
type pool interface {
	// query runs a read outside any transaction.
	query(ctx context.Context, query string, args []any) (rows, error)
	// begin starts a write transaction.
	begin(ctx context.Context) (txn, error)
	ping(ctx context.Context) error
	// stats returns the statistics of the read and the write connections (the same
	// pool twice on PostgreSQL).
	stats() (read, write sql.DBStats)
	// prepared returns the SQL texts the reads keep prepared, a set per connection
	// that keeps its own: SQLite's read pool shares one; on PostgreSQL each idle
	// connection has its own (busy ones are skipped).
	prepared() [][]string
	// exchanges returns how many round trips to the server the pool has made (see
	// DB.RoundTrips).
	exchanges() uint64
	close() error
}

// RoundTrips returns how many round trips to the database server db has made since
// it was opened: each read, each statement or batch of a write transaction and its
// rollback; none on SQLite, which runs in the process. A statement a connection has
// not run before costs one more, to prepare it, which this does not count. Compare
// two readings around a call made while nothing else runs.
func (db *DB) RoundTrips() uint64 { return db.pool.exchanges() }

// txn is one write transaction of a pool.
type txn interface {
	exec(ctx context.Context, query string, args []any) (result, error)
	query(ctx context.Context, query string, args []any) (rows, error)
	// commitAfter runs stmts in order, stopping at the first error, and commits:
	// on PostgreSQL in one round trip.
	commitAfter(ctx context.Context, stmts []statement) error
	// script runs SQL text of several statements without arguments (a migration).
	script(ctx context.Context, sql string) error
	rollback(ctx context.Context) error
}

// groupMember is a txn that shares its database transaction with others committed
// with it (SQLite's group commit).
type groupMember interface {
	txn
	// touchedBefore reports whether a transaction before this one in the group
	// touched scope: its change is not committed yet.
	touchedBefore(scope Scope) bool
	// touches records the scopes this transaction touched, for those after it.
	touches(scopes map[Scope]bool)
}

// rows is the answer of a query: *sql.Rows on SQLite, pgx's rows on PostgreSQL.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// result is what a statement without rows reports.
type result interface {
	RowsAffected() (int64, error)
}

// Options tune how Open connects.
type Options struct {
	// PoolSize is the number of connections for reads: the PostgreSQL pool (which
	// serves writes too), or SQLite's readers (SQLite writes on one connection of
	// its own). Zero means DefaultPoolSize.
	PoolSize int
}

// MaxPoolSize bounds Options.PoolSize: more connections than this serve no
// installation better and exhaust the server's connection slots.
const MaxPoolSize = 1000

// DefaultPoolSize returns the pool size Open uses for engine e when Options
// leave it zero: on PostgreSQL four connections per CPU the process may use, at
// least 8, so that requests waiting on the network keep the CPUs busy; on SQLite
// two readers per CPU, at least 4, since reads there run on Cascade's own CPUs.
func DefaultPoolSize(e Engine, procs int) int {
	if e == Postgres {
		return max(8, 4*procs)
	}
	return max(4, 2*procs)
}

// statement is one SQL text with its arguments, run later by txn.commitAfter. When
// dest is set, the statement returns one row, which PostgreSQL's batches scan into
// dest; only Conn.along queues such statements elsewhere, and runs them at once.
// none, when set, is the error of a statement that returns no row.
type statement struct {
	query string
	args  []any
	dest  []any
	none  error
	// each, when set instead of dest, is given every row the statement answers
	// (none or several), in turn.
	each func(scanner) error
}
