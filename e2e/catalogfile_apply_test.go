package e2e

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

func TestCatalogFileApplyCreatesEverything(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		ch := cfApply(t, s.Admin, 1, cfDoc(`"10.00"`))
		want := []string{
			"create service_term monthly", "create category office", "create category infra",
			"create product mail", "create product backup",
			"create plan mail-basic", "create plan mail-pro", "create plan backup-forever",
			"create switch mail-basic/mail-pro", "create switch mail-pro/mail-basic",
		}
		if got := cfChangeLines(ch); !slices.Equal(got, want) || !ch.Changed || ch.DryRun || ch.ResellerID != 1 {
			t.Fatalf("changes = %q (changed %v, dry run %v, reseller %d), want %q", got, ch.Changed, ch.DryRun, ch.ResellerID, want)
		}

		// Read back through the API.
		plans, err := s.Admin.ListPlans(ctx, 1, &client.ListOptions{Sort: "id"})
		if err != nil {
			t.Fatal(err)
		}
		if got := ctPlanKeys(plans.Items); !slices.Equal(got, []string{"mail-basic", "mail-pro", "backup-forever"}) {
			t.Fatalf("plans = %v", got)
		}
		basic, err := s.Admin.GetPlan(ctx, 1, plans.Items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if basic.Name != "Mail Basic" || basic.Currency != "USD" || basic.SKU != "MB-1" || basic.BillingType != "csp_monthly" ||
			basic.Status != "active" || !basic.Public || basic.PlanClassID == nil || basic.ParentID != nil {
			t.Errorf("mail-basic = %+v", basic)
		}
		var periods []string
		for _, p := range basic.Periods {
			periods = append(periods, p.Key+" "+p.Unit+" "+p.SetupFee+"+"+p.RecurringFee)
		}
		if want := []string{"1m months 5.0+10.0", "1y years 0.0+100.0", "trial days 0.0+0.0"}; !slices.Equal(periods, want) {
			t.Errorf("periods = %q, want %q", periods, want)
		}
		if len(basic.Resources) != 2 || basic.Resources[0].Key != "mailbox" || basic.Resources[0].Included != 5 ||
			basic.Resources[0].Limit != 100 || basic.Resources[0].RecurringFee != "2.5" || basic.Resources[0].OveruseFee != "3.0" ||
			basic.Resources[1].UnitOfMeasure != "boolean" || basic.Resources[1].Limit != 1 {
			t.Errorf("resources = %+v", basic.Resources)
		}
		sw, err := s.Admin.ListSwitchablePlans(ctx, 1, basic.ID, "immediate_switch", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := ctPlanKeys(sw.Items); !slices.Equal(got, []string{"mail-pro"}) {
			t.Errorf("switchable from mail-basic = %v", got)
		}

		// And what the API does not show, from the store.
		st := cfState(t, s, 1)
		if st.ServiceTerms["monthly"] == nil || *basic.PlanClassID != st.ServiceTerms["monthly"].ID {
			t.Errorf("plan_class_id %v, service term %+v", basic.PlanClassID, st.ServiceTerms["monthly"])
		}
		if c := st.Categories["infra"]; c == nil || c.Public || st.Categories["office"].Priority != 1 {
			t.Errorf("categories = %+v", st.Categories)
		}
		mail, backup := st.Products["mail"], st.Products["backup"]
		if mail.Integration.Mode != domain.ProvisioningAutomatic || mail.Integration.APIPath != "https://vendor.example/api" ||
			!mail.Integration.AllowOrderAttributes || !mail.Integration.AllowUsageURL || mail.Integration.AllowConsumptionURL ||
			mail.CategoryID != st.Categories["office"].ID || mail.VendorName != "Example Vendor" {
			t.Errorf("product mail = %+v", mail)
		}
		if backup.Integration.Mode != domain.ProvisioningManual || backup.Integration.ManualEmail != "ops@vendor.example" {
			t.Errorf("product backup = %+v", backup)
		}
		attrs := cfPlan(t, st, "mail-basic").Attributes
		if len(attrs) != 2 || attrs[0].Key != "domain_name" || !attrs[0].Required || attrs[0].Type != domain.AttrString ||
			attrs[1].Type != domain.AttrList || !slices.Equal(attrs[1].Values, []string{"eu", "us"}) {
			t.Errorf("order attributes = %+v", attrs)
		}
		forever := cfPlan(t, st, "backup-forever")
		if forever.Status != domain.PlanInactive || len(forever.Periods) != 1 || forever.Periods[0].Unit != domain.UnitEndless ||
			forever.Periods[0].Duration != 0 || forever.Periods[0].SetupFee != 99_990_000 {
			t.Errorf("backup-forever = %+v", forever)
		}
		pro := cfPlan(t, st, "mail-pro")
		if len(pro.Switches) != 1 || pro.Switches[0].TargetID != basic.ID || pro.Switches[0].Type != domain.SwitchDelayed {
			t.Errorf("switches of mail-pro = %+v", pro.Switches)
		}
	})
}

