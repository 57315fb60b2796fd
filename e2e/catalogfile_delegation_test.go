package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// cfDelegatingDoc is cfDoc with mail-basic and mail-pro made available to the
// reseller with the given domain: mail-basic at its own prices for the monthly period
// and mailboxes, mail-pro at the operator's. yearly is mail-basic's yearly fee.
func cfDelegatingDoc(childDomain, yearly string, withChild bool) string {
	doc := strings.Replace(cfDoc(`"10.00"`), "recurring_fee: 100\n", "recurring_fee: "+yearly+"\n", 1)
	if !withChild {
		return strings.Replace(doc, "    switch_to:\n      - {plan: mail-basic", "    available_to: []\n    switch_to:\n      - {plan: mail-basic", 1)
	}
	basic := fmt.Sprintf(`    available_to:
      - reseller: %s
        prices:
          periods:
            1m: {recurring_fee: "9.00"}
          resources:
            mailbox: {recurring_fee: "2.00"}
`, childDomain)
	pro := fmt.Sprintf("    available_to:\n      - {reseller: %s, public: false}\n", childDomain)
	doc = strings.Replace(doc, "    order_attributes:\n", basic+"    order_attributes:\n", 1)
	return strings.Replace(doc, "    switch_to:\n      - {plan: mail-basic", pro+"    switch_to:\n      - {plan: mail-basic", 1)
}

// cfRedelegateDoc makes the child's copy of mail-basic available to the grandchild.
func cfRedelegateDoc(grandchild int64) string {
	return fmt.Sprintf(`
delegated:
  - plan: mail-basic
    available_to:
      - reseller: %d
        prices:
          periods:
            1m: {recurring_fee: 8.5}
`, grandchild)
}

