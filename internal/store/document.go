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
	if c.tx == nil {
		return 0, errLockOutsideTx
	}
	var n int64
	err := c.row(ctx, `INSERT INTO document_counters (reseller_id, prefix, last) VALUES ($1, $2, 1)
		ON CONFLICT (reseller_id, prefix) DO UPDATE SET last = document_counters.last + 1
		RETURNING last`, []any{resellerID, prefix}, &n)
	if err != nil {
		return 0, fmt.Errorf("next document number %q of reseller %d: %w", prefix, resellerID, err)
	}
	return n, nil
}

// NextDocumentNumbers is NextDocumentNumber for several series of the reseller at
// once, in one statement: the numbers in the order of prefixes, which are distinct.
// The series' rows
// are locked in that order, so callers name them in one order (an order's series
// before the payments'), and two transactions never wait for each other's.
func (c *Conn) NextDocumentNumbers(ctx context.Context, resellerID int64, prefixes ...string) ([]int64, error) {
	if len(prefixes) == 1 {
		n, err := c.NextDocumentNumber(ctx, resellerID, prefixes[0])
		return []int64{n}, err
	}
	if c.tx == nil {
		return nil, errLockOutsideTx
	}
	var (
		q    strings.Builder
		args = make([]any, 0, 2*len(prefixes))
		out  = make([]int64, len(prefixes))
	)
	q.WriteString(`INSERT INTO document_counters (reseller_id, prefix, last) VALUES `)
	for i, p := range prefixes {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d, 1)", len(args)+1, len(args)+2)
		args = append(args, resellerID, p)
	}
	q.WriteString(` ON CONFLICT (reseller_id, prefix) DO UPDATE SET last = document_counters.last + 1
		RETURNING prefix, last`)
	err := eachRow(ctx, c, q.String(), args, func(sc scanner) error {
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
