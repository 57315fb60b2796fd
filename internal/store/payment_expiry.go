package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Invoice payments that expire (docs/billing.md, "Postpaid debt and blocking"): an
// invoice's payment not made by its due date expires, and while it is expired the
// postpaid subscriptions the invoice bills stay blocked. Both queries read a
// partial index of migration 0041.

// DueInvoicePayments: invoice payments still to be paid, by their due date.
var DueInvoicePayments = DueQuery{"invoice payments", "payments", "due_date",
	"purpose = 'invoice' AND status IN ('waiting_for_payment', 'receipt_sent') AND due_date <> ''"}

// HasExpiredInvoice reports whether subscription subID, of account accountID, owes
// to an invoice whose payment has expired: one of its postpaid charges or of its
// approved corrections is in it (the rows InvoiceDebtShares counts). An account has
// few expired invoices, so the walk starts from them.
func (c *Conn) HasExpiredInvoice(ctx context.Context, accountID, subID int64) (bool, error) {
	var one int64
	err := c.row(ctx, `SELECT 1 FROM payments p
		WHERE p.account_id = $1 AND p.purpose = 'invoice' AND p.status = 'expired' AND (
			EXISTS (SELECT 1 FROM charges ch WHERE ch.invoice_id = p.invoice_id AND ch.subscription_id = $2
				AND ch.payment_model = 'postpay')
			OR EXISTS (SELECT 1 FROM corrections k WHERE k.invoice_id = p.invoice_id AND k.subscription_id = $2
				AND k.status = 'approved' AND k.applies_to = 'invoice'))
		LIMIT 1`, []any{accountID, subID}, &one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("find the expired invoices of subscription %d: %w", subID, err)
	}
	return true, nil
}
