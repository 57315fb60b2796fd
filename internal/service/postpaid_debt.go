package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Postpaid debt and blocking (docs/billing.md, "Postpaid debt and blocking"): a
// postpaid subscription's current debt moves in the transaction that moves what it
// owes (an order's charges, an approved correction, an invoice's payment), with the
// subscription's row locked after the order's and the payment's and before the
// account's; then the subscription is blocked above its credit limit and unblocked
// within it (domain.DebtMove).

// moveDebt moves the current debt of sub, read for update, by delta, then blocks or
// unblocks it as its debt now says.
func (s *Service) moveDebt(ctx context.Context, tx *store.Conn, sub *domain.Subscription, delta domain.Amount,
	now time.Time) error {
	if delta == 0 {
		return nil
	}
	if err := tx.AddSubscriptionDebt(ctx, sub, delta); err != nil {
		return err
	}
	return s.reviewDebt(ctx, tx, sub, now)
}

// reviewDebt blocks or unblocks sub, read for update, as its debt and credit limit
// and its expired invoices say, and writes it when it moves.
func (s *Service) reviewDebt(ctx context.Context, tx *store.Conn, sub *domain.Subscription, now time.Time) error {
	moved, err := s.applyDebtMove(ctx, tx, sub, nil)
	return s.writeBlockMove(ctx, tx, sub, moved, err, now)
}

// reviewBlock is reviewDebt for a subscription whose block may move though it owes
// nothing: an invoice it owes to has just expired (owesExpired: it is known to owe
// to an expired invoice) or been reopened.
func (s *Service) reviewBlock(ctx context.Context, tx *store.Conn, sub *domain.Subscription, owesExpired bool,
	now time.Time) error {
	moved, err := s.applyBlockMove(ctx, tx, sub, nil, true, owesExpired, nil)
	return s.writeBlockMove(ctx, tx, sub, moved, err, now)
}

// writeBlockMove writes sub when a review moved it.
func (s *Service) writeBlockMove(ctx context.Context, tx *store.Conn, sub *domain.Subscription, moved bool,
	err error, now time.Time) error {
	if err != nil || !moved {
		return err
	}
	sub.UpdatedAt = now
	return tx.UpdateSubscription(ctx, sub)
}

// applyDebtMove blocks or unblocks sub as its debt and credit limit and its expired
// invoices say (domain.BlockMove), in memory only (the caller writes it), and
// reports whether it moved. rules are those of its plan, read when nil. A
// subscription no debt could move (domain.DebtMayMove) is not looked at: one owing
// nothing owes no expired invoice either.
func (s *Service) applyDebtMove(ctx context.Context, tx *store.Conn, sub *domain.Subscription,
	rules *domain.BillingRules) (bool, error) {
	if !domain.DebtMayMove(sub) {
		return false, nil
	}
	return s.applyBlockMove(ctx, tx, sub, rules, false, false, nil)
}

// applyDebtMoveAfterOp is applyDebtMove for a subscription operation op has just
// brought back to a stable status. The expire pass blocks only subscriptions that
// are active or graced, so one busy when its invoice expired is blocked here; a
// subscription just created owes no invoice yet, so its delivery reads none.
func (s *Service) applyDebtMoveAfterOp(ctx context.Context, tx *store.Conn, sub *domain.Subscription,
	rules *domain.BillingRules, op domain.ProvisionOp, account *domain.Account) (bool, error) {
	if !domain.DebtMayMove(sub) {
		return false, nil
	}
	return s.applyBlockMove(ctx, tx, sub, rules, op != domain.ProvisionOpCreate, false, account)
}

