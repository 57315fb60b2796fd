package store

import (
	"context"
	"errors"
	"fmt"
)

// Every read-modify-write reads its row under a lock held until the transaction ends,
// so no other transaction changes the row between the read and the write: a patch
// writes back every column, and one built on a stale copy would undo whatever was
// committed in between (a new attribute, a manager's block).
//
// On PostgreSQL the read says so: SELECT ... FOR UPDATE OF the aggregate's alias
// (only that table: the reads join others, and an outer join's nullable side cannot
// be locked), or FOR SHARE for a row read only to check a write against it. Both are
// plain row locks that CockroachDB and YugabyteDB accept too. A concurrent writer
// waits for the commit and then reads the committed row.
//
// SQLite needs no clause, and has none: a write transaction begins IMMEDIATE on the
// one writer connection, so it holds the database's write lock from its first
// statement to its end, and no other writer, in this process or another, can commit
// between its read and its write.

// rowLock is how a read inside a write transaction holds the rows it reads.
type rowLock string

const (
	// forUpdate holds a row the transaction will write from what it read.
	forUpdate rowLock = "FOR UPDATE"
	// forShare holds a row read to check the transaction's write against: others may
	// read and share it, but not change it until the transaction ends.
	forShare rowLock = "FOR SHARE"
)

// errLockOutsideTx refuses a locking read on the read pool, where a lock would end
// with the statement and protect nothing.
var errLockOutsideTx = errors.New("store: locking read outside a write transaction")

// lockClause returns the clause that ends a SELECT whose rows of alias's table are to
// be held with l until the transaction ends: empty on SQLite (see above).
func (c *Conn) lockClause(l rowLock, alias string) (string, error) {
	switch {
	case c.tx == nil:
		return "", errLockOutsideTx
	case c.db.engine == SQLite:
		return "", nil
	}
	return " " + string(l) + " OF " + alias, nil
}

// readLocked reads row id of table with read, holding it with l until the transaction
// ends; read appends the lock clause it is given to its SELECT, whose alias of table
// is alias. A row read for update is recorded, so that its update may be written.
func readLocked[T any](ctx context.Context, c *Conn, l rowLock, table, alias string, id int64,
	read func(ctx context.Context, id int64, lock string) (T, error)) (T, error) {
	lock, err := c.lockClause(l, alias)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := read(ctx, id, lock)
	if err == nil && l == forUpdate {
		c.lockedForUpdate(table, id)
	}
	return v, err
}

// lockedRow names a row of one of the tables whose updates need the row's lock.
type lockedRow struct {
	table string
	id    int64
}

// lockedForUpdate records that the transaction holds the row for update.
func (c *Conn) lockedForUpdate(table string, id int64) {
	if c.forUpdate == nil {
		c.forUpdate = make(map[lockedRow]bool)
	}
	c.forUpdate[lockedRow{table, id}] = true
}

// needLock refuses an update of a row the transaction did not read for update: it
// would write back a copy another transaction may have changed since. On SQLite the
// read takes no lock, but the rule is checked all the same, so a path that forgets
// it fails in every test run, not only on PostgreSQL under load.
func (c *Conn) needLock(table string, id int64) error {
	if !c.forUpdate[lockedRow{table, id}] {
		return fmt.Errorf("store: update of %s %d that was not read for update", table, id)
	}
	return nil
}
