package app

import (
	"context"
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestDemoSubscriptionsHaveRealStatuses starts --demo without job workers, so every
// status the API shows comes from the demo's own orders, payments, stop and
// provisioning runs; a second start on the same database buys nothing more.
func TestDemoSubscriptionsHaveRealStatuses(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		cfg := testConfig(e.URL)
		cfg.Demo, cfg.Workers = true, false
		m := NewMain(cfg)
		if err := m.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if len(m.DemoSubscriptions) != len(demoSales) {
			t.Fatalf("demo bought %d subscriptions, want %d", len(m.DemoSubscriptions), len(demoSales))
		}
		admin := client.New(m.URL(), cfg.AdminToken)
		type want struct {
			reseller            int64
			status, model       string
			trial               bool
			orderStatus, payKey string // payKey: the payment's status, "" for no payment
		}
		wants := []want{
			{1, "active", "prepay", false, "completed", "completed"},
			{2, "active", "postpay", false, "completed", ""},
			{2, "active", "prepay", true, "completed", ""},
			{1, "stopped", "prepay", false, "completed", "completed"},
			{3, "ordered", "prepay", false, "waiting_for_payment", "waiting_for_payment"},
		}
		for i, w := range wants {
			d := m.DemoSubscriptions[i]
			sub, err := admin.GetSubscription(ctx, w.reseller, d.SubscriptionID, nil)
			if err != nil {
				t.Fatalf("subscription %d (%s): %v", d.SubscriptionID, d.Note, err)
			}
			if sub.Status != w.status || sub.PaymentModel != w.model || sub.Trial != w.trial || string(d.Status) != w.status {
				t.Errorf("%s: subscription %d is %s, %s, trial %v (printed %s); want %s, %s, trial %v",
					d.Note, sub.ID, sub.Status, sub.PaymentModel, sub.Trial, d.Status, w.status, w.model, w.trial)
			}
			o, err := admin.GetOrder(ctx, w.reseller, d.OrderID, nil)
			if err != nil {
				t.Fatalf("order %d: %v", d.OrderID, err)
			}
			if o.Status != w.orderStatus || o.Type != string(domain.SalesOrder) || o.SubscriptionID != sub.ID {
				t.Errorf("%s: order %d is %s %s of subscription %d; want SalesOrder %s of %d",
					d.Note, o.ID, o.Type, o.Status, o.SubscriptionID, w.orderStatus, sub.ID)
			}
			switch {
			case w.payKey == "" && o.PaymentID != nil:
				t.Errorf("%s: order %d has payment %d, want none", d.Note, o.ID, *o.PaymentID)
			case w.payKey != "" && o.PaymentID == nil:
				t.Errorf("%s: order %d has no payment", d.Note, o.ID)
			case w.payKey != "":
				p, err := admin.GetPayment(ctx, w.reseller, *o.PaymentID)
				if err != nil || p.Status != w.payKey {
					t.Errorf("%s: payment %d = %+v, %v; want %s", d.Note, *o.PaymentID, p, err, w.payKey)
				}
			}
		}
		// Every demo subscription lies below the operator: its own two, and three below.
		operatorOnly := &client.ListOptions{Filter: map[string]string{"reseller_id": fmt.Sprint(domain.OperatorID)}}
		own, err := admin.ListSubscriptions(ctx, domain.OperatorID, operatorOnly)
		if err != nil || own.TotalCount != 2 {
			t.Fatalf("the operator's subscriptions: %+v, %v; want 2", own, err)
		}
		all, err := admin.ListSubscriptions(ctx, domain.OperatorID, nil)
		if err != nil || all.TotalCount != 5 {
			t.Fatalf("the subscriptions of the operator's subtree: %+v, %v; want 5", all, err)
		}
		below, err := admin.ListChildResellerSubscriptions(ctx, domain.OperatorID, nil)
		if err != nil || below.TotalCount != 3 {
			t.Fatalf("subscriptions below the operator: %+v, %v; want 3", below, err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}

		again := NewMain(cfg)
		if err := again.Run(ctx); err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if len(again.DemoSubscriptions) != 0 || len(again.DemoTokens) != 0 {
			t.Fatalf("second start bought %d subscriptions and made %d managers; want none",
				len(again.DemoSubscriptions), len(again.DemoTokens))
		}
		orders, err := client.New(again.URL(), cfg.AdminToken).ListOrders(ctx, domain.OperatorID, operatorOnly)
		if err != nil || orders.TotalCount != 2 {
			t.Fatalf("the operator's orders after a second start: %+v, %v; want the first start's 2", orders, err)
		}
	})
}
