package benchseed

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// BillingRenewalAfter is how many days after the billing day the subscriptions of
// BillingSubscriptions renew: late enough that no renewal falls due before the
// billing pass runs, so the pass is the only work of the advance to the billing day.
const BillingRenewalAfter = 10

// BillingSubscriptions adds n active postpaid subscriptions to a reseller, like
// RenewingSubscriptions (on BillingCatalog's plans, whose billing day is day's), each
// with the charges its sales order made: blocked postpaid charges of a period that
// started before day, which the billing pass closes and invoices on day. Their
// renewals fall BillingRenewalAfter days after day. All are postpaid: a postpaid
// charge is the billing pass's whole work (closed, gathered, its invoice paid by a
// payment of its own), where a prepaid one is only listed.
func BillingSubscriptions(ctx context.Context, db *store.DB, now time.Time, resellerID int64, n int, day domain.Date) error {
	return renewingOn(ctx, db, now, resellerID, n, day.AddDays(BillingRenewalAfter), func(int) (domain.PaymentModel, bool) {
		return domain.PaymentModelPostpay, true
	})
}
