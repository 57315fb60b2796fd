package e2e

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// ctPeriodFees maps a plan's period keys to their recurring fees.
func ctPeriodFees(p client.Plan) map[string]string {
	out := map[string]string{}
	for _, pp := range p.Periods {
		out[pp.Key] = pp.SetupFee + "/" + pp.RecurringFee
	}
	return out
}

// TestPlansDownstream checks that a downstream reseller sees only the plans made
// available to it, at its own prices, with their delegation chain.
func TestPlansDownstream(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		owner := fx.s.client(mustCreateManager(t, fx.s.Admin, fx.north.ID, "owner").APIToken)

		north := ctPlanQuery(t, owner, fx.north.ID, "sort=id")
		ctSameKeys(t, "north's plans", ctPlanKeys(north.Items), []string{"mail-basic", "notes-std", "widget-plan"})
		basic, notes, widget := north.Items[0], north.Items[1], north.Items[2]
		opBasic := fx.plan(t, op, "mail-basic")
		if basic.ResellerID != fx.north.ID || basic.ParentID == nil || *basic.ParentID != opBasic ||
			basic.Ancestry == nil || *basic.Ancestry != ctID(opBasic) || basic.ProductID != fx.products["mail"] ||
			basic.Currency != "USD" || basic.SKU != "MB-1" || basic.Name != "Mail Basic" {
			t.Errorf("north's mail-basic = %+v", basic)
		}
		// north's price for 1m, the operator's for what north's prices leave out.
		if got := ctPeriodFees(basic); got["1m"] != "5.0/9.0" || got["1y"] != "0.0/100.5" || len(got) != 2 {
			t.Errorf("north's mail-basic periods = %v, want 1m 5.0/9.0 and 1y 0.0/100.5", got)
		}
		if len(basic.Resources) != 2 || basic.Resources[0].RecurringFee != "2.0" || basic.Resources[0].OveruseFee != "3.0" {
			t.Errorf("north's mail-basic resources = %+v", basic.Resources)
		}
		if notes.Status != "deactivated by provider" || notes.ParentID == nil || *notes.ParentID != fx.plan(t, op, "notes-std") {
			t.Errorf("north's notes-std = %+v, want deactivated by provider", notes)
		}
		if widget.ParentID != nil || widget.Ancestry != nil || widget.ProductID != fx.products["widget"] {
			t.Errorf("north's own widget-plan = %+v", widget)
		}

		// The operator's own price is untouched by north's.
		opPlan, err := fx.s.Admin.GetPlan(ctx, op, opBasic)
		if err != nil || ctPeriodFees(*opPlan)["1m"] != "5.0/10.0" {
			t.Errorf("operator's mail-basic 1m = %v (%v)", ctPeriodFees(*opPlan), err)
		}

		// north-east got mail-basic from north, at its price, with the whole chain.
		ne := ctPlanQuery(t, fx.s.Admin, fx.northEast.ID, "")
		ctSameKeys(t, "north-east's plans", ctPlanKeys(ne.Items), []string{"mail-basic"})
		p := ne.Items[0]
		if p.ParentID == nil || *p.ParentID != basic.ID || p.Ancestry == nil || *p.Ancestry != ctID(opBasic)+"/"+ctID(basic.ID) {
			t.Errorf("north-east's mail-basic: parent %v ancestry %v, want %d and %d/%d", p.ParentID, p.Ancestry, basic.ID, opBasic, basic.ID)
		}
		if got := ctPeriodFees(p); got["1m"] != "5.0/8.5" || got["1y"] != "0.0/100.5" {
			t.Errorf("north-east's periods = %v, want 1m 5.0/8.5 and 1y 0.0/100.5", got)
		}
		if p.Resources[0].RecurringFee != "2.0" {
			t.Errorf("north-east's mailbox recurring fee = %s, want north's 2.0", p.Resources[0].RecurringFee)
		}
		if south := ctPlanQuery(t, fx.s.Admin, fx.south.ID, ""); len(south.Items) != 0 || south.TotalCount != 0 {
			t.Errorf("south's plans = %v, want none", ctPlanKeys(south.Items))
		}
	})
}

