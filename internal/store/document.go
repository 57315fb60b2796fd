package store

import (
	"context"
	"fmt"
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
