package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Payments: reading them and completing them by a payment method.

// PaymentCompletion is the body of PATCH payments/{id}: a payment method that the
// payment was paid by, or the status paid_from_balance.
type PaymentCompletion struct {
	PaymentMethodID *int64
	Status          *string
}

// Pointers of a payment completion.
const (
	ptrPaymentMethod = "/data/attributes/payment_method_id"
	ptrPaymentStatus = "/data/attributes/status"
	ptrPaymentAttrs  = "/data/attributes"
)

// CompletePayment marks a payment of the reseller paid by a payment method of the
// reseller's (see paymentMethodFor), and lets the order it pays go on in the same
// transaction: to provisioning (with its job), or to waiting for its provisioning
// date. The order's row is locked before the payment's, the order every writer takes
// them in, so two completions of one payment run one after the other and the second
// is refused. The completed payment's total goes on the account's balance (unless
// it pays a postpaid invoice) and the order's charges reserve it (docs/billing.md).
// The status paid_from_balance pays from the balance instead (payFromBalance).
// Errors: forbidden, not_found, invalid.
func (s *Service) CompletePayment(ctx context.Context, a domain.Actor, resellerID, id int64, in PaymentCompletion) (*domain.Payment, error) {
	if err := authorize(a, domain.ActionPaymentComplete); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Status != nil && *in.Status == string(domain.PaymentStatusPaidFromBalance) && in.PaymentMethodID == nil:
		return s.payFromBalance(ctx, resellerID, id)
	case in.Status != nil:
		return nil, domain.FieldError(ptrPaymentStatus, domain.MsgPaymentCompleteBody)
	case in.PaymentMethodID == nil:
		return nil, domain.FieldError(ptrPaymentAttrs, domain.MsgPaymentCompleteBody)
	}
	p, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Payment, error) {
		p, o, err := s.paymentForUpdate(ctx, tx, resellerID, id)
		if err != nil {
			return nil, err
		}
		return p, s.completeLocked(ctx, tx, a, path, p, o, *in.PaymentMethodID)
	})
	if err != nil {
		return nil, wrap(err, "complete payment %d", id)
	}
	return p, nil
}

// completeLocked completes p, read for update with the order it pays (o, nil when
// none), by payment method methodID of the reseller at path (see paymentMethodFor),
// as manager a, and lets the order go on.
func (s *Service) completeLocked(ctx context.Context, tx *store.Conn, a domain.Actor, path string,
	p *domain.Payment, o *domain.Order, methodID int64) error {
	if err := p.CheckInvoiceCompletion(); err != nil {
		return err
	}
	m, err := s.paymentMethodFor(ctx, tx, path, methodID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	if err := p.Apply(domain.PaymentEventComplete, now); err != nil {
		return err
	}
	p.PaymentMethodID, p.PaymentMethodName, p.ManagerID, p.UpdatedAt = m.ID, m.Name, a.ManagerID, now
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	if err := s.settleInvoiceDebt(ctx, tx, p, now); err != nil {
		return err
	}
	if o == nil {
		return moveAccounts(ctx, tx, map[int64]accountMove{p.AccountID: paymentMoney(p)}, now)
	}
	return s.orderPaid(ctx, tx, o, paymentMoney(p), now)
}

// orderPaid moves o, read for update, on by its payment: provisioning starts now, or
// waits for the order's provisioning date. Its prepaid charges then reserve their
// funds on the account, which moves by money too (the payment's), last.
func (s *Service) orderPaid(ctx context.Context, tx *store.Conn, o *domain.Order, money accountMove, now time.Time) error {
	if err := o.Apply(domain.OrderEventPay, now, s.opts.Location); err != nil {
		return err
	}
	o.UpdatedAt = now
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return err
	}
	if o.Status == domain.OrderStatusProvisioning {
		if err := s.provisionOrder(ctx, tx, o, now); err != nil {
			return err
		}
	}
	return s.moveOrderCharges(ctx, tx, o, chargesOnPay, money, now)
}

// paymentMethodFor finds payment method id among the methods that apply to the
// reseller at path. A reseller's customers pay by the methods its catalogue declares;
// a reseller that declares none uses those of the nearest reseller above it that
// does (its upstream's, then that one's upstream's ...). Any other id is refused at
// payment_method_id.
func (s *Service) paymentMethodFor(ctx context.Context, tx *store.Conn, path string, id int64) (*domain.PaymentMethod, error) {
	chain := domain.PathIDs(path)
	methods, err := tx.FindPaymentMethodsOf(ctx, chain)
	if err != nil {
		return nil, err
	}
	byReseller := map[int64][]*domain.PaymentMethod{}
	for _, m := range methods {
		byReseller[m.ResellerID] = append(byReseller[m.ResellerID], m)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		own := byReseller[chain[i]]
		if len(own) == 0 {
			continue
		}
		for _, m := range own {
			if m.ID == id {
				return m, nil
			}
		}
		break
	}
	return nil, domain.FieldError(ptrPaymentMethod, domain.MsgPaymentMethodUnknown)
}

// FindPaymentByID returns a payment of the reseller or of a reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindPaymentByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Payment, error) {
	if err := authorize(a, domain.ActionPaymentRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	p, err := s.db.Reader().FindPaymentByID(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	if within, err := s.ownedWithin(ctx, a, path, p.ResellerID); err != nil || !within {
		return nil, notFoundUnless(err, domain.MsgPaymentNotFound)
	}
	return p, nil
}

// FindPayments lists the payments of a reseller and of every reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindPayments(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Payment, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionPaymentRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	t, err := s.subtree(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindPayments(ctx, store.PaymentFilter{Within: t, Query: q})
}