// TestPlansScope answers 404 for plans outside the path's reseller, and for resellers
// outside the token's subtree, with the very body of a missing one.
func TestPlansScope(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		op := int64(domain.OperatorID)
		owner := fx.s.client(mustCreateManager(t, fx.s.Admin, fx.north.ID, "owner").APIToken)
		north := fx.north.ID

		missingPlan := ctError(t, owner, ctPath("/resellers/%d/plans/999999", north), 404, "plan_not_found", "")
		for name, plan := range map[string]int64{
			"the operator's":   fx.plan(t, op, "mail-basic"),
			"north-east's":     fx.plan(t, fx.northEast.ID, "mail-basic"),
			"the operator's 2": fx.plan(t, op, "crm-one"),
		} {
			for _, path := range []string{
				ctPath("/resellers/%d/plans/%d", north, plan),
				ctPath("/resellers/%d/plans/%d?include=plan_category", north, plan),
				ctPath("/resellers/%d/plans/%d/switchable_plans?filter[switch_type]=immediate_switch", north, plan),
			} {
				got := ctError(t, owner, path, 404, "plan_not_found", "")
				if !bytes.Equal(got.Body, missingPlan.Body) {
					t.Errorf("%s plan through north's path %s: %s, want %s", name, path, got.Body, missingPlan.Body)
				}
			}
		}

		missingReseller := ctError(t, owner, ctPath("/resellers/999999/plans"), 404, "reseller_not_found", "")
		for _, rid := range []int64{op, fx.south.ID} {
			for _, path := range []string{
				ctPath("/resellers/%d/plans", rid),
				ctPath("/resellers/%d/plans/%d", rid, fx.plan(t, op, "mail-basic")),
				ctPath("/resellers/%d/child_reseller_plans", rid),
				ctPath("/resellers/%d/child_reseller_plans/%d", rid, fx.plan(t, north, "mail-basic")),
				ctPath("/customer_store/resellers/%d/products", rid),
				ctPath("/customer_store/resellers/%d/product_categories", rid),
			} {
				got := ctError(t, owner, path, 404, "reseller_not_found", "")
				if !bytes.Equal(got.Body, missingReseller.Body) {
					t.Errorf("%s: %s, want the body of a missing reseller", path, got.Body)
				}
			}
		}

		// north's token reads north-east's plans, below it.
		if page := ctPlanQuery(t, owner, fx.northEast.ID, ""); page.TotalCount != 1 {
			t.Errorf("north reads north-east's plans: total %d", page.TotalCount)
		}
	})
}

// TestChildResellerPlans checks the plans of the resellers below: the path reseller's
// own left out, the reseller filter, and the single read.
func TestChildResellerPlans(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		admin := fx.s.Admin
		list := func(rid int64, o *client.ListOptions) []int64 {
			t.Helper()
			page, err := admin.ListChildResellerPlans(ctx, rid, o)
			if err != nil {
				t.Fatalf("child_reseller_plans of %d: %v", rid, err)
			}
			if page.TotalCount != len(page.Items) {
				t.Errorf("child_reseller_plans of %d: total %d, %d items", rid, page.TotalCount, len(page.Items))
			}
			return ctPlanIDs(page.Items)
		}
		northPlans := []int64{fx.plan(t, fx.north.ID, "mail-basic"), fx.plan(t, fx.north.ID, "notes-std"),
			fx.plan(t, fx.north.ID, "widget-plan")}
		nePlan := fx.plan(t, fx.northEast.ID, "mail-basic")
		byID := &client.ListOptions{Sort: "id"}
		if got, want := list(op, byID), append(append([]int64{}, northPlans...), nePlan); !slices.Equal(got, want) {
			t.Errorf("below the operator: %v, want %v", got, want)
		}
		if got := list(fx.north.ID, byID); !slices.Equal(got, []int64{nePlan}) {
			t.Errorf("below north: %v, want only north-east's %d", got, nePlan)
		}
		if got := list(fx.northEast.ID, nil); len(got) != 0 {
			t.Errorf("below north-east: %v, want none", got)
		}
		if got := list(op, &client.ListOptions{Filter: map[string]string{"reseller_id": ctID(fx.northEast.ID)}}); !slices.Equal(got, []int64{nePlan}) {
			t.Errorf("filter[reseller_id]=north-east: %v", got)
		}
		if got := list(op, &client.ListOptions{Filter: map[string]string{"name": "widget", "status": "active"}}); !slices.Equal(got, northPlans[2:]) {
			t.Errorf("filter[name]=widget: %v", got)
		}
		if got := list(op, &client.ListOptions{Filter: map[string]string{"currency": "eur"}, Sort: "-id"}); !slices.Equal(got, northPlans[2:]) {
			t.Errorf("filter[currency]=eur: %v", got)
		}
		raw := ctGet(t, admin, ctPath("/resellers/1/child_reseller_plans"))
		if bytes.Contains(raw.Body, []byte(`"included":[`)) || bytes.Contains(raw.Body, []byte(`"relationships"`)) {
			t.Errorf("child_reseller_plans includes related objects: %s", raw.Body)
		}

		got, err := admin.GetChildResellerPlan(ctx, op, nePlan)
		if err != nil || got.ResellerID != fx.northEast.ID || ctPeriodFees(*got)["1m"] != "5.0/8.5" {
			t.Errorf("north-east's plan below the operator = %+v (%v)", got, err)
		}
		if _, err := admin.GetChildResellerPlan(ctx, fx.north.ID, nePlan); err != nil {
			t.Errorf("north-east's plan below north: %v", err)
		}
		missing := ctError(t, admin, ctPath("/resellers/1/child_reseller_plans/999999"), 404, "plan_not_found", "")
		for _, tc := range []struct {
			rid, plan int64
			why       string
		}{
			{op, fx.plan(t, op, "mail-basic"), "the path reseller's own plan"},
			{fx.north.ID, northPlans[0], "north's own plan below north"},
			{fx.north.ID, fx.plan(t, op, "crm-one"), "a plan above north"},
			{fx.south.ID, nePlan, "a plan beside south"},
			{fx.northEast.ID, nePlan, "north-east's own plan below it"},
		} {
			got := ctError(t, admin, ctPath("/resellers/%d/child_reseller_plans/%d", tc.rid, tc.plan), 404, "plan_not_found", "")
			if !bytes.Equal(got.Body, missing.Body) {
				t.Errorf("%s: %s, want the body of a missing plan", tc.why, got.Body)
			}
		}
	})
}

