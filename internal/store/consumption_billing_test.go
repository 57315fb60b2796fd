package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestBillingPassQueriesSeekTheirRows checks the plans of the billing passes'
// queries whose cost must not grow with the history of reads and invoices:
//   - ConsumersToBill walks the subscriptions by primary key from the page's start
//     and seeks each one's reads of the window in
//     subscription_consumption_subscription_to (SQLite: "SEARCH s USING INTEGER
//     PRIMARY KEY (rowid>?)", then "SEARCH sc EXISTS USING COVERING INDEX ...
//     (subscription_id=? AND period_to>? AND period_to<?)");
//   - ConsumptionEnded seeks a batch's subscriptions and window in the same index
//     (the sort that follows is of the batch's reads only);
//   - InvoicedPeriods seeks each (account, payment model, first day) in the unique
//     index invoices_account_period;
//   - ConsumptionBillingDays reads the catalogue (plans, products, service terms) and
//     probes subscription_consumption for one row: it touches no subscription and
//     no read schedule, so its cost is the catalogue's size.
func TestBillingPassQueriesSeekTheirRows(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		ctx := context.Background()
		seek := map[string]string{"sqlite": "(subscription_id=? AND period_to>? AND period_to<?)",
			"postgres": "subscription_consumption_subscription_to"}[e.Name]
		cases := []struct {
			name    string
			explain func(context.Context) ([]string, error)
			want    []string
			bounded bool // no full scan and no sort at all
		}{
			{"ConsumersToBill", db.ExplainConsumersToBill, []string{"subscription_consumption_subscription_to", seek}, true},
			{"ConsumptionEnded", db.ExplainConsumptionEnded, []string{"subscription_consumption_subscription_to", seek}, false},
			{"InvoicedPeriods", db.ExplainInvoicedPeriods, []string{map[string]string{
				"sqlite":   "invoices_account_period (account_id=? AND payment_model=? AND from_date=?)",
				"postgres": "(from_date = "}[e.Name]}, false},
			{"SubzeroAccounts", db.ExplainSubzeroAccounts, []string{"accounts_subzero"}, true},
		}
		for _, c := range cases {
			plan, err := c.explain(ctx)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			text := strings.Join(plan, "\n")
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s: the plan has no %q:\n%s", c.name, w, text)
				}
			}
			if problem := planProblem(e.Name, plan); c.bounded && problem != "" {
				t.Errorf("%s: %s in the plan:\n%s", c.name, problem, text)
			}
		}
		plan, err := db.ExplainConsumptionBillingDays(ctx)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		for _, table := range []string{"subscriptions", "subscription_vendor_reads", " s ", " r "} {
			if strings.Contains(text, table) {
				t.Errorf("ConsumptionBillingDays reads %q:\n%s", table, text)
			}
		}
	})
}
