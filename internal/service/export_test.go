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

// RunBillingPass runs the billing pass at now with batches of at most accounts
// accounts, telling batch the accounts of each transaction.
func RunBillingPass(ctx context.Context, s *Service, now time.Time, accounts int, batch func(ids []int64)) error {
	return (&billingPass{s: s, batch: accounts, onBatch: batch}).Run(ctx, now)
}

// SetBillingCharges sets the bound of charges per transaction of the billing pass
// and returns what restores it.
func SetBillingCharges(n int) (restore func()) {
	old := billingCharges
	billingCharges = n
	return func() { billingCharges = old }
}

// RunUsagePass runs the pass bill_consumption at now, as a fresh process would, with
// batches of at most subs subscriptions, telling batch the subscriptions of each
// transaction.
func RunUsagePass(ctx context.Context, s *Service, now time.Time, subs int, batch func([]store.ConsumerToBill)) error {
	return (&usagePass{s: s, batch: subs, onBatch: batch}).Run(ctx, now)
}
