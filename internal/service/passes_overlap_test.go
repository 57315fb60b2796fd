package service

import (
	"context"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestPassRenewBatchesOverlap runs the renewal pass in batches of 4 from two nodes
// at once, twice each, on subscriptions postpaid and prepaid, one of them with a
// change order waiting for its payment (left to the one-by-one step, which
// supersedes it). On PostgreSQL each node also runs two batches at once. Every
// subscription gets one renewal order, and the numbers have no gap.
func TestPassRenewBatchesOverlap(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, rnCatalog)
		var subs []int64
		for range 14 {
			subs = append(subs, w.active("monthly").ID)
		}
		for range 5 {
			sale := w.order(w.prepaid, "prepay", "monthly", "")
			w.pay(sale.PaymentID)
			subs = append(subs, sale.SubscriptionID)
		}
		w.at("2031-04-06", 12, 0, 0)
		sub := w.sub(subs[len(subs)-1])
		change, err := w.s.CreateSubscriptionOrder(ctx, w.admin, domain.OperatorID, domain.SubscriptionOrderInput{
			Kind: domain.ChangeOrder, SubscriptionID: &sub.ID,
			Changes: []domain.ResourceChange{{SubscriptionResourceID: sub.Resources[0].ID, Additional: 2}}}, OrderSource{})
		if err != nil {
			t.Fatal(err)
		}
		other := psNewService(t, storetest.Open(t, e), w.clock)
		midnight := w.at("2031-04-07", 0, 0, 0)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for _, svc := range []*Service{w.s, other, w.s, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, p := range svc.Passes() {
					if p.Name() == "renew_subscriptions" {
						lp := *p.(*lifecyclePass)
						lp.batch = 4
						errs <- lp.Run(ctx, midnight)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		docs := map[string]bool{}
		for _, id := range subs {
			o := w.onlyOrder(id, domain.RenewalOrder)
			docs[o.DocumentID] = true
		}
		for i := 1; i <= len(subs); i++ {
			if doc := domain.FormatDocumentID(domain.RenewalOrder, int64(i)); !docs[doc] {
				t.Fatalf("renewal orders %v: no %s", docs, doc)
			}
		}
		if got := w.orderOf(change.ID); got.Status != domain.OrderStatusCancelled {
			t.Fatalf("the pending change order is %s, want cancelled", got.Status)
		}
		if err := w.db.CheckListCounts(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
