package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// MoveAccountMoney adds balance and blocked (either may be negative) to account a,
// which the transaction read for update, and keeps a in step with the row. Every
// movement of money on an account goes through here, in the transaction that moves
// the charge, payment or correction it comes from, so the ledger's invariant
// (docs/billing.md) holds at every commit.
func (c *Conn) MoveAccountMoney(ctx context.Context, a *domain.Account, balance, blocked domain.Amount, at time.Time) error {
	if err := c.needLock("accounts", a.ID); err != nil {
		return err
	}
	if balance == 0 && blocked == 0 {
		return nil
	}
	// The stretch below zero starts and ends with the move that crosses zero
	// (domain.Account.NegativeSinceAfter), for the subzero period.
	moved := *a
	moved.Balance += balance
	moved.Blocked += blocked
	since := moved.NegativeSinceAfter(at)
	var sinceCol any
	if since != nil {
		sinceCol = micros(*since)
	}
	_, err := c.exec(ctx, `UPDATE accounts SET balance = balance + $1, blocked = blocked + $2, updated_at = $3,
		negative_since = $4 WHERE id = $5`, int64(balance), int64(blocked), micros(at), sinceCol, a.ID)
	if err != nil {
		return fmt.Errorf("move money of account %d: %w", a.ID, err)
	}
	a.Balance, a.Blocked, a.NegativeSince = moved.Balance, moved.Blocked, since
	a.UpdatedAt = at
	c.touch(AccountsScope(a.ResellerID))
	return nil
}