// applyBlockMove is applyDebtMove for any subscription. Whether sub owes to an
// expired invoice is read only when that decides (domain.ExpiryDecides), and, unless
// expiring (an invoice of sub's has just expired or been reopened), only for a
// blocked subscription: a move of the debt may unblock it, but never blocks it for
// an expiry, which the expire pass does, so the moves of debt on every order and
// provisioning outcome cost no more statements. owesExpired: sub is known to owe
// to an expired invoice, so nothing is read. account is sub's account if the
// transaction has read it (see subscriptionCreditLimit), else nil.
func (s *Service) applyBlockMove(ctx context.Context, tx *store.Conn, sub *domain.Subscription,
	rules *domain.BillingRules, expiring, owesExpired bool, account *domain.Account) (bool, error) {
	if sub.PaymentModel != domain.PaymentModelPostpay {
		return false, nil
	}
	limit, err := subscriptionCreditLimit(ctx, tx, sub, account)
	if err != nil {
		return false, err
	}
	expired := owesExpired
	if !expired && domain.ExpiryDecides(sub, limit) && (expiring || sub.Status == domain.SubscriptionStatusBlocked) {
		if expired, err = tx.HasExpiredInvoice(ctx, sub.AccountID, sub.ID); err != nil {
			return false, err
		}
	}
	ev, ok := domain.BlockMove(sub, limit, expired)
	if !ok {
		return false, nil
	}
	if rules == nil {
		plan, err := s.planByID(ctx, tx, sub.PlanID)
		if err != nil {
			return false, err
		}
		r := plan.BillingType.Rules()
		rules = &r
	}
	if err := sub.Apply(domain.SubscriptionEvent{Kind: ev}, *rules); err != nil {
		return false, err
	}
	s.log.InfoContext(ctx, "postpaid block", "subscription_id", sub.ID, "event", ev,
		"current_debt", sub.CurrentDebt.String(), "credit_limit", limit.String(), "expired_invoice", expired)
	return true, nil
}

// subscriptionCreditLimit is sub's credit limit (domain.SubscriptionCreditLimit),
// reading its account only when the limit is the account's and account, the one the
// transaction read already (nil for none), is not it. The account's row is
// not locked: a change of its limit reviews its subscriptions after it commits
// (a JobReviewAccountDebts job).
func subscriptionCreditLimit(ctx context.Context, tx *store.Conn, sub *domain.Subscription,
	account *domain.Account) (domain.Amount, error) {
	if !sub.CreditLimitUseSystem {
		return sub.CreditLimit, nil
	}
	if account != nil && account.ID == sub.AccountID {
		return domain.SubscriptionCreditLimit(sub, account), nil
	}
	accs, err := tx.FindAccountsByIDs(ctx, []int64{sub.AccountID})
	if err != nil {
		return 0, err
	}
	if len(accs) == 0 { // a limit of 0 would read as none and unblock it
		return 0, fmt.Errorf("subscription %d: its account %d is missing", sub.ID, sub.AccountID)
	}
	return domain.SubscriptionCreditLimit(sub, accs[0]), nil
}

// refuseOverCredit refuses o, a postpaid order on sub (of account acc) placed by a
// manager or the API, when its total would bring sub's current debt above its credit
// limit: 422 order_credit_limit at the order's total. sub is read for update (or
// new), so two orders never both pass on one debt.
func refuseOverCredit(o *domain.Order, sub *domain.Subscription, acc *domain.Account) error {
	if o.PaymentModel != domain.PaymentModelPostpay {
		return nil
	}
	if domain.OrderOverCredit(sub.CurrentDebt, o.Total, domain.SubscriptionCreditLimit(sub, acc)) {
		return domain.FieldError(ptrOrderTotal, domain.MsgOrderCreditLimit)
	}
	return nil
}

// ptrOrderTotal points at an order's total, what the credit limit refuses.
const ptrOrderTotal = "/data/attributes/total"

// addOrdersDebt adds to the debt of each of subs, read for update, what charges, the
// new charges of orders (each of the subscription at the same place), owe, in one
// statement sent with the commit. A sale's debt went in with its subscription
// (writeOrder). The subscription is not blocked here: provisioning moves it next,
// and its outcome reviews the debt.
func addOrdersDebt(ctx context.Context, tx *store.Conn, orders []*domain.Order, subs []*domain.Subscription,
	charges []*domain.Charge) error {
	var owing []*domain.Subscription
	for i, sub := range subs {
		if orders[i].Kind != domain.SalesOrder {
			owing = append(owing, sub)
		}
	}
	_, err := addChargesDebt(ctx, tx, owing, charges)
	return err
}

