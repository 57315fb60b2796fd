package benchseed

import (
	"context"
	"fmt"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// BillingRenewalAfter is how many days after the billing day the subscriptions of
// BillingSubscriptions renew: late enough that no renewal falls due before the
// billing pass runs, so the pass is the only work of the advance to the billing day.
const BillingRenewalAfter = 10

// BillingSubscriptions adds n active subscriptions to a reseller, like
// RenewingSubscriptions (on BillingCatalog's plans, whose billing day is day's), each
// with the charges its sales order made in a period that started before day. Their
// renewals fall BillingRenewalAfter days after day. prepaidPercent of every account's
// subscriptions (0 to 100, spread over the rounds of subscribeAll) are prepaid: their
// orders were paid by a completed payment and provisioned, their charges closed, so
// the billing pass lists them in a prepaid invoice. The others are postpaid, their
// charges blocked, which the pass closes and invoices on day: a postpaid charge is
// the billing pass's whole work (closed, gathered, its invoice paid by a payment of
// its own), where a prepaid one is only listed.
func BillingSubscriptions(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int, day domain.Date,
	prepaidPercent int) error {
	if prepaidPercent < 0 || prepaidPercent > 100 {
		return fmt.Errorf("a prepaid share of %d%%: want 0 to 100", prepaidPercent)
	}
	return renewingOn(ctx, db, now, resellerID, n, day.AddDays(BillingRenewalAfter), func(_, round int) subscriptionShape {
		// Round r is prepaid when r times the share falls in the first share of a
		// hundred: prepaidPercent in every hundred rounds, evenly apart, the first
		// round among them, so a few rounds have some too.
		if round*prepaidPercent%100 < prepaidPercent {
			return subscriptionShape{model: domain.PaymentModelPrepay, charged: true, paid: true}
		}
		return subscriptionShape{model: domain.PaymentModelPostpay, charged: true}
	})
}
