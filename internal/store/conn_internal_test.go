package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestQueuedWritesCommitWithTheirTransaction checks the writes queued for the commit
// (execLater): they are written, in order, when the transaction commits, and one
// that fails fails the whole transaction, which then leaves nothing behind.
func TestQueuedWritesCommitWithTheirTransaction(t *testing.T) {
	eachTableFreeDB(t, Options{}, func(t *testing.T, db *DB) {
		ctx := context.Background()
		table := fmt.Sprintf("queued_writes_%d", time.Now().UnixNano())
		ddl := func(sql string) {
			t.Helper()
			if err := db.InTx(ctx, func(c *Conn) error { _, err := c.exec(ctx, sql); return err }); err != nil {
				t.Fatal(err)
			}
		}
		ddl("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, after BIGINT)")
		defer ddl("DROP TABLE " + table)
		rows := func() int {
			t.Helper()
			var n int
			if err := db.Reader().row(ctx, "SELECT COUNT(*) FROM "+table, nil, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		insert := "INSERT INTO " + table + " (id, after) VALUES ($1, (SELECT COUNT(*) FROM " + table + "))"

		err := db.InTx(ctx, func(c *Conn) error {
			if _, err := c.exec(ctx, insert, 1); err != nil {
				return err
			}
			c.execLater(insert, 2)
			c.execLater(insert, 2) // clashes with the one queued before it
			return nil
		})
		if err == nil || rows() != 0 {
			t.Fatalf("a failing queued write: error %v and %d rows; want an error and none", err, rows())
		}

		err = db.InTx(ctx, func(c *Conn) error {
			c.execLater(insert, 1)
			c.execLater(insert, 2)
			return nil
		})
		var after int
		if err == nil {
			err = db.Reader().row(ctx, "SELECT after FROM "+table+" WHERE id = 2", nil, &after)
		}
		if err != nil || rows() != 2 || after != 1 {
			t.Fatalf("queued writes: error %v, %d rows, the second after %d; want 2 rows in order", err, rows(), after)
		}
	})
}
