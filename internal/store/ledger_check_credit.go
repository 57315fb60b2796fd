package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// checkInvoiceCredits is the ledger's rule of negative postpaid invoices: such an
// invoice has no payment, and exactly one correction carries its credit to the next
// invoice (domain.NewInvoiceCreditCorrection): of its account, approved into an
// invoice, of its total, naming it in carried_from_invoice_id (whose unique index
// keeps it from being carried twice). A credit lost or changed on the way breaks it.
func (c *Conn) checkInvoiceCredits(ctx context.Context) ([]LedgerViolation, error) {
	var out []LedgerViolation
	err := eachRow(ctx, c, `SELECT i.account_id, i.id, i.total, COALESCE(i.payment_id, 0),
		(SELECT COUNT(*) FROM corrections k WHERE k.carried_from_invoice_id = i.id AND k.account_id = i.account_id
			AND k.status = 'approved' AND k.applies_to = 'invoice' AND k.total = i.total)
		FROM invoices i WHERE i.payment_model = 'postpay' AND i.total < 0 ORDER BY i.id`,
		nil, func(sc scanner) error {
			var account, id, total, payment, carried int64
			if err := sc.Scan(&account, &id, &total, &payment, &carried); err != nil {
				return err
			}
			if payment != 0 {
				out = append(out, LedgerViolation{AccountID: account, Text: fmt.Sprintf(
					"invoice %d: total %s, below zero, but it has payment %d", id, domain.Amount(total), payment)})
			}
			if carried != 1 {
				out = append(out, LedgerViolation{AccountID: account, Text: fmt.Sprintf(
					"invoice %d: total %s, below zero, carried to the next invoice %d times, not once", id,
					domain.Amount(total), carried)})
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("check the ledger's negative invoices: %w", err)
	}
	return out, nil
}