func TestCatalogFileApplyIsIdempotent(t *testing.T) {
	mgEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		doc := cfDoc(`"10.00"`)
		cfApply(t, s.Admin, 1, doc)
		before := cfState(t, s, 1)
		clock.Advance(time.Hour)
		for _, dry := range []bool{true, false} {
			ch, err := s.Admin.ApplyCatalog(context.Background(), 1, []byte(doc), dry)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Changed || len(ch.Changes) != 0 || ch.DryRun != dry {
				t.Errorf("second apply (dry run %v): changed %v, changes %q", dry, ch.Changed, cfChangeLines(ch))
			}
		}
		// Untouched: every row, updated_at included, is as the first apply left it.
		if after := cfState(t, s, 1); !reflect.DeepEqual(before, after) {
			t.Errorf("the second apply changed the stored catalogue")
		}
	})
}

func TestCatalogFileDryRunChangesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		doc := cfDoc(`"10.00"`)
		dry := cfDryRun(t, s.Admin, 1, doc)
		if !dry.DryRun || !dry.Changed {
			t.Fatalf("dry run: %+v", dry)
		}
		if st := cfState(t, s, 1); len(st.Plans)+len(st.Products)+len(st.Categories)+len(st.ServiceTerms) != 0 {
			t.Fatalf("a dry run stored %d plans, %d products", len(st.Plans), len(st.Products))
		}
		real := cfApply(t, s.Admin, 1, doc)
		if got, want := cfChangeLines(real), cfChangeLines(dry); !slices.Equal(got, want) {
			t.Errorf("apply made %q, the dry run listed %q", got, want)
		}

		// A dry run of a change lists it and leaves the stored price alone.
		changed := strings.Replace(doc, "name: Mail Pro", "name: Mail Professional", 1)
		dry = cfDryRun(t, s.Admin, 1, changed)
		if got := cfChangeLines(dry); !slices.Equal(got, []string{"update plan mail-pro name"}) {
			t.Errorf("dry run of a rename: %q", got)
		}
		if p := cfPlan(t, cfState(t, s, 1), "mail-pro"); p.Name != "Mail Pro" {
			t.Errorf("after the dry run the plan is named %q", p.Name)
		}
		if got := cfChangeLines(cfApply(t, s.Admin, 1, changed)); !slices.Equal(got, cfChangeLines(dry)) {
			t.Errorf("apply of the rename made %q, the dry run listed %q", got, cfChangeLines(dry))
		}
	})
}

