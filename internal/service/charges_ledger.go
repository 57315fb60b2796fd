package service

import (
	"context"
	"slices"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// The account ledger's hooks (docs/billing.md): each runs in the transaction that
// moves the order or payment it follows, after that transaction's other locks
// (order, payment, subscription), so the account's row is always locked last and
// two writers never hold each other's rows in opposite orders.

// chargeMoves is how a step of an order moves its charges: each charge in a status
// of the map becomes the status it maps to. prepaidOnly leaves postpaid charges
// where they are (the billing pass closes them).
type chargeMoves struct {
	to          map[domain.ChargeStatus]domain.ChargeStatus
	prepaidOnly bool
}

var (
	// chargesOnPay: the order is paid (or accepted without a payment): its prepaid
	// charges reserve their funds.
	chargesOnPay = chargeMoves{to: map[domain.ChargeStatus]domain.ChargeStatus{
		domain.ChargeNew: domain.ChargeBlocked}}
	// chargesOnComplete: the order is provisioned: its prepaid charges are written
	// off the balance and its refunds paid back to it.
	chargesOnComplete = chargeMoves{prepaidOnly: true, to: map[domain.ChargeStatus]domain.ChargeStatus{
		domain.ChargeBlocked: domain.ChargeClosed, domain.ChargeWaitingForRefund: domain.ChargeRefunded}}
	// chargesOnDrop: the order ends unprovisioned: what is still open is deleted and
	// the funds it reserved released.
	chargesOnDrop = chargeMoves{to: map[domain.ChargeStatus]domain.ChargeStatus{
		domain.ChargeNew: domain.ChargeDeleted, domain.ChargeOpened: domain.ChargeDeleted,
		domain.ChargeBlocked: domain.ChargeDeleted, domain.ChargeWaitingForRefund: domain.ChargeDeleted}}
)

// accountMove is money to move on one account: the deltas of its balance and
// blocked funds, and need, the available balance the account must have before the
// move (a payment from the balance), zero for none.
type accountMove struct {
	balance, blocked, need domain.Amount
}

// addCharge adds to m the money that moving c to status to moves on its account,
// after checking the move is one a charge may make (domain.CheckChargeMove).
func (m *accountMove) addCharge(c *domain.Charge, to domain.ChargeStatus) error {
	if err := domain.CheckChargeMove(c.Status, to); err != nil {
		return err
	}
	balance, blocked := domain.LedgerMove(c, to)
	m.balance, m.blocked = m.balance+balance, m.blocked+blocked
	return nil
}

// chargeOrders makes the charges of orders, just written, each for the
// subscription at the same place of subs (domain.ChargesOfOrder), in multi-row
// INSERTs sent with the commit. An order accepted at once (it waits for no
// payment: postpaid, free, or refunding more than it costs) has its prepaid charges
// blocked from the start, their funds reserved on the account.
func (s *Service) chargeOrders(ctx context.Context, tx *store.Conn, orders []*domain.Order,
	subs []*domain.Subscription, now time.Time) error {
	var (
		all   []*domain.Charge
		moves = map[int64]accountMove{}
	)
	for i, o := range orders {
		charges := domain.ChargesOfOrder(o, subs[i], now, s.opts.Location)
		if o.Status != domain.OrderStatusWaitingForPayment {
			for _, c := range charges {
				if to, ok := chargesOnPay.to[c.Status]; ok {
					m := moves[c.AccountID]
					_, blocked := domain.LedgerMove(c, to)
					m.blocked += blocked
					moves[c.AccountID] = m
					c.Status = to
				}
			}
		}
		all = append(all, charges...)
	}
	if err := tx.CreateCharges(ctx, all); err != nil {
		return err
	}
	if err := addOrdersDebt(ctx, tx, orders, subs, all); err != nil {
		return err
	}
	return moveAccounts(ctx, tx, moves, now)
}

// chargeOrder is chargeOrders for one order.
func (s *Service) chargeOrder(ctx context.Context, tx *store.Conn, o *domain.Order, sub *domain.Subscription, now time.Time) error {
	return s.chargeOrders(ctx, tx, []*domain.Order{o}, []*domain.Subscription{sub}, now)
}

// moveOrderCharges moves the charges of o, read for update, by moves at now, and
// the money that moves on o's account, plus extra (a payment's). A charge already
// past the step is left alone, so a step taken again changes nothing.
func (s *Service) moveOrderCharges(ctx context.Context, tx *store.Conn, o *domain.Order, moves chargeMoves,
	extra accountMove, now time.Time) error {
	if moves.prepaidOnly && o.PaymentModel != domain.PaymentModelPrepay {
		return moveAccounts(ctx, tx, map[int64]accountMove{o.AccountID: extra}, now) // no charge of o moves
	}
	var sub *domain.Subscription
	if o.PaymentModel == domain.PaymentModelPostpay {
		// Its debt moves with the charges: the subscription's row is locked before
		// theirs, as close_charges takes them.
		var err error
		if sub, err = tx.FindSubscriptionForUpdate(ctx, 0, o.SubscriptionID); err != nil {
			return err
		}
	}
	from := make([]domain.ChargeStatus, 0, len(moves.to))
	for st := range moves.to {
		from = append(from, st)
	}
	slices.Sort(from)
	charges, err := tx.FindOrderChargesForUpdate(ctx, o.ID, from...)
	if err != nil {
		return err
	}
	m := extra
	var debt domain.Amount
	byTarget := map[domain.ChargeStatus][]*domain.Charge{}
	for _, c := range charges {
		if moves.prepaidOnly && c.PaymentModel != domain.PaymentModelPrepay {
			continue
		}
		to := moves.to[c.Status]
		if err := m.addCharge(c, to); err != nil {
			return err
		}
		debt += domain.ChargeDebtMove(c, to)
		byTarget[to] = append(byTarget[to], c)
	}
	day := s.today(now)
	for _, to := range domain.ChargeStatuses { // a fixed order of statements
		closeDate := domain.Date{}
		if to == domain.ChargeClosed || to == domain.ChargeRefunded {
			closeDate = day
		}
		if err := tx.MoveCharges(ctx, byTarget[to], to, closeDate, now); err != nil {
			return err
		}
	}
	if sub != nil {
		if err := s.moveDebt(ctx, tx, sub, debt, now); err != nil {
			return err
		}
	}
	return moveAccounts(ctx, tx, map[int64]accountMove{o.AccountID: m}, now)
}

// moveAccounts locks each account of moves that has money to move, in the order
// of their ids, and moves it (store.Conn.MoveAccountMoney). An account short of
// the available balance a move needs refuses it: 422 payment_from_balance.
func moveAccounts(ctx context.Context, tx *store.Conn, moves map[int64]accountMove, now time.Time) error {
	ids := make([]int64, 0, len(moves))
	for id, m := range moves {
		if m.balance != 0 || m.blocked != 0 || m.need != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		m := moves[id]
		a, err := tx.FindAccountForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if m.need > 0 && a.AvailableBalance() < m.need {
			return errNotByBalance()
		}
		if err := moveMoney(ctx, tx, a, m.balance, m.blocked, now); err != nil {
			return err
		}
	}
	return nil
}

// paymentMoney is what completing p puts on its account's balance: its total,
// unless it pays a postpaid invoice, whose money settles the invoice instead.
func paymentMoney(p *domain.Payment) accountMove {
	if p.InvoiceID != 0 {
		return accountMove{}
	}
	return accountMove{balance: p.Total}
}
