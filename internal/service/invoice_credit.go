package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// carryInvoiceCredits carries the credit of each postpaid invoice of drafts whose
// total is below zero (its refunds and credit corrections exceed its charges) to the
// account's next postpaid invoice, in tx with the invoices themselves: the credit
// becomes an approved correction into an invoice, of the negative total, which the
// next billing day's invoice gathers like any other (docs/billing.md, "A negative
// postpaid invoice"). The invoices were made once per period, so the credit is
// carried once. A prepaid invoice only lists what the balance already settled, and
// an invoice of zero or more has no credit.
func (s *Service) carryInvoiceCredits(ctx context.Context, tx *store.Conn, drafts []*invoiceDraft, now time.Time) error {
	for _, d := range drafts {
		inv := d.inv
		if inv.PaymentModel != domain.PaymentModelPostpay || inv.Total >= 0 {
			continue
		}
		if err := tx.CreateCorrection(ctx, domain.NewInvoiceCreditCorrection(inv, now)); err != nil {
			return err
		}
	}
	return nil
}
