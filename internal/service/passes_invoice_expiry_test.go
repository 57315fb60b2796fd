package service

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestInvoiceExpiryBlocksAfterOperation: a postpaid subscription in the middle of an
// operation when its invoice's payment expires is left to the operation, and is
// blocked once the operation brings it back.
func TestInvoiceExpiryBlocksAfterOperation(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		sale := w.order(w.postpaid, "postpay", "monthly", "")
		w.chRunJobs()
		sub := w.wantSub(sale.SubscriptionID, domain.SubscriptionStatusActive)
		w.allPasses("2031-04-01") // March's invoice, due on 15 April
		w.allPasses("2031-04-15")
		sub = w.wantSub(sub.ID, domain.SubscriptionStatusActive)

		w.subscriptionOrder(domain.SubscriptionOrderInput{Kind: domain.ChangeOrder, SubscriptionID: &sub.ID,
			Changes: []domain.ResourceChange{{SubscriptionResourceID: sub.Resources[0].ID, Additional: 1}}})
		w.wantSub(sub.ID, domain.SubscriptionStatusUpdating)
		if err := w.pass("expire_invoice_payments").Run(ctx, w.at("2031-04-16", 0, 0, 0)); err != nil {
			t.Fatal(err)
		}
		w.wantSub(sub.ID, domain.SubscriptionStatusUpdating)
		w.chRunJobs()
		w.wantSub(sub.ID, domain.SubscriptionStatusBlocked)
	})
}
