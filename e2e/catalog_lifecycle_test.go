package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// clDoc is a catalogue of one service term with the given knobs and one plan on it
// with the given billing type line ("" for none).
func clDoc(knobs, billingType string) string {
	return `service_terms:
  - {key: std, name: Standard` + knobs + `}
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: ops@example.com}}]
plans:
  - key: x
    product: p
    name: X
    currency: USD
    service_term: std
` + billingType + `    periods: [{key: m, duration: 1, unit: months}]
`
}

// TestCatalogBillingTypeClosedList checks that a catalogue file's billing type is one
// of the closed list: an unknown one is a 422 at the field naming the allowed values,
// and nothing is written; a plan without one gets the default; the plan filter
// refuses an unknown value with a 400 naming the parameter.
func TestCatalogBillingTypeClosedList(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		_, err := s.Admin.ApplyCatalog(ctx, op, []byte(clDoc("", "    billing_type: monthly\n")), false)
		errs := cfInvalid(t, err)
		e, ok := errs["/plans/0/billing_type"]
		if !ok || e.Code != "billing_type" || !strings.Contains(e.Detail, "pay_as_you_go, monthly_commitment, csp_monthly") {
			t.Fatalf("errors = %+v, want billing_type at /plans/0/billing_type naming the list", errs)
		}
		if p, _ := s.Admin.ListPlans(ctx, op, nil); p == nil || len(p.Items) != 0 {
			t.Fatalf("a refused file wrote plans: %+v", p)
		}
		// In Russian too.
		_, err = s.Admin.ApplyCatalog(ctx, op, []byte(clDoc("", "    billing_type: monthly\n")), false, client.WithLocale("ru"))
		if e := cfInvalid(t, err)["/plans/0/billing_type"]; !strings.Contains(e.Detail, "должно быть одним из значений: pay_as_you_go") {
			t.Errorf("Russian detail = %q", e.Detail)
		}

		cfApply(t, s.Admin, op, clDoc("", ""))
		plans, err := s.Admin.ListPlans(ctx, op, nil)
		if err != nil || len(plans.Items) != 1 || plans.Items[0].BillingType != string(domain.DefaultBillingType) {
			t.Fatalf("plan without a billing type = %+v (%v), want %s", plans, err, domain.DefaultBillingType)
		}
		cfApply(t, s.Admin, op, clDoc("", "    billing_type: non_recurring\n"))
		ctSameKeys(t, "filter[billing_type]=non_recurring",
			ctPlanKeys(ctPlanQuery(t, s.Admin, op, "filter[billing_type]=non_recurring,csp_monthly").Items), []string{"x"})
		ctSameKeys(t, "filter[billing_type]=pay_as_you_go",
			ctPlanKeys(ctPlanQuery(t, s.Admin, op, "filter[billing_type]=pay_as_you_go").Items), nil)
		ctError(t, s.Admin, ctPath("/resellers/%d/plans?filter[billing_type]=monthly", op), 400, "not_in_list", "filter[billing_type]")
		ctError(t, s.Admin, ctPath("/resellers/%d/child_reseller_plans?filter[billing_type]=one_time", op), 400, "not_in_list", "filter[billing_type]")
	})
}

// TestCatalogTermSettings applies service-term knobs through the API: a bad knob is
// a 422 at its pointer with its line, a dry run lists each changed knob, and the
// same file again changes nothing.
func TestCatalogTermSettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		_, err := s.Admin.ApplyCatalog(ctx, op, []byte(clDoc(
			", autorenew_point: 5, manual_renew_point: 2, stop_type: sometimes, proration: whenever, grace_period: -3", "")), false)
		errs := cfInvalid(t, err)
		for pointer, code := range map[string]string{
			"/service_terms/0/manual_renew_point": "manual_renew_below_auto",
			"/service_terms/0/stop_type":          "approval_type",
			"/service_terms/0/proration":          "proration_rule",
			"/service_terms/0/grace_period":       "term_days_range",
		} {
			if errs[pointer].Code != code {
				t.Errorf("at %s: %+v, want %s", pointer, errs[pointer], code)
			}
		}
		if len(errs) != 4 {
			t.Errorf("errors = %+v, want 4", errs)
		}

		cfApply(t, s.Admin, op, clDoc(", stop_type: manual", "    billing_type: csp_monthly\n"))
		next := clDoc(", stop_type: manual, delete_type: manual, proration: immediate_full, autorenew_point: 3", "    billing_type: csp_monthly\n")
		got := cfChangeLines(cfDryRun(t, s.Admin, op, next))
		want := "update service_term std autorenew_point,delete_type,proration"
		if len(got) != 1 || got[0] != want {
			t.Errorf("dry run = %q, want [%q]", got, want)
		}
		if st := cfState(t, s, op).ServiceTerms["std"]; st.DeleteType != domain.ApprovalAutomatic || st.StopType != domain.ApprovalManual {
			t.Errorf("after the dry run the term is %+v", st.TermSettings)
		}
		cfApply(t, s.Admin, op, next)
		st := cfState(t, s, op).ServiceTerms["std"]
		if st.AutoRenewPoint != 3 || st.DeleteType != domain.ApprovalManual || st.Proration != domain.ProrateImmediateFull ||
			st.GracePeriod != domain.DefaultTermSettings.GracePeriod {
			t.Errorf("stored term = %+v", st.TermSettings)
		}
		if ch := cfApply(t, s.Admin, op, next); ch.Changed {
			t.Errorf("the same file changed %q", cfChangeLines(ch))
		}
	})
}
