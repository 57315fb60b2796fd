package service

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestProvisionRerunOfAppliedOrder runs an order's provisioning job again after its
// outcome was applied and a second order of the same kind put the subscription back
// into the same transitional status: the second run changes nothing, and the vendor
// is not asked again; the second order is applied by its own job.
func TestProvisionRerunOfAppliedOrder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetup(t, e)
		sub := w.active("monthly")
		renew := func(day string) *domain.Order {
			t.Helper()
			w.at(day, 10, 0, 0)
			o, err := w.s.CreateSubscriptionOrder(ctx, w.admin, domain.OperatorID, domain.SubscriptionOrderInput{
				Kind: domain.RenewalOrder, SubscriptionID: &sub.ID, PlanPeriodID: &sub.PlanPeriodID}, OrderSource{})
			if err != nil {
				t.Fatalf("renewal order on %s: %v", day, err)
			}
			return o
		}
		first := renew(sub.ExpirationDate.String())
		var firstJob domain.Job
		js, err := w.db.Reader().ListJobs(ctx, store.JobFilter{Kind: JobProvision, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			var p provisionPayload
			if json.Unmarshal(j.Payload, &p) == nil && p.OrderID == first.ID {
				firstJob = *j
			}
		}
		if firstJob.ID == "" {
			t.Fatalf("no provisioning job of order %d", first.ID)
		}
		if _, err := w.runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		renewed := w.wantSub(sub.ID, domain.SubscriptionStatusActive)
		if w.orderOf(first.ID).Status != domain.OrderStatusCompleted {
			t.Fatalf("order %d is %s, want completed", first.ID, w.orderOf(first.ID).Status)
		}
		second := renew(renewed.ExpirationDate.String())
		w.wantSub(sub.ID, domain.SubscriptionStatusRenewing)

		calls := 0
		w.s.opts.Provisioner = provisionerFunc(func(context.Context, ProvisionRequest) (ProvisionOutcome, error) {
			calls++
			return ProvisionOutcome{Done: true}, nil
		})
		if _, err := w.s.runProvision(ctx, firstJob); err != nil {
			t.Fatalf("run the job of order %d again: %v", first.ID, err)
		}
		if got := w.wantSub(sub.ID, domain.SubscriptionStatusRenewing); got.ExpirationDate != renewed.ExpirationDate {
			t.Fatalf("expiration %s after the rerun, want %s", got.ExpirationDate, renewed.ExpirationDate)
		}
		if calls != 0 {
			t.Fatalf("vendor asked %d times by the rerun, want 0", calls)
		}
		if _, err := w.runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.wantSub(sub.ID, domain.SubscriptionStatusActive); !got.ExpirationDate.After(renewed.ExpirationDate) {
			t.Fatalf("expiration %s after the second renewal, want after %s", got.ExpirationDate, renewed.ExpirationDate)
		}
		if calls != 1 || w.orderOf(second.ID).Status != domain.OrderStatusCompleted {
			t.Fatalf("second order %s after %d vendor calls, want completed after 1", w.orderOf(second.ID).Status, calls)
		}
	})
}

// provisionerFunc is a Provisioner of one function.
type provisionerFunc func(context.Context, ProvisionRequest) (ProvisionOutcome, error)

func (f provisionerFunc) Provision(ctx context.Context, req ProvisionRequest) (ProvisionOutcome, error) {
	return f(ctx, req)
}
