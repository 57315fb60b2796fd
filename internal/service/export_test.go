package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/store"
)

// BillAccounts runs one batch of the billing pass at now over accounts ids, in its
// own transaction, as a run that is killed after that batch leaves it.
func BillAccounts(ctx context.Context, s *Service, ids []int64, now time.Time) error {
	return s.inTx(ctx, func(tx *store.Conn) error { return s.billAccounts(ctx, tx, ids, now) })
}
