package store

import (
	"context"
	"errors"
	"fmt"
)

// The catalogue's version (table catalog_version) moves on in every transaction that
// writes catalogue rows, and its row is the lock that serialises them. Such a
// transaction also touches ScopeCatalog, by which readers keep plans in memory (see
// scope.go).

// errCatalogUnlocked refuses a catalogue write in a transaction that did not take
// LockCatalogs: the version would not move and readers would keep serving the old rows.
var errCatalogUnlocked = errors.New("store: catalogue written without LockCatalogs")

// LockCatalogs makes the transaction the only one changing the catalogue until it
// ends, and moves the catalogue's version on; every catalogue write of the
// transaction needs it first. An apply reads the catalogues it changes, its own and
// the copies below it, and writes what differs; two at once could both create the
// same row. The version row is the lock: SQLite's write transactions are exclusive
// already, and on PostgreSQL the update holds the row until commit. A plain row lock
// rather than an advisory one keeps the same SQL working on distributed engines. A
// transaction that rolls back (a dry run) takes its version change with it.
func (c *Conn) LockCatalogs(ctx context.Context) error {
	var v int64
	err := c.row(ctx, `UPDATE catalog_version SET version = version + 1 WHERE id = 1 RETURNING version`, nil, &v)
	if err != nil {
		return fmt.Errorf("lock catalogues: %w", err)
	}
	c.catalogLocked = true
	c.touch(ScopeCatalog)
	return nil
}

// CatalogVersion returns the catalogue's current version.
func (c *Conn) CatalogVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := c.row(c.lookupCtx(ctx), `SELECT version FROM catalog_version WHERE id = 1`, nil, &v); err != nil {
		return 0, fmt.Errorf("read catalogue version: %w", err)
	}
	return v, nil
}

// catalogExec is exec for statements that change the catalogue.
func (c *Conn) catalogExec(ctx context.Context, query string, args ...any) (result, error) {
	if !c.catalogLocked {
		return nil, errCatalogUnlocked
	}
	return c.exec(ctx, query, args...)
}

// catalogRow is row for statements that change the catalogue and return a row.
func (c *Conn) catalogRow(ctx context.Context, query string, args []any, dest ...any) error {
	if !c.catalogLocked {
		return errCatalogUnlocked
	}
	return c.row(ctx, query, args, dest...)
}
