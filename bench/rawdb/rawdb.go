// Package rawdb opens a database Cascade has migrated as plain database/sql, with
// the settings Cascade's store uses, for the raw baselines that write Cascade's
// tables without Cascade (bench/rawinsert, the delivery floor of bench/delivery).
package rawdb

import (
	"database/sql"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Open opens raw, sqlite:PATH or a postgres:// URL, and says whether it is SQLite.
// SQLite gets one connection, Cascade's pragmas and immediate transactions, as
// Cascade's one writer; PostgreSQL a pool of pool connections.
func Open(raw string, pool int) (*sql.DB, bool, error) {
	if path, ok := strings.CutPrefix(raw, "sqlite:"); ok {
		params := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
			params.Add("_pragma", p)
		}
		params.Set("_txlock", "immediate")
		db, err := sql.Open("sqlite", "file:"+path+"?"+params.Encode())
		if err != nil {
			return nil, true, err
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		return db, true, db.Ping()
	}
	db, err := sql.Open("pgx", raw)
	if err != nil {
		return nil, false, err
	}
	db.SetMaxOpenConns(pool)
	db.SetMaxIdleConns(pool)
	return db, false, db.Ping()
}
