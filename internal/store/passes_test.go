package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestDueQueriesWalkTheirIndex checks the engine's plan of every lifecycle pass's
// queries: each reads its partial index (migrations 0016, 0018, 0020) in order, with no scan of
// the orders or subscriptions and no sort, so a pass never reads every row.
func TestDueQueriesWalkTheirIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		indexes := map[string]string{"unpaid orders": "orders_unpaid_due", "delayed orders": "orders_delayed_due",
			"expiring subscriptions": "subscriptions_expiry_due", "grace ends": "subscriptions_grace_due",
			"deletions": "subscriptions_delete_due", "paid months": "subscriptions_paid_to_due",
			"automatic renewals": "subscriptions_renewal_due", "automatic prolongs": "subscriptions_prolong_due"}
		for _, q := range store.DueQueries {
			rows, next, err := db.ExplainDue(context.Background(), q)
			if err != nil {
				t.Fatalf("%s: %v", q.Name(), err)
			}
			for what, plan := range map[string][]string{"rows": rows, "next": next} {
				text := strings.Join(plan, "\n")
				if problem := planProblem(e.Name, plan); problem != "" {
					t.Errorf("%s %s: %s in the plan:\n%s", q.Name(), what, problem, text)
				}
				if !strings.Contains(text, indexes[q.Name()]) {
					t.Errorf("%s %s: the plan does not use %s:\n%s", q.Name(), what, indexes[q.Name()], text)
				}
			}
		}
	})
}

// TestInFlightOrderProbesItsIndex checks that FindInFlightOrder reads the partial
// index of the orders in flight, not every order the subscription ever had.
func TestInFlightOrderProbesItsIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		plan, err := db.ExplainInFlightOrder(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, store.OrderInFlightIndex) {
			t.Errorf("the plan does not use %s:\n%s", store.OrderInFlightIndex, text)
		}
	})
}
