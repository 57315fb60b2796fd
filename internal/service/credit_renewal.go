package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// renewFromBalance pays l's automatic renewal order from the account's balance on
// the expiration day (docs/billing.md, "Balance, credit and holds"): the renewal of
// a prepaid subscription still waiting for its payment when the period ends is paid
// from the balance when the available balance covers it, through the path of the
// API's payment from the balance, and the renewal starts. It reports false, having
// changed nothing, when there is no such order or the balance is short: the order
// then waits for its payment and the subscription follows the grace rules. Only an
// active subscription gets here (endPeriod), so a stopped one is never paid for
// automatically. The payment's row is locked after the order's and the
// subscription's, and the account's last.
func (s *Service) renewFromBalance(ctx context.Context, tx *store.Conn, b *passBatch, l *lockedSub) (bool, error) {
	o := l.waiting
	if o == nil || o.Kind != domain.RenewalOrder || o.Status != domain.OrderStatusWaitingForPayment ||
		o.PaymentModel != domain.PaymentModelPrepay || o.PaymentID == 0 {
		return false, nil
	}
	p, err := tx.FindPaymentForUpdate(ctx, 0, o.PaymentID)
	if err != nil {
		return false, err
	}
	if p.Status != domain.PaymentStatusWaitingForPayment || p.AmountPaidFromBalance > 0 {
		return false, nil
	}
	acc, err := tx.FindAccountForUpdate(ctx, o.AccountID)
	if err != nil {
		return false, err
	}
	if acc.AvailableBalance() < p.Total {
		return false, nil
	}
	return true, s.payLockedFromBalance(ctx, tx, p, o, b.now)
}
