package service

import (
	"context"
	"slices"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Invoice payments that expire (docs/billing.md, "Postpaid debt and blocking"): the
// payment of an invoice not paid by its due date expires the day after, and the
// postpaid subscriptions the invoice bills are blocked until it is paid or
// reopened. Blocking is a billing state: no vendor is told.

// expireInvoicePayment expires invoice payment id, locked, when it is still to be
// paid and its due date is before today, and blocks the invoice's subscriptions in
// the same transaction: the payment is locked before them, as every writer does.
func (s *Service) expireInvoicePayment(ctx context.Context, tx *store.Conn, b *passBatch, id int64) (bool, error) {
	p, err := tx.FindPaymentForUpdate(ctx, 0, id)
	if err != nil || p.Purpose != domain.PaymentForInvoice || p.DueDate.IsZero() || !p.DueDate.Before(b.today) {
		return false, err
	}
	if p.Status != domain.PaymentStatusWaitingForPayment && p.Status != domain.PaymentStatusReceiptSent {
		return false, nil
	}
	if err := p.Apply(domain.PaymentEventExpire, b.now); err != nil {
		return false, err
	}
	p.UpdatedAt = b.now
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return false, err
	}
	return true, s.reviewInvoiceBlocks(ctx, tx, p.InvoiceID, true, b.now)
}

// reviewInvoiceBlocks blocks or unblocks the subscriptions invoice id bills, after
// its payment expired (expired) or was reopened: each is locked in id order, after
// the payment, and reviewed (reviewBlock). When the payment has just expired, each
// of them owes to it, so none is looked up: the look-up reads the invoice's charges,
// and doing so per subscription would cost the square of the invoice's size.
func (s *Service) reviewInvoiceBlocks(ctx context.Context, tx *store.Conn, id int64, expired bool,
	now time.Time) error {
	if id == 0 {
		return nil
	}
	shares, err := tx.InvoiceDebtShares(ctx, id)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(shares))
	for sub := range shares {
		ids = append(ids, sub)
	}
	slices.Sort(ids)
	for _, subID := range ids {
		sub, err := tx.FindSubscriptionForUpdate(ctx, 0, subID)
		if err != nil {
			return err
		}
		if err := s.reviewBlock(ctx, tx, sub, expired, now); err != nil {
			return err
		}
	}
	return nil
}
