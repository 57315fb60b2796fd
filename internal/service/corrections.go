package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Corrections of accounts' money: created waiting for approval, then approved or
// declined (docs/billing.md, "Corrections").

// CreateCorrection adds a correction of an account of the reseller or of a reseller
// below it, created by the actor and waiting for approval, in the currency of the
// account's reseller. An account outside that subtree is refused at account_id like
// a missing one, a subscription not of the account at subscription_id. Every problem
// of the body is reported at once. Errors: forbidden, not_found (reseller), invalid.
func (s *Service) CreateCorrection(ctx context.Context, a domain.Actor, resellerID int64, in domain.CorrectionInput) (*domain.Correction, error) {
	if err := authorize(a, domain.ActionCorrectionCreate); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	r, err := in.Validate()
	if err != nil {
		return nil, err
	}
	k, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Correction, error) {
		acc, err := tx.FindAccountByID(ctx, r.AccountID)
		if err == nil {
			err = s.withinOr(ctx, a, path, acc.ResellerID, domain.FieldError(domain.PtrCorrectionAccount, domain.MsgAccountNotFound))
		} else if domain.CodeOf(err) == domain.ErrNotFound {
			err = domain.FieldError(domain.PtrCorrectionAccount, domain.MsgAccountNotFound)
		}
		if err != nil {
			return nil, err
		}
		if r.SubscriptionID != 0 {
			sub, err := tx.FindSubscriptionByID(ctx, 0, r.SubscriptionID)
			if err == nil && sub.AccountID != acc.ID || domain.CodeOf(err) == domain.ErrNotFound {
				return nil, domain.FieldError(domain.PtrCorrectionSubscription, domain.MsgCorrectionSubscriptionAccount)
			}
			if err != nil {
				return nil, err
			}
		}
		// The currency as the transaction sees it, not as a cache remembers it.
		owner, err := tx.FindResellerFacts(ctx, acc.ResellerID)
		if err != nil {
			return nil, err
		}
		if err := domain.CheckCorrectionPlaces(r.Total, owner.Currency); err != nil {
			return nil, err
		}
		k := domain.NewCorrection(acc, r, owner.Currency, a.ManagerID, s.clock.Now())
		return k, tx.CreateCorrection(ctx, k)
	})
	return k, wrap(err, "create correction of account %d", r.AccountID)
}

// DecideCorrection approves or declines (status) a correction of the reseller or of
// a reseller below it that waits for approval; any other is refused with a 422 that
// names its status. The correction's row is locked, then its account's, in one
// transaction: two decisions on one correction run one after the other and the
// second is refused. Approval moves the account's balance by the total, unless the
// correction goes into the invoice of a postpaid subscription (see
// domain.Correction.Decide). Errors: forbidden, not_found, invalid.
func (s *Service) DecideCorrection(ctx context.Context, a domain.Actor, resellerID, id int64, status *string) (*domain.Correction, error) {
	if err := authorize(a, domain.ActionCorrectionApprove); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	next, err := domain.ParseCorrectionDecision(status)
	if err != nil {
		return nil, err
	}
	k, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Correction, error) {
		k, err := tx.FindCorrectionForUpdate(ctx, 0, id)
		if err == nil {
			err = s.withinOr(ctx, a, path, k.ResellerID, domain.NotFound(domain.MsgCorrectionNotFound))
		}
		if err == nil {
			// Before any other lock: a decided correction may be the billing pass's,
			// which holds its account.
			err = k.CheckUndecided()
		}
		if err != nil {
			return nil, err
		}
		now := s.clock.Now()
		if next == domain.CorrectionStatusDeclined {
			if err := k.Decide(next, a.ManagerID, false, now); err != nil {
				return nil, err
			}
			return k, tx.UpdateCorrection(ctx, k)
		}
		sub, err := correctionPostpaid(ctx, tx, k) // the subscription's row before the account's
		if err != nil {
			return nil, err
		}
		acc, err := tx.FindAccountForUpdate(ctx, k.AccountID)
		if err != nil {
			return nil, err
		}
		if err := k.Decide(next, a.ManagerID, sub != nil, now); err != nil {
			return nil, err
		}
		if err := tx.UpdateCorrection(ctx, k); err != nil {
			return nil, err
		}
		if sub != nil { // owed with the subscription's next invoice
			if err := s.moveDebt(ctx, tx, sub, k.Total, now); err != nil {
				return nil, err
			}
		}
		return k, moveMoney(ctx, tx, acc, k.BalanceEffect(), 0, now)
	})
	return k, wrap(err, "decide correction %d", id)
}

