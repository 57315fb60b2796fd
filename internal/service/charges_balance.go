package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// payFromBalance completes payment id of the reseller from its account's balance
// (PATCH payments/{id} with the status paid_from_balance): only a payment waiting
// for payment, of an order (not a top-up), not partly paid from the balance
// already, and only when the account's available balance covers its total; any
// other answers 422 "This payment cannot be completed by balance". The payment
// becomes paid_from_balance, closed now; the order goes on as with a completed
// payment, its charges reserving the funds, which its completion then writes off.
// The balance itself moves only then: a payment from it brings no money; the
// payment's amount_paid_from_balance shows the amount taken, its total. The
// rows are locked as a completion locks them (order, payment, subscription,
// account last), so of concurrent completions of one payment one wins and the
// others are refused. Errors: invalid.
func (s *Service) payFromBalance(ctx context.Context, resellerID, id int64) (*domain.Payment, error) {
	p, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Payment, error) {
		p, o, err := s.paymentForUpdate(ctx, tx, resellerID, id)
		if err != nil {
			return nil, err
		}
		return p, s.payLockedFromBalance(ctx, tx, p, o, s.clock.Now())
	})
	if err != nil {
		return nil, wrap(err, "pay payment %d from the balance", id)
	}
	return p, nil
}

// payLockedFromBalance pays p, read for update with the order it pays (o, nil for a
// top-up), from the account's balance at now and lets the order go on, in tx: the
// API's payment from the balance and the automatic renewal's on the expiration day
// (renewFromBalance) take this one path. Errors: invalid (payment_from_balance).
func (s *Service) payLockedFromBalance(ctx context.Context, tx *store.Conn, p *domain.Payment, o *domain.Order, now time.Time) error {
	if p.AmountPaidFromBalance > 0 || o == nil {
		return errNotByBalance()
	}
	if err := p.Apply(domain.PaymentEventPayFromBalance, now); err != nil {
		return err
	}
	// Cascade takes a payment from the balance whole: the part taken is its total,
	// which stays what the order costs (initial_total is what it was made for).
	p.AmountPaidFromBalance, p.UpdatedAt = p.Total, now
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	return s.orderPaid(ctx, tx, o, accountMove{need: p.Total}, now)
}

// errNotByBalance refuses a payment from the balance, as the payment's own status
// rules refuse one (domain.NextPaymentStatus).
func errNotByBalance() error {
	return &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgPaymentFromBalance,
		Reason: domain.MsgPaymentFromBalance.Reason()}
}
