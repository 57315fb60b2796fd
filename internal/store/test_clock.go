package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrTestClockLost is returned when an advance of the test clock writes without its
// lease: the lease expired and another advance took it over.
var ErrTestClockLost = errors.New("test clock advance lease lost")

// TestClockOffset returns how far the test clock is ahead of the machine's clock.
func (c *Conn) TestClockOffset(ctx context.Context) (time.Duration, error) {
	var v int64
	if err := c.row(ctx, `SELECT offset_micros FROM test_clock WHERE id = 1`, nil, &v); err != nil {
		return 0, fmt.Errorf("read the test clock: %w", err)
	}
	return time.Duration(v) * time.Microsecond, nil
}

// TakeTestClockAdvance leases the test clock to owner until until, unless another
// owner holds an unexpired lease at now (both in the machine's time), and reports
// whether it did.
func (db *DB) TakeTestClockAdvance(ctx context.Context, owner string, now, until time.Time) (bool, error) {
	return db.updatedOne(ctx, "lease the test clock", `UPDATE test_clock SET advance_owner = $1, advance_until = $2
		WHERE id = 1 AND (advance_owner IS NULL OR advance_until <= $3)`, owner, micros(until), micros(now))
}

// SetTestClockOffset moves the test clock to offset and extends owner's lease to
// until. It never moves the clock back: an offset below the stored one is left as
// it is. It fails with ErrTestClockLost unless owner holds the lease.
func (db *DB) SetTestClockOffset(ctx context.Context, owner string, offset time.Duration, until time.Time) error {
	ok, err := db.updatedOne(ctx, "move the test clock", `UPDATE test_clock SET
		offset_micros = CASE WHEN offset_micros < $2 THEN $2 ELSE offset_micros END, advance_until = $3
		WHERE id = 1 AND advance_owner = $1`, owner, offset.Microseconds(), micros(until))
	if err == nil && !ok {
		err = ErrTestClockLost
	}
	return err
}

// ReleaseTestClockAdvance ends owner's lease of the test clock; a lease that is no
// longer owner's is left alone.
func (db *DB) ReleaseTestClockAdvance(ctx context.Context, owner string) error {
	_, err := db.updatedOne(ctx, "release the test clock", `UPDATE test_clock SET advance_owner = NULL,
		advance_until = NULL WHERE id = 1 AND advance_owner = $1`, owner)
	return err
}

// updatedOne runs one UPDATE in a transaction of its own and reports whether it
// changed a row.
func (db *DB) updatedOne(ctx context.Context, what, query string, args ...any) (bool, error) {
	var n int64
	err := db.InTx(ctx, func(c *Conn) error {
		res, err := c.exec(ctx, query, args...)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n > 0, nil
}