// correctionPostpaid returns the postpaid subscription whose invoice k goes into
// rather than the balance, read for update (its debt moves with k), or nil: k is
// included in an invoice and its subscription is paid after use.
func correctionPostpaid(ctx context.Context, tx *store.Conn, k *domain.Correction) (*domain.Subscription, error) {
	if !k.IncludedInvoice || k.SubscriptionID == 0 {
		return nil, nil
	}
	sub, err := tx.FindSubscriptionForUpdate(ctx, 0, k.SubscriptionID)
	if err != nil || sub.PaymentModel != domain.PaymentModelPostpay {
		return nil, err
	}
	return sub, nil
}

// recordReceivedMoney adds the approved correction of the balance of p's account by
// total, money received for p by its document number that p's completion does not
// account for (domain.NewReceivedMoneyCorrection), made by the actor, and moves the
// balance in the same transaction. It locks the account's row after p's, the order
// the payment's writers take them in.
func (s *Service) recordReceivedMoney(ctx context.Context, tx *store.Conn, a domain.Actor, p *domain.Payment,
	total domain.Amount, now time.Time) error {
	acc, err := tx.FindAccountForUpdate(ctx, p.AccountID)
	if err != nil {
		return err
	}
	k := domain.NewReceivedMoneyCorrection(p, total, a.ManagerID, now)
	if err := tx.CreateCorrection(ctx, k); err != nil {
		return err
	}
	return moveMoney(ctx, tx, acc, k.BalanceEffect(), 0, now)
}

// withinOr answers nil when the reseller ownerID is the reseller at path or sits
// below it, and refusal otherwise.
func (s *Service) withinOr(ctx context.Context, a domain.Actor, path string, ownerID int64, refusal error) error {
	within, err := s.ownedWithin(ctx, a, path, ownerID)
	if err != nil {
		return err
	}
	if !within {
		return refusal
	}
	return nil
}

// FindCorrectionByID returns a correction of the reseller or of a reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindCorrectionByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Correction, error) {
	if err := authorize(a, domain.ActionCorrectionRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	k, err := s.db.Reader().FindCorrectionByID(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	if err := s.withinOr(ctx, a, path, k.ResellerID, domain.NotFound(domain.MsgCorrectionNotFound)); err != nil {
		return nil, err
	}
	return k, nil
}

// FindCorrections lists the corrections of a reseller and of every reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindCorrections(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Correction, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCorrectionRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	t, err := s.subtree(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindCorrections(ctx, store.CorrectionFilter{Within: t, Query: q})
}

// settleByDocument does what st, the settlement of completing p by its document
// number, says, in the transaction that read p (and o, the order it pays) for update:
// it completes p by payment method methodID, or stores only what changed on it (the
// external transaction id), and records the money received beyond the completion as
// an approved correction of the balance.
func (s *Service) settleByDocument(ctx context.Context, tx *store.Conn, a domain.Actor, path string,
	p *domain.Payment, o *domain.Order, methodID int64, st domain.DocumentSettlement) error {
	if st.Complete {
		if err := s.completeLocked(ctx, tx, a, path, p, o, methodID); err != nil {
			return err
		}
	} else {
		// The method must be one of the reseller's even when nothing is completed by it.
		if _, err := s.paymentMethodFor(ctx, tx, path, methodID); err != nil {
			return err
		}
		p.UpdatedAt = s.clock.Now()
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
	}
	if st.Correction == 0 {
		return nil
	}
	return s.recordReceivedMoney(ctx, tx, a, p, st.Correction, s.clock.Now())
}
