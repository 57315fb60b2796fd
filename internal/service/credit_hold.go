package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Credit hold (docs/billing.md, "Balance, credit and holds"): an account whose
// available balance falls below minus its effective credit limit goes on credit
// hold in the transaction that moved the money, and back to active in the one that
// brings it within the limit again (a top-up, a correction, a refund).

// moveMoney moves balance and blocked on acc, read for update
// (store.Conn.MoveAccountMoney), and then sets or lifts its credit hold.
func moveMoney(ctx context.Context, tx *store.Conn, acc *domain.Account, balance, blocked domain.Amount, now time.Time) error {
	if err := tx.MoveAccountMoney(ctx, acc, balance, blocked, now); err != nil {
		return err
	}
	return applyCreditHold(ctx, tx, acc, now)
}

// applyCreditHold puts acc, read for update, on credit hold or takes it off as its
// money says (domain.Account.CreditHoldMove).
func applyCreditHold(ctx context.Context, tx *store.Conn, acc *domain.Account, now time.Time) error {
	next, moves := acc.CreditHoldMove(now)
	if !moves {
		return nil
	}
	acc.Status, acc.UpdatedAt = next, now
	if err := tx.SetAccountStatus(ctx, acc); err != nil {
		return err
	}
	// Its subscriptions follow in a job of their own (credit_hold_subscriptions.go).
	return enqueueCreditHoldJob(tx, acc, now)
}

// refuseOnCreditHold refuses a new order for acc when it is on credit hold.
func refuseOnCreditHold(acc *domain.Account) error {
	if acc.Status == domain.AccountStatusCreditHold {
		return domain.FieldError(domain.PtrSalesAccount, domain.MsgAccountCreditHold)
	}
	return nil
}
