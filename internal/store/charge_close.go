package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

// FindChargesToCloseForUpdate returns the charges of subscription id in statuses,
// by id, but those a closing made already (a postpaid closing's stay blocked for the
// billing pass), holding their rows until the transaction ends: closing a
// subscription's charges moves them.
func (c *Conn) FindChargesToCloseForUpdate(ctx context.Context, id int64, statuses ...domain.ChargeStatus) ([]*domain.Charge, error) {
	lock, err := c.lockClause(forUpdate, "ch")
	if err != nil {
		return nil, err
	}
	in, arg := oneOf(c.db.engine, "ch.status", 2, enumTexts(statuses))
	out, err := collect(ctx, c, "SELECT "+chargeColumns+" FROM charges ch WHERE ch.subscription_id = $1 AND "+in+
		" AND ch.billing_key NOT LIKE $3 ORDER BY ch.id"+lock, []any{id, arg, domain.ClosingKeyPrefix + "%"}, scanCharge)
	if err != nil {
		return nil, fmt.Errorf("charges of subscription %d: %w", id, err)
	}
	for _, ch := range out {
		c.lockedForUpdate("charges", ch.ID)
	}
	return out, nil
}
