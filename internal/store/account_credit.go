package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// SetAccountStatus writes a's status, which billing sets and lifts (credit hold),
// to the row the transaction read for update.
func (c *Conn) SetAccountStatus(ctx context.Context, a *domain.Account) error {
	if err := c.needLock("accounts", a.ID); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `UPDATE accounts SET status = $1, updated_at = $2 WHERE id = $3`,
		string(a.Status), micros(a.UpdatedAt), a.ID); err != nil {
		return fmt.Errorf("set status of account %d: %w", a.ID, err)
	}
	c.touch(AccountsScope(a.ResellerID))
	return nil
}
