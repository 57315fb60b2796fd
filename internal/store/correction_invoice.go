package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// CorrectionToInvoice is an approved correction that waits for the postpaid invoice
// of the period it was approved in.
type CorrectionToInvoice struct {
	ID         int64
	AccountID  int64
	Total      domain.Amount
	ApprovedAt time.Time
}

// CorrectionsToInvoice returns the approved corrections of accounts ids that go to a
// postpaid invoice and have none yet, approved before before, in id order. They are
// read without a lock: an approved correction is never written again but by the
// billing pass, which holds the accounts' rows (LockAccounts), and one approved while
// the pass runs commits after it and waits for the next period.
func (c *Conn) CorrectionsToInvoice(ctx context.Context, ids []int64, before time.Time) ([]CorrectionToInvoice, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, arg := oneOf(c.db.engine, "account_id", 1, ids)
	var out []CorrectionToInvoice
	err := eachRow(ctx, c, `SELECT id, account_id, total, approved_at FROM corrections
		WHERE `+in+` AND status = 'approved' AND applies_to = 'invoice' AND invoice_id IS NULL AND approved_at < $2
		ORDER BY id`, []any{arg, micros(before)}, func(sc scanner) error {
		var (
			k               CorrectionToInvoice
			total, approved int64
		)
		if err := sc.Scan(&k.ID, &k.AccountID, &total, &approved); err != nil {
			return err
		}
		k.Total, k.ApprovedAt = domain.Amount(total), fromMicros(approved)
		out = append(out, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corrections to invoice: %w", err)
	}
	return out, nil
}

// LinkCorrections puts the corrections ids in invoice invoiceID.
func (c *Conn) LinkCorrections(ctx context.Context, invoiceID int64, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	in, arg := oneOf(c.db.engine, "id", 3, ids)
	if _, err := c.exec(ctx, "UPDATE corrections SET invoice_id = $1, updated_at = $2 WHERE "+in,
		invoiceID, micros(now), arg); err != nil {
		return fmt.Errorf("put corrections in invoice %d: %w", invoiceID, err)
	}
	return nil
}