func TestCatalogFilePriceChangeIsLogged(t *testing.T) {
	mgEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		cfApply(t, s.Admin, 1, cfDoc(`"10.00"`))
		before := cfPlan(t, cfState(t, s, 1), "mail-basic")
		clock.Advance(time.Minute)
		ch := cfApply(t, s.Admin, 1, cfDoc("12"))
		if got := cfChangeLines(ch); !slices.Equal(got, []string{"update period mail-basic/1m recurring_fee"}) {
			t.Fatalf("changes = %q, want the one price", got)
		}
		after := cfPlan(t, cfState(t, s, 1), "mail-basic")
		p := cfPeriod(t, after, "1m")
		if p.RecurringFee != 12*domain.AmountScale || p.ID != cfPeriod(t, before, "1m").ID {
			t.Errorf("period 1m after the change = %+v (before id %d)", p, cfPeriod(t, before, "1m").ID)
		}
		if !after.UpdatedAt.Equal(clock.Now()) || !after.CreatedAt.Equal(before.CreatedAt) {
			t.Errorf("plan updated_at %v (now %v), created_at %v (was %v)", after.UpdatedAt, clock.Now(), after.CreatedAt, before.CreatedAt)
		}
		log, err := s.DB.Reader().PriceChangesOf(context.Background(), after.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 || log[0].Item != "period" || log[0].ItemKey != "1m" || log[0].Fee != "recurring_fee" ||
			log[0].Old != 10*domain.AmountScale || log[0].New != 12*domain.AmountScale || !log[0].ChangedAt.Equal(clock.Now()) {
			t.Errorf("price log = %+v", log)
		}
		// Other plans were not touched.
		for _, k := range []string{"mail-pro", "backup-forever"} {
			if p := cfPlan(t, cfState(t, s, 1), k); p.UpdatedAt.Equal(clock.Now()) {
				t.Errorf("plan %s was updated by another plan's price change", k)
			}
		}
	})
}

func TestCatalogFileSoftDeletesAndReplaces(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		full := cfDoc(`"10.00"`)
		cfApply(t, s.Admin, 1, full)
		first := cfPlan(t, cfState(t, s, 1), "mail-basic")

		// Drop the trial period, the archive resource, the region attribute and the
		// switch; relabel the domain attribute.
		cut := full
		for _, r := range [][2]string{
			{"      - key: trial\n        duration: 14\n        unit: days\n        trial: true\n", ""},
			{"      - key: archive\n        name: Archive\n        unit: boolean\n        recurring_fee: 1\n", ""},
			{"      - key: region\n        label: Region\n        type: list\n        values: [eu, us]\n", ""},
			{"    switch_to:\n      - plan: mail-pro\n        type: immediate_switch\n", ""},
			{"label: Domain name", "label: Your domain"},
		} {
			if !strings.Contains(cut, r[0]) {
				t.Fatalf("the document lacks %q", r[0])
			}
			cut = strings.Replace(cut, r[0], r[1], 1)
		}
		ch := cfApply(t, s.Admin, 1, cut)
		want := []string{"delete period mail-basic/trial", "delete resource mail-basic/archive",
			"update order_attribute mail-basic/domain_name label", "delete order_attribute mail-basic/region",
			"delete switch mail-basic/mail-pro"}
		if got := cfChangeLines(ch); !slices.Equal(got, want) {
			t.Fatalf("changes = %q, want %q", got, want)
		}
		p := cfPlan(t, cfState(t, s, 1), "mail-basic")
		if tr := cfPeriod(t, p, "trial"); !tr.Deleted || tr.ID != cfPeriod(t, first, "trial").ID {
			t.Errorf("trial period = %+v, want the same row soft-deleted", tr)
		}
		if ar := cfResource(t, p, "archive"); !ar.Deleted {
			t.Errorf("archive resource = %+v, want soft-deleted", ar)
		}
		if len(p.Attributes) != 1 || p.Attributes[0].Label != "Your domain" || len(p.Switches) != 0 {
			t.Errorf("attributes %+v, switches %+v", p.Attributes, p.Switches)
		}
		api, err := s.Admin.GetPlan(context.Background(), 1, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, pp := range api.Periods {
			if pp.Key == "trial" {
				t.Errorf("the API still offers the deleted trial period")
			}
		}

		// Listing them again offers the same rows again.
		ch = cfApply(t, s.Admin, 1, full)
		want = []string{"create period mail-basic/trial", "create resource mail-basic/archive",
			"update order_attribute mail-basic/domain_name label", "create order_attribute mail-basic/region",
			"create switch mail-basic/mail-pro"}
		if got := cfChangeLines(ch); !slices.Equal(got, want) {
			t.Fatalf("changes = %q, want %q", got, want)
		}
		p = cfPlan(t, cfState(t, s, 1), "mail-basic")
		if tr := cfPeriod(t, p, "trial"); tr.Deleted || tr.ID != cfPeriod(t, first, "trial").ID {
			t.Errorf("trial period = %+v, want the first row offered again", tr)
		}

		// Plans, products and categories missing from a file are left alone.
		only := `
plans:
  - key: mail-pro
    product: mail
    name: Mail Pro
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "20.00"}
    switch_to:
      - {plan: mail-basic, type: delayed_switch}
`
		if ch := cfApply(t, s.Admin, 1, only); ch.Changed {
			t.Errorf("a file with one unchanged plan changed %q", cfChangeLines(ch))
		}
		if st := cfState(t, s, 1); len(st.Plans) != 3 || len(st.Products) != 2 || len(st.Categories) != 2 {
			t.Errorf("after a partial file: %d plans, %d products, %d categories", len(st.Plans), len(st.Products), len(st.Categories))
		}
	})
}

