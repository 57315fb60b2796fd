package service

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/catalogfile"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// caLifecycle is a catalogue with a service term whose knobs are set by knobs, the
// operator's payment methods and a plan on the term made available to reseller 2.
func caLifecycle(knobs, methods string) []byte {
	return []byte(`service_terms:
  - {key: std, name: Standard` + knobs + `}
payment_methods:
` + methods + `
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]
plans:
  - {key: x, product: p, name: X, currency: USD, service_term: std, billing_type: csp_monthly,
     periods: [{key: m, duration: 1, unit: months}], available_to: [{reseller: 2}]}
`)
}

func changeLines(res *catalogfile.Result) []string {
	out := make([]string, len(res.Changes))
	for i, c := range res.Changes {
		out[i] = c.String()
	}
	return out
}

// TestApplyTermSettingsAndPaymentMethods applies a file with service-term knobs and
// payment methods, then one that changes some of them: a dry run lists each changed
// knob and renamed method and writes nothing, the apply writes them, and the plan's
// delegated copy follows its source's term.
func TestApplyTermSettingsAndPaymentMethods(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		child, err := s.CreateReseller(ctx, admin, domain.OperatorID, mgResellerChange("child.example.com"))
		if err != nil {
			t.Fatal(err)
		}
		if child.ID != 2 {
			t.Fatalf("child reseller id %d, want 2", child.ID)
		}
		first := caLifecycle(", stop_type: manual", "  - {key: cash, name: Cash}\n  - {key: bank_transfer, name: Bank transfer}")
		res, err := s.ApplyCatalog(ctx, admin, domain.OperatorID, first, false)
		if err != nil {
			t.Fatal(err)
		}
		lines := changeLines(res)
		for _, want := range []string{"+ service_term std", "+ payment_method cash", "+ payment_method bank_transfer"} {
			if !slices.Contains(lines, want) {
				t.Errorf("changes %q lack %q", lines, want)
			}
		}
		second := caLifecycle(", stop_type: manual, grace_period: 14, proration: next_period, manual_renew_point: 10",
			"  - {key: cash, name: Cash on delivery}\n  - {key: bank_transfer, name: Bank transfer}")
		dry, err := s.ApplyCatalog(ctx, admin, domain.OperatorID, second, true)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"~ service_term std: manual_renew_point, grace_period, proration", "~ payment_method cash: name"}
		if got := changeLines(dry); !slices.Equal(got, want) {
			t.Errorf("dry run changes:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		st, err := s.db.Reader().LoadCatalog(ctx, domain.OperatorID)
		if err != nil {
			t.Fatal(err)
		}
		if g := st.ServiceTerms["std"].GracePeriod; g != domain.DefaultTermSettings.GracePeriod {
			t.Errorf("the dry run wrote grace_period %d", g)
		}
		res, err = s.ApplyCatalog(ctx, admin, domain.OperatorID, second, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := changeLines(res); !slices.Equal(got, want) {
			t.Errorf("changes %q, want %q", got, want)
		}
		methods, err := s.db.Reader().LoadPaymentMethods(ctx, domain.OperatorID)
		if err != nil {
			t.Fatal(err)
		}
		if len(methods) != 2 || methods["cash"].Name != "Cash on delivery" {
			t.Errorf("payment methods = %+v", methods)
		}
		// The copy delegated to the child names the operator's term, with its knobs.
		childCat, err := s.db.Reader().LoadCatalog(ctx, child.ID)
		if err != nil {
			t.Fatal(err)
		}
		cp := childCat.Plans["x"]
		if cp == nil || cp.ParentID == 0 || cp.BillingType != domain.BillingCSPMonthly {
			t.Fatalf("child's copy = %+v", cp)
		}
		got, err := s.db.Reader().PlanTermSettings(ctx, &cp.Plan)
		if err != nil {
			t.Fatal(err)
		}
		wantSettings := domain.DefaultTermSettings
		wantSettings.StopType, wantSettings.GracePeriod, wantSettings.Proration = domain.ApprovalManual, 14, domain.ProrateNextPeriod
		wantSettings.ManualRenewPoint = 10
		if got != wantSettings {
			t.Errorf("copy's settings = %+v, want %+v", got, wantSettings)
		}
		// Applied again, nothing changes.
		res, err = s.ApplyCatalog(ctx, admin, domain.OperatorID, second, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Changed() {
			t.Errorf("the same file changed %q", changeLines(res))
		}
	})
}
