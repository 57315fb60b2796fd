package service

import (
	"context"
	"strconv"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Payments a manager makes and ends: top-ups, cancelling, and completing a payment
// by its document number.

// CreateTopUp makes a payment that tops up the balance of an account of the
// reseller: waiting for payment, in the reseller's currency, numbered in the
// reseller's series of payments in the same transaction (a refused top-up gives its
// number back). An account the reseller does not own, a sub-reseller's included, is
// refused at account_id like a missing one. Every problem of the body is reported at
// once. Errors: forbidden, not_found (reseller), invalid.
func (s *Service) CreateTopUp(ctx context.Context, a domain.Actor, resellerID int64, in domain.TopUpInput) (*domain.Payment, error) {
	if err := authorize(a, domain.ActionPaymentCreate); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	req, err := in.Validate()
	if err != nil {
		return nil, err
	}
	p, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Payment, error) {
		acc, err := s.accountOf(ctx, tx, a, resellerID, req.AccountID)
		if domain.CodeOf(err) == domain.ErrNotFound {
			return nil, domain.FieldError(domain.PtrPaymentAccount, domain.MsgAccountNotFound)
		}
		if err != nil {
			return nil, err
		}
		// The currency as the transaction sees it, not as a cache remembers it.
		r, err := tx.FindResellerFacts(ctx, resellerID)
		if err != nil {
			return nil, err
		}
		n, err := tx.NextDocumentNumber(ctx, resellerID, store.PaymentDocumentPrefix)
		if err != nil {
			return nil, err
		}
		p, err := domain.NewTopUp(resellerID, acc, req, r.Currency, formatPaymentNumber(n), s.clock.Now())
		if err != nil {
			return nil, err
		}
		return p, tx.CreatePayment(ctx, p)
	})
	return p, wrap(err, "create top-up of account %d", req.AccountID)
}

// CancelPayment cancels a payment of the reseller that waits for payment and pays an
// order or a top-up; any other answers 422 with the documented text. Cancelling an
// order's payment cancels the order in the same transaction (a sales order's
// subscription is discarded). The order's row is locked before the payment's, the
// order every writer takes them in, so a cancel racing a completion of the same
// payment waits for it and is then refused, or wins and the completion is refused.
// Errors: forbidden, not_found, invalid.
func (s *Service) CancelPayment(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Payment, error) {
	if err := authorize(a, domain.ActionPaymentComplete); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	p, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Payment, error) {
		p, o, err := s.paymentForUpdate(ctx, tx, resellerID, id)
		if err != nil {
			return nil, err
		}
		now := s.clock.Now()
		if err := p.Apply(domain.PaymentEventCancel, now); err != nil {
			return nil, err
		}
		p.ManagerID, p.UpdatedAt = a.ManagerID, now
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return nil, err
		}
		ev, ok := domain.PaymentEventCancel.OrderEvent()
		if o == nil || !ok {
			return p, nil
		}
		if err := o.Apply(ev, now, s.opts.Location); err != nil {
			return nil, err
		}
		o.UpdatedAt = now
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return nil, err
		}
		if err := s.discardCancelledSale(ctx, tx, o, now); err != nil {
			return nil, err
		}
		return p, s.moveOrderCharges(ctx, tx, o, chargesOnDrop, accountMove{}, now)
	})
	return p, wrap(err, "cancel payment %d", id)
}

