package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Closing charges by hand (docs/billing.md, "Closing charges"): PATCH
// .../subscriptions/{id}/close_charges replaces the subscription's opened and
// blocked charges by one charge for the plan and one per resource covering the whole
// unpaid period, for exactly their sum, closed at once (prepaid: the balance pays
// them), and holds billing of the subscription until the end of what it closed.

// closableCharges are the statuses close_charges takes.
var closableCharges = []domain.ChargeStatus{domain.ChargeOpened, domain.ChargeBlocked}

// CloseCharges closes the charges of subscription id, which must belong to the
// actor's reseller or to one below it (the path names no reseller). The
// subscription's row is locked first, so of two closings at once one does the work
// and the other finds nothing to close. Errors: forbidden, not_found, invalid
// (nothing to close: 422 charges_not_closed, the reason in the log).
func (s *Service) CloseCharges(ctx context.Context, a domain.Actor, id int64) error {
	if err := authorize(a, domain.ActionPaymentComplete); err != nil {
		return err
	}
	path, err := s.resellerPath(ctx, a, a.ResellerID)
	if err != nil {
		return err
	}
	sub, err := s.db.Reader().FindSubscriptionByID(ctx, 0, id)
	if err != nil {
		return err
	}
	if within, err := s.ownedWithin(ctx, a, path, sub.ResellerID); err != nil || !within {
		return notFoundUnless(err, domain.MsgSubscriptionNotFound)
	}
	// The billing pass locks accounts before it moves their charges, and this the
	// charges before their account (as an order's steps do): the database may break
	// a deadlock between the two by failing this, which then runs again.
	for retries := 0; ; retries++ {
		err = s.inTx(ctx, func(tx *store.Conn) error { return s.closeCharges(ctx, tx, sub.ResellerID, id) })
		if !store.IsDeadlock(err) || retries >= maxDeadlockRetries {
			break
		}
	}
	if domain.CodeOf(err) == domain.ErrInvalid {
		s.log.InfoContext(ctx, "charges not closed", "subscription_id", id,
			"reason", "the subscription has no opened or blocked charges")
	}
	return wrap(err, "close the charges of subscription %d", id)
}

// closeCharges closes the charges of subscription id of reseller resellerID in tx:
// the subscription's row, then its charges, then its account's row (last, as every
// move of money locks it).
func (s *Service) closeCharges(ctx context.Context, tx *store.Conn, resellerID, id int64) error {
	sub, err := tx.FindSubscriptionForUpdate(ctx, resellerID, id)
	if err != nil {
		return err
	}
	charges, err := tx.FindChargesToCloseForUpdate(ctx, id, closableCharges...)
	if err != nil {
		return err
	}
	if len(charges) == 0 {
		return &domain.Error{Code: domain.ErrInvalid, Message: domain.MsgChargesNotClosed,
			Reason: domain.MsgChargesNotClosed.Reason()}
	}
	now := s.clock.Now()
	day := s.today(now)
	var (
		m    accountMove
		debt domain.Amount // postpaid, the replacements owe what they replace
	)
	for _, c := range charges {
		if err := m.addCharge(c, domain.ChargeDeleted); err != nil {
			return err
		}
		debt += domain.ChargeDebtMove(c, domain.ChargeDeleted)
	}
	if err := tx.MoveCharges(ctx, charges, domain.ChargeDeleted, domain.Date{}, now); err != nil {
		return err
	}
	closing := domain.CloseChargesOf(charges, day, now)
	for _, r := range closing.Replacements {
		if r.Status == domain.ChargeClosed && r.PaymentModel == domain.PaymentModelPrepay {
			m.balance -= r.Amount
		}
		debt += domain.ChargeDebt(r)
	}
	if err := tx.CreateCharges(ctx, closing.Replacements); err != nil {
		return err
	}
	if err := s.moveDebt(ctx, tx, sub, debt, now); err != nil {
		return err
	}
	if closing.HoldTo.After(sub.HoldTo) {
		sub.HoldTo = closing.HoldTo
		sub.UpdatedAt = now
		if err := tx.UpdateSubscription(ctx, sub); err != nil {
			return err
		}
	}
	return moveAccounts(ctx, tx, map[int64]accountMove{sub.AccountID: m}, now)
}
