// Package store persists Cascade's state in SQLite, through database/sql, or in
// PostgreSQL, through pgx's pool. SQL is written once, with $n placeholders, and
// rebound for SQLite.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/cascade-billing/cascade/internal/sqlitewal"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open database: a pool for reads and a pool for writes. On SQLite the write
// pool holds a single connection, so writers queue in Go instead of spinning on
// SQLITE_BUSY, and readers use their own connections in WAL mode; on PostgreSQL one
// pgx pool serves both (see pool.go).
type DB struct {
	engine Engine
	pool   pool // the engine's connections: database/sql on SQLite, pgx on PostgreSQL

	statements statementCount // every statement run, for tests (see Statements)

	// version tells whether the database changed (SQLite only, nil on PostgreSQL);
	// gens remembers scopes' generations by it (see Conn.Generation).
	version *dataVersion
	gens    *scopeGens
	// batch reads generations outside transactions, for many callers at once
	// (PostgreSQL only, nil on SQLite; see genBatch).
	batch *genBatch
	// noScopes is set by tests that write in a schema without cache_scopes.
	noScopes bool
	// oldCounts is set by tests that write in a schema older than migration 0042,
	// where the accounts counters are rows of list_counts (see countAccounts).
	oldCounts bool
	// paths are the resellers' paths, which writes of subscriptions and orders
	// name the scopes of (see touchSubscriptions).
	paths pathCache
	// handoff gives the jobs transactions write to this process's free workers
	// (job_handoff.go).
	handoff jobHandoff
	// created remembers when the accounts this process created lately were
	// created (account_created_at.go).
	created createdAccounts
}

// Open connects to the database named by rawURL: "sqlite:PATH" (or a path ending in
// .db) for SQLite, "postgres://..." for PostgreSQL. It does not migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	return OpenWith(ctx, rawURL, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	if opts.PoolSize < 0 || opts.PoolSize > MaxPoolSize {
		return nil, fmt.Errorf("database pool size %d: want 1 to %d, or 0 for the default", opts.PoolSize, MaxPoolSize)
	}
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL, opts.PoolSize)
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "//"), opts.PoolSize)
	case strings.HasSuffix(rawURL, ".db"):
		return openSQLite(ctx, rawURL, opts.PoolSize)
	}
	return nil, fmt.Errorf("database url %q: want sqlite:PATH or postgres://", rawURL)
}

func openSQLite(ctx context.Context, path string, readers int) (*DB, error) {
	if path == "" || strings.Contains(path, "?") || path == ":memory:" {
		return nil, fmt.Errorf("sqlite path %q: want a file path without options", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	params := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		params.Add("_pragma", p)
	}
	// SQLite's own checkpoint; after a lone writer's commit the pool's checkpointer
	// makes it first (checkpoint_sqlite.go).
	params.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", sqliteAutoCheckpoint))
	params.Set("_txlock", "immediate")
	// The writer keeps its statement and savepoint journals in memory: a grouped
	// transaction runs each member in a SAVEPOINT, and a member's journal (a page
	// image for every page it changes) outgrows SQLite's 64 KiB in-memory spill
	// threshold, so on disk it was a temporary file created, written page by page
	// and deleted in every transaction, a fifth of a sales order's CPU. Readers keep
	// the default, so their large sorts may still spill to disk.
	writeParams := url.Values{}
	for k, v := range params {
		writeParams[k] = append([]string(nil), v...)
	}
	writeParams.Add("_pragma", "temp_store(MEMORY)")
	// The writer sends each commit's WAL frames to the file at once
	// (internal/sqlitewal); readers write no frames.
	if sqlitewal.Name != "" {
		if err := sqlitewal.Register(); err != nil {
			return nil, err
		}
		writeParams.Set("vfs", sqlitewal.Name)
	}
	dsn := "file:" + abs + "?" + writeParams.Encode()

	write, err := sql.Open(sqliteDriver, dsn)
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	// The writer creates the file and switches it to WAL before any reader opens it.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	checkpoints, err := sql.Open(sqliteDriver, dsn)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	checkpoints.SetMaxOpenConns(1)
	checkpoints.SetMaxIdleConns(1)
	checkpoints.SetConnMaxLifetime(0)
	params.Add("_pragma", "query_only(1)")
	read, err := sql.Open(sqliteDriver, "file:"+abs+"?"+params.Encode())
	if err != nil {
		checkpoints.Close()
		write.Close()
		return nil, err
	}
	if readers == 0 {
		readers = DefaultPoolSize(SQLite, runtime.GOMAXPROCS(0))
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	read.SetConnMaxLifetime(0)
	version, err := openDataVersion(ctx, "file:"+abs+"?"+params.Encode(), abs+"-shm")
	if err != nil {
		read.Close()
		checkpoints.Close()
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	pool := newSQLitePool(read, write, readers)
	if err = pool.noteSearchSchema(ctx); err == nil {
		pool.checkpoints, err = newCheckpointer(ctx, checkpoints, version.walBacklog)
	}
	if err != nil {
		version.close()
		read.Close()
		checkpoints.Close()
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	return newDB(SQLite, pool, version), nil
}

func newDB(engine Engine, p pool, version *dataVersion) *DB {
	return &DB{engine: engine, pool: p, version: version, gens: newScopeGens()}
}

// Engine returns the engine of db.
func (db *DB) Engine() Engine { return db.engine }

// Close closes every connection.
func (db *DB) Close() error {
	if db.batch != nil {
		db.batch.close()
	}
	err := db.pool.close()
	if db.version != nil {
		err = errors.Join(err, db.version.close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.ping(ctx) }

// PoolStats returns the statistics of the read and write pools (the same pool twice
// on PostgreSQL, where pgx's pool statistics are given in database/sql's terms).
func (db *DB) PoolStats() (read, write sql.DBStats) { return db.pool.stats() }

// rebind turns $1 into ?1 outside string literals. SQLite understands ?NNN, which
// keeps the numbering, so a placeholder used twice binds once.
func rebind(query string) string {
	var sb strings.Builder
	sb.Grow(len(query))
	inString := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inString = !inString
		case c == '$' && !inString && i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			c = '?'
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// PreparedStatements returns how many read statements db keeps prepared, at most
// MaxPreparedStatements: on SQLite those of the read pool, on PostgreSQL the most
// that one idle connection keeps.
func (db *DB) PreparedStatements() int {
	most := 0
	for _, texts := range db.pool.prepared() {
		most = max(most, len(texts))
	}
	return most
}

// PreparedTexts returns the distinct SQL texts db keeps prepared for reads: on
// PostgreSQL those of every idle connection together, each connection holding its
// own set.
func (db *DB) PreparedTexts() []string {
	var out []string
	seen := map[string]bool{}
	for _, texts := range db.pool.prepared() {
		for _, t := range texts {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}