// CompletePaymentByDocument completes the payment of the reseller numbered
// documentID (the payment's document number, not its id) by a payment method, as
// CompletePayment does: the order it pays goes on in the same transaction. The
// external system's transaction id is stored on the payment. A currency other than
// the payment's is refused. An amount other than what is still to pay, or a payment
// that can no longer be completed, makes an approved correction of the account's
// balance for the money received (see domain.Payment.CheckDocumentCompletion and
// settleByDocument). Errors: forbidden, not_found, invalid.
func (s *Service) CompletePaymentByDocument(ctx context.Context, a domain.Actor, resellerID, documentID int64,
	in domain.DocumentCompletionInput) (*domain.Payment, error) {
	if err := authorize(a, domain.ActionPaymentComplete); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	c, err := in.Validate()
	if err != nil {
		return nil, err
	}
	p, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Payment, error) {
		seen, err := tx.FindPaymentByDocumentID(ctx, resellerID, formatPaymentNumber(documentID))
		if err != nil {
			return nil, err
		}
		p, o, err := s.lockPayment(ctx, tx, resellerID, seen)
		if err != nil {
			return nil, err
		}
		st, err := p.CheckDocumentCompletion(c)
		if err != nil {
			return nil, err
		}
		if c.ExternalTransactionID != "" {
			p.ExternalTransactionID = c.ExternalTransactionID
		}
		return p, s.settleByDocument(ctx, tx, a, path, p, o, c.PaymentMethodID, st)
	})
	if err != nil {
		return nil, wrap(err, "complete payment %s", strconv.FormatInt(documentID, 10))
	}
	return p, nil
}

// paymentForUpdate reads payment id of the reseller for update together with the
// order it pays (nil when none), locking the order's row first: every writer of an
// order and its payment takes them in that order, so two of them never wait on each
// other. The unlocked first read only learns the order's id, which never changes.
func (s *Service) paymentForUpdate(ctx context.Context, tx *store.Conn, resellerID, id int64) (*domain.Payment, *domain.Order, error) {
	seen, err := tx.FindPaymentByID(ctx, resellerID, id)
	if err != nil {
		return nil, nil, err
	}
	return s.lockPayment(ctx, tx, resellerID, seen)
}

// lockPayment reads seen, a payment of the reseller read without a lock, again for
// update, after locking the order it pays, as paymentForUpdate does.
func (s *Service) lockPayment(ctx context.Context, tx *store.Conn, resellerID int64, seen *domain.Payment) (*domain.Payment, *domain.Order, error) {
	var o *domain.Order
	if seen.OrderID != 0 {
		var err error
		if o, err = tx.FindOrderForUpdate(ctx, 0, seen.OrderID); err != nil {
			return nil, nil, err
		}
	}
	p, err := tx.FindPaymentForUpdate(ctx, resellerID, seen.ID)
	return p, o, err
}

// PaymentIncludes are the objects payments refer to, each read once per page.
type PaymentIncludes struct {
	Accounts       map[int64]*domain.Account
	Orders         map[int64]*domain.Order
	PaymentMethods map[int64]*domain.PaymentMethod
	Resellers      map[int64]*domain.Reseller
}

// IncludeForPayments reads the objects payments refer to, of the kinds named
// (account, orders, payment_method, reseller): one query per kind for all of them.
// Errors: forbidden.
func (s *Service) IncludeForPayments(ctx context.Context, a domain.Actor, payments []*domain.Payment, kinds []string) (PaymentIncludes, error) {
	var (
		out                                 = PaymentIncludes{}
		c                                   = s.db.Reader()
		accIDs, orderIDs, methodIDs, resIDs []int64
	)
	for _, p := range payments {
		accIDs, resIDs = append(accIDs, p.AccountID), append(resIDs, p.ResellerID)
		if p.OrderID != 0 {
			orderIDs = append(orderIDs, p.OrderID)
		}
		if p.PaymentMethodID != 0 {
			methodIDs = append(methodIDs, p.PaymentMethodID)
		}
	}
	for _, k := range kinds {
		var err error
		switch k {
		case "account":
			var list []*domain.Account
			list, err = c.FindAccountsByIDs(ctx, distinct(accIDs))
			out.Accounts = byID(list, func(v *domain.Account) int64 { return v.ID })
		case "orders":
			var list []*domain.Order
			list, err = c.FindOrdersByIDs(ctx, distinct(orderIDs))
			out.Orders = byID(list, func(v *domain.Order) int64 { return v.ID })
		case "payment_method":
			var list []*domain.PaymentMethod
			list, err = c.FindPaymentMethodsByIDs(ctx, distinct(methodIDs))
			out.PaymentMethods = byID(list, func(v *domain.PaymentMethod) int64 { return v.ID })
		case "reseller":
			var list []*domain.Reseller
			list, err = s.IncludedResellers(ctx, a, distinct(resIDs))
			out.Resellers = byID(list, func(v *domain.Reseller) int64 { return v.ID })
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