func TestCatalogFileDelegation(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		child := mustCreateReseller(t, s.Admin, 1, "Delegate Child")
		grand := mustCreateReseller(t, s.Admin, child.ID, "Delegate Grandchild")
		childAdmin := s.client(mustCreateManager(t, s.Admin, child.ID, "admin").APIToken)
		c, g := strconv.FormatInt(child.ID, 10), strconv.FormatInt(grand.ID, 10)

		ch := cfApply(t, s.Admin, 1, cfDelegatingDoc(child.General.Domain, "100", true))
		if got := cfChangeLines(ch); !slices.Contains(got, "create delegation mail-basic @"+c) ||
			!slices.Contains(got, "create delegation mail-pro @"+c) || len(got) != 12 {
			t.Fatalf("changes = %q", got)
		}
		op := cfState(t, s, 1)
		opBasic, opPro := cfPlan(t, op, "mail-basic"), cfPlan(t, op, "mail-pro")

		// The child sees its own copies, at its own prices, through the API.
		plans, err := s.Admin.ListPlans(ctx, child.ID, &client.ListOptions{Sort: "id"})
		if err != nil {
			t.Fatal(err)
		}
		if got := ctPlanKeys(plans.Items); !slices.Equal(got, []string{"mail-basic", "mail-pro"}) {
			t.Fatalf("plans of the child = %v", got)
		}
		basic := plans.Items[0]
		if basic.ResellerID != child.ID || basic.ParentID == nil || *basic.ParentID != opBasic.ID ||
			basic.Ancestry == nil || *basic.Ancestry != strconv.FormatInt(opBasic.ID, 10) ||
			basic.ProductID != opBasic.ProductID || basic.Name != "Mail Basic" || basic.Currency != "USD" || basic.Status != "active" {
			t.Errorf("child's mail-basic = %+v", basic)
		}
		fees := map[string]string{}
		for _, p := range basic.Periods {
			fees[p.Key] = p.SetupFee + "+" + p.RecurringFee
		}
		if want := map[string]string{"1m": "5.0+9.0", "1y": "0.0+100.0", "trial": "0.0+0.0"}; fmt.Sprint(fees) != fmt.Sprint(want) {
			t.Errorf("child's period fees = %v, want %v", fees, want)
		}
		if len(basic.Resources) != 2 || basic.Resources[0].RecurringFee != "2.0" || basic.Resources[0].OveruseFee != "3.0" {
			t.Errorf("child's resources = %+v", basic.Resources)
		}
		if plans.Items[1].Public {
			t.Errorf("child's mail-pro is public; the entry said public: false")
		}
		sw, err := s.Admin.ListSwitchablePlans(ctx, child.ID, basic.ID, "immediate_switch", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := ctPlanIDs(sw.Items); !slices.Equal(got, []int64{plans.Items[1].ID}) {
			t.Errorf("the child's mail-basic switches to %v, want its own mail-pro %d", got, plans.Items[1].ID)
		}
		childState := cfState(t, s, child.ID)
		if a := cfPlan(t, childState, "mail-basic").Attributes; len(a) != 2 || a[0].Key != "domain_name" {
			t.Errorf("child's order attributes = %+v", a)
		}
		if p := cfPlan(t, childState, "mail-pro"); len(p.Switches) != 1 || p.Switches[0].TargetID != basic.ID {
			t.Errorf("child's mail-pro switches = %+v", p.Switches)
		}
		// The operator's own plans are untouched by the delegation.
		if cfPeriod(t, opBasic, "1m").RecurringFee != 10*domain.AmountScale || opPro.ParentID != 0 {
			t.Errorf("operator's plans changed")
		}

		// The child re-delegates its copy to the grandchild.
		ch = cfApply(t, childAdmin, child.ID, cfRedelegateDoc(grand.ID))
		if got := cfChangeLines(ch); !slices.Equal(got, []string{"create delegation mail-basic @" + g}) {
			t.Fatalf("re-delegation changes = %q", got)
		}
		childBasic := cfPlan(t, cfState(t, s, child.ID), "mail-basic")
		gBasic := cfPlan(t, cfState(t, s, grand.ID), "mail-basic")
		if gBasic.ParentID != childBasic.ID || gBasic.Ancestry != fmt.Sprintf("%d/%d", opBasic.ID, childBasic.ID) ||
			cfPeriod(t, gBasic, "1m").RecurringFee != 8_500_000 || cfPeriod(t, gBasic, "1y").RecurringFee != 100*domain.AmountScale ||
			cfResource(t, gBasic, "mailbox").RecurringFee != 2*domain.AmountScale || len(gBasic.Switches) != 0 {
			t.Errorf("grandchild's copy = %+v %+v", gBasic.Plan, gBasic.Periods)
		}
		if ch := cfApply(t, childAdmin, child.ID, cfRedelegateDoc(grand.ID)); ch.Changed {
			t.Errorf("second re-delegation changed %q", cfChangeLines(ch))
		}

		// An upstream price change reaches every copy that did not set its own price.
		ch = cfApply(t, s.Admin, 1, cfDelegatingDoc(child.General.Domain, "120", true))
		want := []string{"update period mail-basic/1y recurring_fee",
			"update delegation mail-basic @" + c + " periods.1y.recurring_fee",
			"update delegation mail-basic @" + g + " periods.1y.recurring_fee"}
		if got := cfChangeLines(ch); !slices.Equal(got, want) {
			t.Fatalf("changes = %q, want %q", got, want)
		}
		for _, rid := range []int64{1, child.ID, grand.ID} {
			p := cfPlan(t, cfState(t, s, rid), "mail-basic")
			if cfPeriod(t, p, "1y").RecurringFee != 120*domain.AmountScale {
				t.Errorf("reseller %d: 1y fee %v", rid, cfPeriod(t, p, "1y").RecurringFee)
			}
			log, err := s.DB.Reader().PriceChangesOf(ctx, p.ID)
			if err != nil || len(log) != 1 || log[0].ItemKey != "1y" || log[0].New != 120*domain.AmountScale {
				t.Errorf("reseller %d: price log %+v (%v)", rid, log, err)
			}
		}
		if got := cfPeriod(t, cfPlan(t, cfState(t, s, grand.ID), "mail-basic"), "1m").RecurringFee; got != 8_500_000 {
			t.Errorf("the grandchild's own monthly price became %v", got)
		}

		// Withdrawing the availability deactivates the copy and the copies below it.
		ch = cfApply(t, s.Admin, 1, cfDelegatingDoc(child.General.Domain, "120", false))
		want = []string{"deactivate delegation mail-basic @" + c + " status",
			"deactivate delegation mail-pro @" + c + " status",
			"deactivate delegation mail-basic @" + g + " status"}
		if got := cfChangeLines(ch); !slices.Equal(got, want) {
			t.Fatalf("changes = %q, want %q", got, want)
		}
		for _, rid := range []int64{child.ID, grand.ID} {
			if p := cfPlan(t, cfState(t, s, rid), "mail-basic"); p.Status != domain.PlanDeactivatedByProvider {
				t.Errorf("reseller %d: status %q", rid, p.Status)
			}
		}
		got, err := s.Admin.GetPlan(ctx, child.ID, basic.ID)
		if err != nil || got.Status != "deactivated by provider" {
			t.Errorf("GET the child's copy: %v %+v", err, got)
		}
		// The child cannot hand on what it no longer has.
		if ch := cfApply(t, childAdmin, child.ID, cfRedelegateDoc(grand.ID)); ch.Changed {
			t.Errorf("re-delegating a withdrawn plan changed %q", cfChangeLines(ch))
		}

		// Offered again: the child's copies come back; the grandchild's when the child
		// applies its own file again.
		ch = cfApply(t, s.Admin, 1, cfDelegatingDoc(child.General.Domain, "120", true))
		want = []string{"update delegation mail-basic @" + c + " status", "update delegation mail-pro @" + c + " status"}
		if got := cfChangeLines(ch); !slices.Equal(got, want) {
			t.Fatalf("changes = %q, want %q", got, want)
		}
		ch = cfApply(t, childAdmin, child.ID, cfRedelegateDoc(grand.ID))
		if got := cfChangeLines(ch); !slices.Equal(got, []string{"update delegation mail-basic @" + g + " status"}) {
			t.Fatalf("changes = %q", got)
		}
		if p := cfPlan(t, cfState(t, s, grand.ID), "mail-basic"); p.Status != domain.PlanActive || p.ID != gBasic.ID {
			t.Errorf("grandchild's copy = %+v", p.Plan)
		}
	})
}

func TestCatalogFileDelegationRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		child := mustCreateReseller(t, s.Admin, 1, "Refusal Child")
		sibling := mustCreateReseller(t, s.Admin, 1, "Refusal Sibling")
		childAdmin := s.client(mustCreateManager(t, s.Admin, child.ID, "admin").APIToken)
		cfApply(t, s.Admin, 1, cfDelegatingDoc(child.General.Domain, "100", true))

		// The sibling has a plan of its own named like the operator's.
		own := `
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]
plans:
  - {key: mail-basic, product: p, name: Mine, currency: EUR, periods: [{key: m, duration: 1, unit: months}]}
`
		cfApply(t, s.client(mustCreateManager(t, s.Admin, sibling.ID, "admin").APIToken), sibling.ID, own)
		doc := strings.Replace(cfDelegatingDoc(child.General.Domain, "100", true), "      - reseller: "+child.General.Domain,
			"      - reseller: "+strconv.FormatInt(sibling.ID, 10)+"\n      - reseller: "+child.General.Domain, 1)
		_, err := s.Admin.ApplyCatalog(ctx, 1, []byte(doc), false)
		errs := cfInvalid(t, err)
		if e, ok := errs["/plans/0/available_to/0/reseller"]; !ok || e.Code != "downstream_key_taken" {
			t.Errorf("errors = %+v, want downstream_key_taken", errs)
		}

		// Only resellers strictly below; plans received go under delegated, own plans
		// do not.
		bad := fmt.Sprintf(`
delegated:
  - plan: mail-basic
    available_to: [{reseller: %d}, {reseller: %d}, {reseller: 1}, {reseller: nowhere.example}]
  - plan: ghost
    available_to: []
plans:
  - {key: mail-pro, product: mail, name: X, currency: USD, periods: [{key: m, duration: 1, unit: months}]}
`, child.ID, sibling.ID)
		_, err = childAdmin.ApplyCatalog(ctx, child.ID, []byte(bad), false)
		errs = cfInvalid(t, err)
		for ptr, code := range map[string]string{
			"/delegated/0/available_to/0/reseller": "reseller_not_below",
			"/delegated/0/available_to/1/reseller": "reseller_not_below",
			"/delegated/0/available_to/2/reseller": "reseller_not_below",
			"/delegated/0/available_to/3/reseller": "reseller_not_below",
			"/delegated/1/plan":                    "plan_not_delegated",
			"/plans/0/key":                         "plan_is_delegated",
			"/plans/0/product":                     "unknown_product",
		} {
			if errs[ptr].Code != code {
				t.Errorf("%s: %+v, want %s", ptr, errs[ptr], code)
			}
		}
		if len(errs) != 7 {
			t.Errorf("%d errors, want 7: %+v", len(errs), errs)
		}
		var st *store.CatalogState = cfState(t, s, child.ID)
		if len(st.Plans) != 2 {
			t.Errorf("the refused file changed the child's catalogue")
		}
	})
}
