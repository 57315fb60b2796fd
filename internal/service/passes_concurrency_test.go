package service

import (
	"context"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestPassesConcurrentNodes runs the lifecycle passes at once from two services, each
// with its own connection pool over one database, as two scheduler processes whose
// leases another pass kept apart no longer would: every transition happens once, and
// every operation is sent to the vendor once.
func TestPassesConcurrentNodes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetup(t, e)
		other := psNewService(t, storetest.Open(t, e), w.clock)
		const n = 12
		var renewing, off, unpaid []int64
		for i := range n {
			sub := w.active("monthly")
			if i%2 == 0 {
				w.edit(sub.ID, func(s *domain.Subscription) { s.Autorenew = false })
				off = append(off, sub.ID)
			} else {
				renewing = append(renewing, sub.ID)
			}
			unpaid = append(unpaid, w.order(w.prepaid, "prepay", "monthly", "").ID)
		}
		// Both nodes run every pass three times over, small batches, all at once.
		race := func(name string, day string) {
			t.Helper()
			now := w.at(day, 0, 0, 0)
			var wg sync.WaitGroup
			errs := make(chan error, 6)
			for _, svc := range []*Service{w.s, other, w.s, other, w.s, other} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, p := range svc.Passes() {
						if p.Name() == name {
							p.(*lifecyclePass).batch = 5
							errs <- p.Run(ctx, now)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if _, err := w.runner.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		race("expire_unpaid_orders", "2031-03-13")
		for _, id := range unpaid {
			o := w.orderOf(id)
			p, err := w.db.Reader().FindPaymentByID(ctx, 0, o.PaymentID)
			if o.Status != domain.OrderStatusCancelled || err != nil || p.Status != domain.PaymentStatusCancelled {
				t.Fatalf("order %d %s, payment %v %v; want both cancelled", id, o.Status, p, err)
			}
		}
		race("end_subscription_periods", "2031-04-10")
		race("end_subscription_graces", "2031-04-15")
		race("delete_stopped_subscriptions", "2031-04-20")
		race("delete_stopped_subscriptions", "2031-04-25")
		for _, id := range append(off, renewing...) {
			w.wantSub(id, domain.SubscriptionStatusDeleted)
			got := w.provisionJobs(id)
			want := map[domain.ProvisionOp]int{domain.ProvisionOpCreate: 1, domain.ProvisionOpStop: 1, domain.ProvisionOpDelete: 1}
			if len(got) != len(want) || got[domain.ProvisionOpCreate] != 1 || got[domain.ProvisionOpStop] != 1 ||
				got[domain.ProvisionOpDelete] != 1 {
				t.Fatalf("subscription %d jobs %v, want %v", id, got, want)
			}
		}
	})
}
