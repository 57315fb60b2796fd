package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindCreditHeldAccounts returns which of the given accounts are on credit hold, the
// one fact of an account a subscription's ability depends on, so a page of
// subscriptions reads one column of its accounts rather than whole accounts.
func (c *Conn) FindCreditHeldAccounts(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	in, arg := oneOf(c.db.engine, "a.id", 1, ids)
	err := eachRow(ctx, c, "SELECT a.id FROM accounts a WHERE "+in+" AND a.status = $2",
		[]any{arg, string(domain.AccountStatusCreditHold)}, func(sc scanner) error {
			var id int64
			if err := sc.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("find credit-held accounts: %w", err)
	}
	return out, nil
}
