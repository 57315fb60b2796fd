package service

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// catalogMovingProvisioner applies a catalogue while the vendor is asked, so that
// the plan and terms the run read before the call are out of date by its outcome.
type catalogMovingProvisioner struct {
	w         *psWorld
	catalogue string
	calls     int
}

func (p *catalogMovingProvisioner) Provision(ctx context.Context, _ ProvisionRequest) (ProvisionOutcome, error) {
	p.calls++
	if _, err := p.w.s.ApplyCatalog(ctx, p.w.admin, domain.OperatorID, []byte(p.catalogue), false); err != nil {
		return ProvisionOutcome{}, err
	}
	return ProvisionOutcome{Done: true}, nil
}

// TestProvisionOutcomeAfterCatalogChange holds that an outcome applied after the
// catalogue changed during the vendor's call is applied on the plan read afresh:
// the subscription's update, checked against the generation the run's plan was read
// at, fails (on PostgreSQL it fails the commit it was sent with), and the outcome's
// transaction runs again without asking the vendor again, writing the automatic
// renewal day of the new terms.
func TestProvisionOutcomeAfterCatalogChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		moving := &catalogMovingProvisioner{catalogue: strings.Replace(psCatalog,
			"{key: short, name: Short, grace_period: 5,", "{key: short, name: Short, autorenew_point: 6, grace_period: 5,", 1)}
		w := psSetupWithOptions(t, e, psCatalog, func(o *Options) { o.Provisioner = moving })
		moving.w = w
		o := w.order(w.postpaid, "postpay", "monthly", "")
		if n, err := w.runner.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("ran %d jobs (%v), want 1", n, err)
		}
		if moving.calls != 1 {
			t.Fatalf("the vendor was asked %d times, want once", moving.calls)
		}
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCompleted {
			t.Fatalf("order %d is %s, want completed", o.ID, got.Status)
		}
		sub := w.wantSub(o.SubscriptionID, domain.SubscriptionStatusActive)
		var days store.AutomaticDays
		err := w.db.InTx(ctx, func(c *store.Conn) error {
			if _, err := c.FindSubscriptionForUpdate(ctx, 0, sub.ID); err != nil {
				return err
			}
			var err error
			days, err = c.FindAutomaticDays(ctx, sub.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rules := domain.BillingPayAsYouGo.Rules()
		terms := domain.DefaultTermSettings
		terms.AutoRenewPoint = 6
		want := sub.AutoRenewalDay(rules, terms)
		if days.Renewal != want || want == sub.ExpirationDate {
			t.Fatalf("renewal day %s, want %s: 6 days before the expiration date %s, by the terms applied during the call",
				days.Renewal, want, sub.ExpirationDate)
		}
	})
}
