package app

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestDemoEuroPlan: the demo operator sells in US dollars, prices Managed Backup EU in
// euros and sets an EUR rate, so an order of that plan is priced in dollars.
func TestDemoEuroPlan(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		cfg := testConfig(e.URL)
		cfg.Demo, cfg.Workers = true, false
		m := NewMain(cfg)
		if err := m.Run(ctx); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		admin := client.New(m.URL(), cfg.AdminToken)
		rates, err := admin.GetCurrencyRates(ctx, domain.OperatorID)
		if err != nil {
			t.Fatal(err)
		}
		if rates.ResellerCurrencyISOCode != "USD" || len(rates.Rates) != 1 || rates.Rates[0].ISOCode != "EUR" ||
			rates.Rates[0].Rate != demoEURRate {
			t.Fatalf("demo operator's rates %+v", rates)
		}
		plans, err := admin.ListPlans(ctx, domain.OperatorID, &client.ListOptions{Filter: map[string]string{"key": "backup-eu"}})
		if err != nil || len(plans.Items) != 1 {
			t.Fatalf("backup-eu: %+v, %v", plans, err)
		}
		plan := plans.Items[0]
		accounts, err := admin.ListAccounts(ctx, domain.OperatorID,
			&client.ListOptions{Filter: map[string]string{"email": "paula@customer.example"}})
		if err != nil || len(accounts.Items) != 1 {
			t.Fatalf("Paula: %+v, %v", accounts, err)
		}
		o, err := admin.CreateSalesOrder(ctx, domain.OperatorID, client.SalesOrderInput{AccountID: accounts.Items[0].ID,
			PlanID: plan.ID, PlanPeriodID: plan.Periods[0].ID, PaymentModel: "prepay",
			Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: plan.Resources[0].ID, Quantity: 1}}}})
		if err != nil {
			t.Fatal(err)
		}
		// 18.00 EUR a month with one TB included, at 1.08 USD per EUR.
		if o.Total != "19.44" || o.Currency != "USD" {
			t.Fatalf("order of backup-eu: %s %s, want 19.44 USD", o.Total, o.Currency)
		}
	})
}