// addChargesDebt adds what charges owe (domain.ChargeDebt) to the debts of subs,
// read for update, in one statement sent with the commit, and returns the
// subscriptions whose debt moved. A subscription listed twice (two orders of one
// batch) moves once; charges of a subscription not in subs are not counted.
func addChargesDebt(ctx context.Context, tx *store.Conn, subs []*domain.Subscription,
	charges []*domain.Charge) ([]*domain.Subscription, error) {
	owed := map[int64]domain.Amount{}
	for _, c := range charges {
		owed[c.SubscriptionID] += domain.ChargeDebt(c)
	}
	var (
		moved  []*domain.Subscription
		deltas []domain.Amount
	)
	for _, sub := range subs {
		if owed[sub.ID] == 0 {
			continue
		}
		moved, deltas = append(moved, sub), append(deltas, owed[sub.ID])
		delete(owed, sub.ID)
	}
	return moved, tx.AddSubscriptionDebts(ctx, moved, deltas)
}

// settleInvoiceDebt takes what the invoice p pays owed off its subscriptions'
// debts once p is completed, and unblocks those back within their limits. The
// invoice is locked after the payment, the subscriptions after it in id order,
// before any account.
func (s *Service) settleInvoiceDebt(ctx context.Context, tx *store.Conn, p *domain.Payment, now time.Time) error {
	if p.InvoiceID == 0 || p.Status != domain.PaymentStatusCompleted {
		return nil
	}
	return s.settleInvoice(ctx, tx, p.InvoiceID, now)
}

// settleInvoice marks invoice id's debt settled and takes its share off each of its
// subscriptions' debts, reviewing their blocks; an invoice settled already moves
// nothing.
func (s *Service) settleInvoice(ctx context.Context, tx *store.Conn, id int64, now time.Time) error {
	settled, err := tx.SettleInvoiceDebt(ctx, id)
	if err != nil || !settled {
		return err
	}
	shares, err := tx.InvoiceDebtShares(ctx, id)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(shares))
	for id := range shares {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		sub, err := tx.FindSubscriptionForUpdate(ctx, 0, id)
		if err != nil {
			return err
		}
		// A share of 0 moves no debt, but the subscription is reviewed all the same.
		if shares[id] == 0 {
			err = s.reviewDebt(ctx, tx, sub, now)
		} else {
			err = s.moveDebt(ctx, tx, sub, -shares[id], now)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// reviewAccountDebts blocks or unblocks the postpaid subscriptions of account id
// whose limit is the account's, after its credit limit changed, each in a
// transaction of its own (the account's row is locked after the subscriptions', so
// not in the one that changed it: that one writes a JobReviewAccountDebts job).
// Each review decides from the debt and limit as committed then, so running it
// again changes nothing. A subscription no limit could move as read (owing nothing,
// or in another status) is not locked: a later move of its debt, or the end of its
// operation, reviews it under the new limit, committed before this runs.
func (s *Service) reviewAccountDebts(ctx context.Context, id int64) error {
	subs, err := s.db.Reader().FindSubscriptionsOfAccounts(ctx, []int64{id})
	if err != nil {
		return err
	}
	for _, seen := range subs {
		if !seen.CreditLimitUseSystem || !domain.DebtMayMove(seen) {
			continue
		}
		err := s.inTx(ctx, func(tx *store.Conn) error {
			sub, err := tx.FindSubscriptionForUpdate(ctx, 0, seen.ID)
			if err != nil {
				return err
			}
			return s.reviewDebt(ctx, tx, sub, s.clock.Now())
		})
		if err != nil {
			return err
		}
	}
	return nil
}
