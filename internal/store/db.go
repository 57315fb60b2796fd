// Package store persists Cascade's state in SQLite or PostgreSQL through database/sql.
// SQL is written once, with $n placeholders, and rebound for SQLite.
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
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
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
// SQLITE_BUSY, and readers use their own connections in WAL mode.
type DB struct {
	engine Engine
	read   *sql.DB
	write  *sql.DB

	bound sync.Map // SQL text -> SQL rebound for this engine
	stmts sync.Map // SQL text -> *sql.Stmt prepared on the read pool
}

// Open connects to the database named by rawURL: "sqlite:PATH" (or a path ending in
// .db) for SQLite, "postgres://..." for PostgreSQL. It does not migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "//"))
	case strings.HasSuffix(rawURL, ".db"):
		return openSQLite(ctx, rawURL)
	}
	return nil, fmt.Errorf("database url %q: want sqlite:PATH or postgres://", rawURL)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
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
	params.Set("_txlock", "immediate")
	dsn := "file:" + abs + "?" + params.Encode()

	write, err := sql.Open("sqlite", dsn)
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
	params.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", "file:"+abs+"?"+params.Encode())
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	return &DB{engine: SQLite, read: read, write: write}, nil
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	pool, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, err
	}
	n := max(8, 4*runtime.GOMAXPROCS(0))
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &DB{engine: Postgres, read: pool, write: pool}, nil
}

// Engine returns the engine of db.
func (db *DB) Engine() Engine { return db.engine }

// Close closes every connection.
func (db *DB) Close() error {
	db.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := db.read.Close()
	if db.write != db.read {
		err = errors.Join(err, db.write.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// PoolStats returns the statistics of the read and write pools (the same pool twice
// on PostgreSQL).
func (db *DB) PoolStats() (read, write sql.DBStats) { return db.read.Stats(), db.write.Stats() }

// bind returns query with $n placeholders rewritten for the engine. SQLite understands
// ?NNN, which keeps the numbering, so a placeholder used twice binds once.
func (db *DB) bind(query string) string {
	if db.engine != SQLite {
		return query
	}
	if b, ok := db.bound.Load(query); ok {
		return b.(string)
	}
	b := rebind(query)
	db.bound.Store(query, b)
	return b
}

// rebind turns $1 into ?1 outside string literals.
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

// stmt returns a statement prepared on the read pool, reused by every later call.
func (db *DB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := db.stmts.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := db.read.PrepareContext(ctx, db.bind(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}