// TestSwitchablePlans checks the targets per switch type, the required filter and the
// plan filters on the targets.
func TestSwitchablePlans(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		targets := func(rid int64, plan, switchType string, o *client.ListOptions) []string {
			t.Helper()
			page, err := fx.s.Admin.ListSwitchablePlans(ctx, rid, fx.plan(t, rid, plan), switchType, o)
			if err != nil {
				t.Fatalf("switchable plans of %s (%s): %v", plan, switchType, err)
			}
			if page.TotalCount != len(page.Items) && o == nil {
				t.Errorf("switchable plans of %s: total %d, %d items", plan, page.TotalCount, len(page.Items))
			}
			return ctPlanKeys(page.Items)
		}
		ctSameKeys(t, "mail-basic immediate", targets(op, "mail-basic", "immediate_switch", nil), []string{"mail-pro"})
		ctSameKeys(t, "mail-basic delayed", targets(op, "mail-basic", "delayed_switch", nil), []string{"mail-max"})
		ctSameKeys(t, "mail-pro immediate", targets(op, "mail-pro", "immediate_switch", nil), []string{"mail-basic"})
		ctSameKeys(t, "mail-pro delayed", targets(op, "mail-pro", "delayed_switch", nil), []string{})
		ctSameKeys(t, "crm-one immediate", targets(op, "crm-one", "immediate_switch", nil), []string{})
		// north got none of mail-basic's targets, so its copy switches nowhere.
		ctSameKeys(t, "north's mail-basic", targets(fx.north.ID, "mail-basic", "immediate_switch", nil), []string{})

		// The plan filters apply to the targets.
		ctSameKeys(t, "active targets", targets(op, "mail-basic", "immediate_switch",
			&client.ListOptions{Filter: map[string]string{"status": "active"}}), []string{})
		ctSameKeys(t, "EUR targets", targets(op, "mail-basic", "immediate_switch",
			&client.ListOptions{Filter: map[string]string{"currency": "EUR"}}), []string{"mail-pro"})

		// The answer is in the plan list's format and paged.
		page, err := fx.s.Admin.ListSwitchablePlans(ctx, op, fx.plan(t, op, "mail-basic"), "delayed_switch",
			&client.ListOptions{PageSize: 1, PageNumber: 2})
		if err != nil || len(page.Items) != 0 || page.TotalCount != 1 || page.Links.Next != nil ||
			!bytes.Contains([]byte(page.Links.Self), []byte("filter[switch_type]=delayed_switch")) {
			t.Errorf("page past the end: %+v (%v)", page, err)
		}
		first, err := fx.s.Admin.ListSwitchablePlans(ctx, op, fx.plan(t, op, "mail-basic"), "delayed_switch", nil)
		if err != nil || len(first.Items) != 1 || first.Items[0].Periods[0].SetupFee != "99.99" || first.Items[0].ResellerID != op {
			t.Errorf("delayed target = %+v (%v)", first, err)
		}

		// The switch type is required, and one of two.
		e := apiError(t, func() error {
			_, err := fx.s.Admin.ListSwitchablePlans(ctx, op, fx.plan(t, op, "mail-basic"), "", nil)
			return err
		}(), 400)
		if len(e.Errors) != 1 || e.Errors[0].Code != "switch_type_required" || !hasParameter(e, "filter[switch_type]") {
			t.Errorf("missing switch type: %+v", e.Errors)
		}
		e = apiError(t, func() error {
			_, err := fx.s.Admin.ListSwitchablePlans(ctx, op, fx.plan(t, op, "mail-basic"), "whenever", nil)
			return err
		}(), 400)
		if e.Errors[0].Code != "not_in_list" || !hasParameter(e, "filter[switch_type]") {
			t.Errorf("bad switch type: %+v", e.Errors)
		}
	})
}
