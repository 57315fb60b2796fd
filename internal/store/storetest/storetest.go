// Package storetest gives tests fresh databases on every engine the environment
// offers: SQLite always, PostgreSQL when CASCADE_TEST_POSTGRES_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/cascade-billing/cascade/internal/store"
)

// PostgresEnv names the variable holding the PostgreSQL server tests use.
const PostgresEnv = "CASCADE_TEST_POSTGRES_URL"

// Engine is one database a test runs against.
type Engine struct {
	Name string // "sqlite" or "postgres"
	URL  string // a database URL for store.Open or CASCADE_DATABASE_URL
}

// Engines returns a fresh, empty database on each available engine. A PostgreSQL
// database is a schema of its own, dropped when the test ends. When PostgresEnv is
// set but the server does not answer, the test fails: it never passes silently on
// SQLite alone.
func Engines(tb testing.TB) []Engine {
	tb.Helper()
	engines := []Engine{{Name: "sqlite", URL: "sqlite:" + filepath.Join(tb.TempDir(), "cascade.db")}}
	if base := os.Getenv(PostgresEnv); base != "" {
		engines = append(engines, Engine{Name: "postgres", URL: postgresSchema(tb, base)})
	}
	return engines
}

// ForEach runs f as a subtest on a fresh database of every engine.
func ForEach(t *testing.T, f func(t *testing.T, e Engine)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) { f(t, e) })
	}
}

func postgresSchema(tb testing.TB, base string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("%s=%q: %v", PostgresEnv, base, err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		tb.Fatalf("%s is set but PostgreSQL does not answer: %v", PostgresEnv, err)
	}
	if err := sharedExtensions(ctx, admin); err != nil {
		tb.Fatalf("create extensions: %v", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates the database at e.
func Open(tb testing.TB, e Engine) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e.URL)
	if err != nil {
		tb.Fatalf("open %s: %v", e.Name, err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s: %v", e.Name, err)
	}
	checkReferencesAtEnd(tb, e)
	return db
}

// sharedExtensions creates the extensions Cascade's migrations use in the public
// schema, once per database. A migration creates a missing extension in the first
// schema of its search path, which for a test is the test's own: dropping that
// schema would drop the extension, and with it the indexes of every other test that
// found it there. Migrations running side by side in different schemas would also
// race to create it. The advisory lock serialises test processes.
func sharedExtensions(ctx context.Context, admin *sql.DB) error {
	tx, err := admin.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(4242001)"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"); err != nil {
		return err
	}
	return tx.Commit()
}
