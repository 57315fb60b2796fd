package store

import (
	"context"
	"time"
)

// MigrateTo applies the migrations up to and including version last, so a test can
// write rows in an older schema before the next migration runs.
// Writes in a schema older than migration 0010 have no scopes to move; older than
// 0042, they count accounts in list_counts.
func (db *DB) MigrateTo(ctx context.Context, last int) ([]int, error) {
	db.noScopes = last < 10
	db.oldCounts = last < accountCountsMigration
	return db.migrate(ctx, last)
}

// Row runs a statement returning at most one row in the transaction, for tests that
// write rows of an older schema, which the store's methods no longer know.
func (c *Conn) Row(ctx context.Context, query string, args []any, dest ...any) error {
	return c.row(ctx, query, args, dest...)
}

// OneOf is oneOf for lists of any values, for the tests of its query plans.
func OneOf(e Engine, expr string, n int, values []any) (string, any) {
	return oneOf(e, expr, n, values)
}

// ContainsAccountName returns the condition and arguments a "contains" filter on the
// accounts' name gets on engine e, for the tests of its query plans.
func ContainsAccountName(e Engine, term string) (string, []any) {
	b := sqlBuilder{engine: e}
	cond := b.contains(accountFields["name"], term)
	return cond, b.args
}

// SearchTables returns the SQLite search table of every searchable list column.
func SearchTables() []string {
	var out []string
	for _, cols := range listColumns {
		for _, col := range cols {
			if col.search != "" {
				out = append(out, col.search)
			}
		}
	}
	return out
}

// SQLiteUniqueIndexes returns the translation of SQLite's unique-constraint column
// lists into index names (errors.go).
func SQLiteUniqueIndexes() map[string]string { return sqliteUniqueIndexes }

// Script runs sql, several statements, in the transaction, as a migration runs.
func (c *Conn) Script(ctx context.Context, sql string) error { return c.tx.script(ctx, sql) }

// GenCheckers is how many reads of generations may run at once on PostgreSQL.
const GenCheckers = genCheckers

// QueuedWriters returns how many transactions wait for SQLite's write turn, or -1 on
// an engine whose transactions write side by side.
func (db *DB) QueuedWriters() int {
	p, ok := db.pool.(*sqlitePool)
	if !ok {
		return -1
	}
	p.group.mu.Lock()
	defer p.group.mu.Unlock()
	return p.group.waiting
}

// ClaimSQL returns the statement that claims up to limit due jobs of kinds on engine
// e, with its arguments, for the tests of its query plan.
func ClaimSQL(e Engine, kinds []string, limit int, now, leaseUntil time.Time) (string, []any) {
	c := &Conn{db: &DB{engine: e}}
	return c.claimSQL("w", kinds, limit, now, leaseUntil)
}

// SearchBatch is how many noted accounts a SQLite commit waits for before it indexes
// their names (search_at_commit.go).
const SearchBatch = searchBatch

// IndexNotedNames indexes the names of every account noted for the search at once,
// as a commit does when a batch is full (SQLite; nothing on PostgreSQL, whose index
// takes each name with its row).
func (db *DB) IndexNotedNames(ctx context.Context) error {
	if db.engine != SQLite {
		return nil
	}
	return db.InTx(ctx, func(c *Conn) error { return indexAllNoted(ctx, c.tx) })
}