func TestCatalogFileAcceptsJSON(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		doc := `{"categories": [{"key": "office", "name": "Office"}],
 "products": [{"key": "mail", "name": "Mail", "category": "office",
   "integration": {"mode": "manual", "email": "ops@vendor.example"}}],
 "plans": [{"key": "p", "product": "mail", "name": "P", "currency": "usd",
   "periods": [{"key": "1m", "duration": 1, "unit": "months", "recurring_fee": 9.99, "setup_fee": "0.10"}]}]}`
		for _, ct := range []string{"application/json", client.MediaType, "text/yaml; charset=utf-8", "application/x-yaml"} {
			resp, err := s.Admin.Do(context.Background(), "PUT", "/api/v3/resellers/1/catalog", []byte(doc), ct)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("PUT as %s: %v %d %s", ct, err, resp.StatusCode, resp.Body)
			}
		}
		p := cfPlan(t, cfState(t, s, 1), "p")
		if p.Currency != "USD" || p.Periods[0].RecurringFee != 9_990_000 || p.Periods[0].SetupFee != 100_000 {
			t.Errorf("plan from JSON = %+v %+v", p.Plan, p.Periods)
		}
	})
}

// TestCatalogChangeShowsInPlanReadsAtOnce checks that plan reads, which are served
// from memory by catalogue version, show an applied change at the next request, list
// and single plan alike, even when the clock has not moved; and that a dry run
// changes nothing they show.
func TestCatalogChangeShowsInPlanReadsAtOnce(t *testing.T) {
	mgEachEngineClocked(t, func(t *testing.T, s *server, _ *domain.TestClock) {
		ctx := context.Background()
		cfApply(t, s.Admin, 1, cfDoc(`"10.00"`))
		fees := func() (listed, single string) {
			t.Helper()
			plans, err := s.Admin.ListPlans(ctx, 1, &client.ListOptions{Sort: "id"})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range plans.Items {
				if p.Key != "mail-basic" {
					continue
				}
				got, err := s.Admin.GetPlan(ctx, 1, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				return p.Periods[0].RecurringFee, got.Periods[0].RecurringFee
			}
			t.Fatal("no plan mail-basic")
			return "", ""
		}
		for i := 0; i < 2; i++ { // the second read comes from memory
			if l, g := fees(); l != "10.0" || g != "10.0" {
				t.Fatalf("read %d: list %s, plan %s, want 10.0", i, l, g)
			}
		}
		cfDryRun(t, s.Admin, 1, cfDoc("12"))
		if l, g := fees(); l != "10.0" || g != "10.0" {
			t.Fatalf("after a dry run: list %s, plan %s, want 10.0", l, g)
		}
		cfApply(t, s.Admin, 1, cfDoc("12"))
		if l, g := fees(); l != "12.0" || g != "12.0" {
			t.Fatalf("after the change: list %s, plan %s, want 12.0", l, g)
		}
	})
}
