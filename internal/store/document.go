package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// PaymentDocumentPrefix is the series payments are numbered in: they have no
// letters, so their numbers are digits only ("002018").
const PaymentDocumentPrefix = ""

// NextDocumentNumber takes the next number of the reseller's series of documents
// with the given prefix: 1 for the first. It bumps the series' row in the write
// transaction that makes the document, and the row stays locked until that
// transaction ends, so concurrent documents of one series take their numbers one
// after another; a transaction that rolls back gives its number back, so the series
// has no gaps.
func (c *Conn) NextDocumentNumber(ctx context.Context, resellerID int64, prefix string) (int64, error) {
	return c.NextDocumentRange(ctx, resellerID, prefix, 1)
}

// NextDocumentRange takes the next n numbers of the reseller's series of documents
// with the given prefix (NextDocumentNumber for many) and returns the first; the
// others follow it.
func (c *Conn) NextDocumentRange(ctx context.Context, resellerID int64, prefix string, n int) (int64, error) {
	if c.tx == nil {
		return 0, errLockOutsideTx
	}
	var (
		series string
		last   int64
	)
	err := c.row(ctx, bumpCountersSQL("$3", "$2"), []any{resellerID, prefix, n}, &series, &last)
	if err != nil {
		return 0, fmt.Errorf("next %d document numbers %q of reseller %d: %w", n, prefix, resellerID, err)
	}
	return last - int64(n) + 1, nil
}

// NextDocumentNumbers is NextDocumentNumber for several series of the reseller at
// once, in one statement: the numbers in the order of prefixes, which are distinct.
// The series' rows
// are locked in that order, so callers name them in one order (an order's series
// before the payments'), and two transactions never wait for each other's.
func (c *Conn) NextDocumentNumbers(ctx context.Context, resellerID int64, prefixes ...string) ([]int64, error) {
	if c.tx == nil {
		return nil, errLockOutsideTx
	}
	var (
		params = make([]string, len(prefixes))
		args   = []any{resellerID}
		out    = make([]int64, len(prefixes))
	)
	for i, p := range prefixes {
		args = append(args, p)
		params[i] = fmt.Sprintf("$%d", len(args))
	}
	err := eachRow(ctx, c, bumpCountersSQL("1", params...), args, func(sc scanner) error {
		var (
			prefix string
			n      int64
		)
		if err := sc.Scan(&prefix, &n); err != nil {
			return err
		}
		out[slices.Index(prefixes, prefix)] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("next document numbers %q of reseller %d: %w", prefixes, resellerID, err)
	}
	return out, nil
}

// bumpCountersSQL is the statement that takes the next step numbers of series of
// the reseller $1, one for each of the parameters prefixes, locking their rows in
// that order; it returns each series' prefix and last number taken.
func bumpCountersSQL(step string, prefixes ...string) string {
	rows := make([]string, len(prefixes))
	for i, p := range prefixes {
		rows[i] = "($1, " + p + ", " + step + ")"
	}
	return `INSERT INTO document_counters (reseller_id, prefix, last) VALUES ` + strings.Join(rows, ", ") + `
		ON CONFLICT (reseller_id, prefix) DO UPDATE SET last = document_counters.last + excluded.last
		RETURNING prefix, last`
}

// dateText is a civil date as its column holds it: YYYY-MM-DD, or ” when not set.
func dateText(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// textDate reads a date column written by dateText.
func textDate(s string) (domain.Date, error) {
	if s == "" {
		return domain.Date{}, nil
	}
	return domain.ParseDate(s)
}

// momentMicros is a moment as its column holds it: microseconds, or 0 when not set.
func momentMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

// microsMoment reads a moment column written by momentMicros.
func microsMoment(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMicros(v)
}

// datesFrom sets each date of to from the column text at the same place in from.
func datesFrom(to []*domain.Date, from []string) error {
	for i, s := range from {
		d, err := textDate(s)
		if err != nil {
			return fmt.Errorf("date column: %w", err)
		}
		*to[i] = d
	}
	return nil
}
