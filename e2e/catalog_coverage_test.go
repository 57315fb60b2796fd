package e2e

import (
	"fmt"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// Helpers of the OpenAPI coverage tests for the catalogue reads.

// ctCoverageCatalog sells two plans of one product, switchable one to the other,
// makes the first available to the reseller below (%d), and takes cash.
const ctCoverageCatalog = `
payment_methods:
  - {key: cash, name: Cash}
categories:
  - {key: cov, name: Coverage, priority: 1, public: true}
products:
  - key: cov-product
    name: Coverage Product
    type: saas
    category: cov
    integration: {mode: manual, email: cov@vendor.example}
plans:
  - key: cov-a
    product: cov-product
    name: Coverage A
    billing_type: csp_monthly
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "1.5"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 1, minimum: 1, limit: 10, recurring_fee: "0.5"}
    switch_to:
      - {plan: cov-b, type: immediate_switch}
    available_to:
      - {reseller: %d}
  - key: cov-b
    product: cov-product
    name: Coverage B
    billing_type: csp_monthly
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "2"}
`

// ctCoverageFixture is a catalogue at parent, with a plan delegated to child.
type ctCoverageFixture struct {
	parent, child  int64
	planA, product int64
	childPlan      int64
	// outsider is the token of a manager of child, which does not cover parent.
	outsider string
}

// ctCoverageSetup applies ctCoverageCatalog to parent, delegating to child.
func ctCoverageSetup(t *testing.T, s *server, parent, child int64) *ctCoverageFixture {
	t.Helper()
	ctApply(t, s.Admin, parent, fmt.Sprintf(ctCoverageCatalog, child))
	f := &ctCoverageFixture{parent: parent, child: child}
	plans := ctPlanQuery(t, s.Admin, parent, "filter[key]=cov-a")
	childPlans := ctPlanQuery(t, s.Admin, child, "filter[key]=cov-a")
	if len(plans.Items) != 1 || len(childPlans.Items) != 1 {
		t.Fatalf("coverage catalogue: %d and %d plans", len(plans.Items), len(childPlans.Items))
	}
	f.planA, f.product, f.childPlan = plans.Items[0].ID, plans.Items[0].ProductID, childPlans.Items[0].ID
	f.outsider = mustCreateManager(t, s.Admin, child, "owner").APIToken
	return f
}

// paths are the catalogue reads of the fixture, each answering 200 to the admin.
func (f *ctCoverageFixture) paths() []string {
	return []string{
		ctPath("/customer_store/resellers/%d/product_categories?per_page=1&sorting[field]=name&filters[public]=true", f.parent),
		ctPath("/customer_store/resellers/%d/products?filters[category]=coverage&sorting[field]=priority", f.parent),
		ctPath("/customer_store/resellers/%d/products/%d?plan_currency=false", f.parent, f.product),
		ctPath("/resellers/%d/plans?include=plan_category&filter[status]=active&sort=-name", f.parent),
		ctPath("/resellers/%d/plans/%d?include=plan_category", f.parent, f.planA),
		ctPath("/resellers/%d/plans/%d/switchable_plans?filter[switch_type]=immediate_switch", f.parent, f.planA),
		ctPath("/resellers/%d/child_reseller_plans?filter[reseller_id]=%d", f.parent, f.child),
		ctPath("/resellers/%d/child_reseller_plans/%d", f.parent, f.childPlan),
		ctPath("/resellers/%d/payment_methods?sort=-key&filter[key]=cash", f.parent),
	}
}

// ctCoverage drives every catalogue read through 200, 400, 401 and 404. outsider
// carries the fixture's outsider token.
func ctCoverage(t *testing.T, f *ctCoverageFixture, admin, anon, outsider *client.Client) {
	for _, path := range f.paths() {
		ocDo(t, admin, "GET", path, "", "", 200)
		ocError(t, anon, "GET", path, "", "", 401, "token_missing")
		ocError(t, outsider, "GET", path, "", "", 404, "reseller_not_found")
	}
	p, c := f.parent, f.child
	for _, bad := range []struct{ path, code string }{
		{ctPath("/customer_store/resellers/%d/product_categories?per_page=0", p), "invalid_page_size"},
		{ctPath("/customer_store/resellers/%d/products?sorting[reversed]=sometimes&sorting[field]=id", p), "invalid_boolean"},
		{ctPath("/customer_store/resellers/%d/products/%d?plan_currency=usd", p, f.product), "invalid_boolean"},
		{ctPath("/resellers/%d/plans?filter[status]=gone", p), "not_in_list"},
		{ctPath("/resellers/%d/plans?filter[billing_type]=monthly", p), "not_in_list"},
		{ctPath("/resellers/%d/payment_methods?sort=name", p), "unknown_sort"},
		{ctPath("/resellers/%d/plans/%d?include=product", p, f.planA), "unknown_include"},
		{ctPath("/resellers/%d/plans/%d/switchable_plans", p, f.planA), "switch_type_required"},
		{ctPath("/resellers/%d/child_reseller_plans?include=plan_category", p), "unknown_include"},
		{ctPath("/resellers/%d/child_reseller_plans/%d?include=plan_category", p, f.childPlan), "unknown_include"},
	} {
		ocError(t, admin, "GET", bad.path, "", "", 400, bad.code)
	}
	for _, missing := range []struct{ path, code string }{
		{ctPath("/customer_store/resellers/%d/product_categories", 999999), "reseller_not_found"},
		{ctPath("/customer_store/resellers/%d/products", 999999), "reseller_not_found"},
		{ctPath("/customer_store/resellers/%d/products/%d", c, 999999), "product_not_found"},
		{ctPath("/resellers/%d/plans", 999999), "reseller_not_found"},
		{ctPath("/resellers/%d/payment_methods", 999999), "reseller_not_found"},
		{ctPath("/resellers/%d/plans/%d", c, f.planA), "plan_not_found"},
		{ctPath("/resellers/%d/plans/%d/switchable_plans?filter[switch_type]=delayed_switch", c, f.planA), "plan_not_found"},
		{ctPath("/resellers/%d/child_reseller_plans", 999999), "reseller_not_found"},
		{ctPath("/resellers/%d/child_reseller_plans/%d", p, f.planA), "plan_not_found"},
	} {
		ocError(t, admin, "GET", missing.path, "", "", 404, missing.code)
	}
}

// ctListParametersSeed gives the operator plan 1 of product 1, so that the generic
// list-parameter checks can read them.
func ctListParametersSeed(t *testing.T, s *server) {
	t.Helper()
	r := mustCreateReseller(t, s.Admin, domain.OperatorID, "Parameters Child")
	f := ctCoverageSetup(t, s, domain.OperatorID, r.ID)
	if f.planA != 1 || f.product != 1 {
		t.Fatalf("seeded plan %d of product %d, want 1 and 1", f.planA, f.product)
	}
}
