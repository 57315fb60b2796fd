package service

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestSalesOrderAfterCatalogChange holds that a sale priced against the plan held in
// memory never uses it once the catalogue has changed: the next sale sees the new
// price, and a plan withdrawn since is refused.
func TestSalesOrderAfterCatalogChange(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetup(t, e)
		if got := w.order(w.prepaid, "prepay", "monthly", "").Total.String(); got != "10.0" {
			t.Fatalf("first order total %s, want 10.0", got)
		}
		apply := func(catalogue string) {
			t.Helper()
			if _, err := w.s.ApplyCatalog(ctx, w.admin, domain.OperatorID, []byte(catalogue), false); err != nil {
				t.Fatalf("apply the catalogue: %v", err)
			}
		}
		apply(strings.Replace(psCatalog, `recurring_fee: "10.00"}]}
  - {key: approved`, `recurring_fee: "12.50"}]}
  - {key: approved`, 1))
		if got := w.order(w.prepaid, "prepay", "monthly", "").Total.String(); got != "12.5" {
			t.Fatalf("order total after the price change %s, want 12.5", got)
		}
		plan := w.plan("monthly")
		apply(strings.Replace(psCatalog, `name: Monthly, currency: EUR, status: active`,
			`name: Monthly, currency: EUR, status: inactive`, 1))
		model := "prepay"
		_, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, domain.SalesOrderInput{AccountID: &w.prepaid,
			PlanID: &plan.ID, PlanPeriodID: &plan.Periods[0].ID, PaymentModel: &model}, OrderSource{})
		var de *domain.Error
		if !errors.As(err, &de) || de.Pointer != domain.PtrSalesPlan || de.Message != domain.MsgPlanNotFound {
			t.Fatalf("order of a withdrawn plan: %v, want %s at %s", err, domain.MsgPlanNotFound, domain.PtrSalesPlan)
		}
	})
}

// plan returns the operator's plan with the given key.
func (w *psWorld) plan(key string) *domain.Plan {
	w.t.Helper()
	plans, _, err := w.db.Reader().FindPlans(context.Background(), store.PlanFilter{ResellerID: domain.OperatorID,
		Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, p := range plans {
		if p.Key == key {
			return p
		}
	}
	w.t.Fatalf("no plan %s", key)
	return nil
}
