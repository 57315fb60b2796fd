package store_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// uniqueUntranslated are the unique indexes of the SQLite schema whose violations
// the store does not translate to a PostgreSQL index name, as SQLite names them in
// its errors, each with the reason.
var uniqueUntranslated = map[string]string{
	"schema_migrations.version": "the migration runner only asks whether an error is a unique violation",
	"jobs.id":                   "job ids are random UUIDs made by the store; a clash is an internal error",
}

// TestUniqueIndexTranslation holds the translation of SQLite's unique-constraint
// errors (errors.go) against the schemas the migrations make: every unique index of
// the SQLite schema is translated (or listed in uniqueUntranslated), every
// translation names columns that a SQLite unique index covers, and the name it gives
// is a unique index of the PostgreSQL schema on the same table and columns, which
// is what PostgreSQL reports for the same violation.
func TestUniqueIndexTranslation(t *testing.T) {
	var lite, pg map[string]string // "table.column, table.column" -> index name
	for _, e := range storetest.Engines(t) {
		storetest.Open(t, e)
		if e.Name == "sqlite" {
			lite = sqliteUniques(t, openRaw(t, e))
		} else {
			pg = postgresUniques(t, openRaw(t, e))
		}
	}
	translated := store.SQLiteUniqueIndexes()
	for cols := range lite {
		_, ok := translated[cols]
		if _, exempt := uniqueUntranslated[cols]; !ok && !exempt {
			t.Errorf("SQLite's unique index %s on %s has no translation in sqliteUniqueIndexes", lite[cols], cols)
		}
	}
	for cols := range uniqueUntranslated {
		if _, ok := lite[cols]; !ok {
			t.Errorf("uniqueUntranslated lists %s, which no SQLite unique index covers", cols)
		}
	}
	for cols, name := range translated {
		if _, ok := lite[cols]; !ok {
			t.Errorf("sqliteUniqueIndexes translates %s, which no SQLite unique index covers", cols)
		}
		if pg != nil && pg[cols] != name { // PostgreSQL runs wherever storetest.PostgresEnv is set, as in CI
			t.Errorf("sqliteUniqueIndexes translates %s to %s; PostgreSQL's unique index on those columns is %q", cols, name, pg[cols])
		}
	}
}

// sqliteUniques returns the unique indexes of the tables of a SQLite schema (the
// tables behind FTS5 tables left out) by their columns as SQLite's errors name them.
func sqliteUniques(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT t.name, il.name, ii.name FROM pragma_table_list t
		JOIN pragma_index_list(t.name) il JOIN pragma_index_info(il.name) ii
		WHERE t.schema = 'main' AND t.type = 'table' AND t.name NOT LIKE 'sqlite_%' AND il."unique"
		ORDER BY t.name, il.name, ii.seqno`)
	if err != nil {
		t.Fatal(err)
	}
	return uniqueColumns(t, rows)
}

// postgresUniques is sqliteUniques for the test's PostgreSQL schema: the unique
// indexes, primary keys included, by their columns.
func postgresUniques(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT c.relname, i.relname, a.attname FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		JOIN LATERAL unnest(x.indkey) WITH ORDINALITY k(attnum, n) ON true
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
		WHERE x.indisunique AND c.relnamespace = current_schema()::regnamespace
		ORDER BY c.relname, i.relname, k.n`)
	if err != nil {
		t.Fatal(err)
	}
	return uniqueColumns(t, rows)
}

// uniqueColumns reads rows of (table, index, column), in column order per index.
func uniqueColumns(t *testing.T, rows *sql.Rows) map[string]string {
	t.Helper()
	defer rows.Close()
	cols := map[string][]string{} // table\x00index -> "table.column"...
	var order []string
	for rows.Next() {
		var table, index, column string
		if err := rows.Scan(&table, &index, &column); err != nil {
			t.Fatal(err)
		}
		key := table + "\x00" + index
		if _, ok := cols[key]; !ok {
			order = append(order, key)
		}
		cols[key] = append(cols[key], table+"."+column)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, key := range order {
		_, index, _ := strings.Cut(key, "\x00")
		joined := strings.Join(cols[key], ", ")
		if other, ok := out[joined]; ok {
			t.Fatalf("unique indexes %s and %s both cover %s: a SQLite error could not tell them apart", other, index, joined)
		}
		out[joined] = index
	}
	return out
}
