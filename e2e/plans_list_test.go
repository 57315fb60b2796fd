package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// ctPlanQuery lists the plans of reseller rid with raw query parameters.
func ctPlanQuery(t *testing.T, c *client.Client, rid int64, query string) *client.Page[client.Plan] {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListPlans(context.Background(), rid, &client.ListOptions{Query: q})
	if err != nil {
		t.Fatalf("plans of %d?%s: %v", rid, query, err)
	}
	return page
}

// TestPlanFields checks every member of a plan, money to the last digit, and that
// withdrawn periods are left out.
func TestPlanFields(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		basic, err := fx.s.Admin.GetPlan(ctx, op, fx.plan(t, op, "mail-basic"))
		if err != nil {
			t.Fatal(err)
		}
		if basic.Status != "active" || basic.Name != "Mail Basic" || basic.Description != "Five mailboxes, now without the quarter" ||
			!basic.Public || basic.PlanClassID == nil || basic.ProductID != fx.products["mail"] || basic.BillingType != "csp_monthly" ||
			basic.Ancestry != nil || basic.ResellerID != op || basic.FixedPrice || basic.Key != "mail-basic" || basic.SKU != "MB-1" ||
			basic.Currency != "USD" || basic.ParentID != nil || !basic.CreatedAt.Equal(ctHour(9)) || !basic.UpdatedAt.Equal(ctHour(11)) {
			t.Errorf("mail-basic = %+v", basic)
		}
		// 3m was withdrawn at 11:00; 1m and 1y stay in file order.
		wantPeriods := []client.PlanPeriod{
			{Key: "1m", Duration: 1, Unit: "months", SetupFee: "5.0", RecurringFee: "10.0", RenewalFee: "0.0", TransferFee: "0.0"},
			{Key: "1y", Duration: 1, Unit: "years", SetupFee: "0.0", RecurringFee: "100.5", RenewalFee: "1.000001", TransferFee: "0.0"},
		}
		if len(basic.Periods) != len(wantPeriods) {
			t.Fatalf("periods = %+v, want %+v", basic.Periods, wantPeriods)
		}
		for i, want := range wantPeriods {
			got := basic.Periods[i]
			want.ID = got.ID
			if got != want || got.ID == 0 {
				t.Errorf("period %d = %+v, want %+v", i, got, want)
			}
		}
		wantResources := []client.PlanResource{
			{Key: "mailbox", Name: "Mailbox", UnitOfMeasure: "unit", Measurable: true, Included: 5, Minimum: 5, Limit: 100,
				SetupFee: "0.0", RecurringFee: "2.5", OveruseFee: "3.0", RenewalFee: "0.0", Public: true},
			{Key: "archive", Name: "Archive", UnitOfMeasure: "boolean", Unlimited: true,
				SetupFee: "0.125", RecurringFee: "0.0", OveruseFee: "0.0", RenewalFee: "0.0"},
		}
		if len(basic.Resources) != len(wantResources) {
			t.Fatalf("resources = %+v", basic.Resources)
		}
		for i, want := range wantResources {
			got := basic.Resources[i]
			want.ID, want.Limit = got.ID, max(want.Limit, got.Limit) // an unlimited resource's limit is not read
			if got != want || got.ID == 0 {
				t.Errorf("resource %d = %+v, want %+v", i, got, want)
			}
		}

		pro, err := fx.s.Admin.GetPlan(ctx, op, fx.plan(t, op, "mail-pro"))
		if err != nil || pro.Status != "inactive" || pro.Public || !pro.FixedPrice || pro.Currency != "EUR" ||
			pro.PlanClassID != nil || len(pro.Resources) != 0 || pro.Resources == nil {
			t.Errorf("mail-pro = %+v (%v)", pro, err)
		}
		endless, err := fx.s.Admin.GetPlan(ctx, op, fx.plan(t, op, "mail-max"))
		if err != nil || len(endless.Periods) != 1 || endless.Periods[0].Unit != "endless" || endless.Periods[0].Duration != 0 ||
			endless.Periods[0].SetupFee != "99.99" {
			t.Errorf("mail-max = %+v (%v)", endless, err)
		}

		// The list renders plans exactly as the single read does.
		page := ctPlanQuery(t, fx.s.Admin, op, "filter[key]=mail-basic")
		if len(page.Items) != 1 || !slices.Equal(page.Items[0].Periods, basic.Periods) ||
			!slices.Equal(page.Items[0].Resources, basic.Resources) {
			t.Errorf("listed mail-basic = %+v, want %+v", page.Items, basic)
		}
	})
}

// TestPlanListFilters checks every filter of the plan list.
func TestPlanListFilters(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		op := int64(domain.OperatorID)
		id := func(key string) string { return ctID(fx.plan(t, op, key)) }
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{"mail-basic", "notes-std", "mail-pro", "mail-max", "crm-one"}},
			{"filter[name]=mail", []string{"mail-basic", "mail-pro", "mail-max"}},
			{"filter[name]=MAX", []string{"mail-max"}},
			{"filter[sku]=MB-1,MX-1", []string{"mail-basic", "mail-max"}},
			{"filter[sku]=mb-1", []string{}},
			{"filter[updated_at]=2030-05-06T11:00:00Z", []string{"mail-basic"}},
			{"filter[updated_at]=2030-05-06", []string{"mail-basic", "notes-std", "mail-pro", "mail-max", "crm-one"}},
			{"filter[updated_at][gt]=2030-05-06T10:30:00Z", []string{"mail-basic"}},
			{"filter[updated_at][lt]=2030-05-06T09:30:00Z", []string{"notes-std"}},
			{"filter[created_at][gt]=2030-05-06T09:30:00Z", []string{"mail-pro", "mail-max", "crm-one"}},
			{"filter[created_at]=2030-05-06T09:00:00", []string{"mail-basic", "notes-std"}},
			{"filter[id]=" + id("mail-pro") + "," + id("crm-one"), []string{"mail-pro", "crm-one"}},
			{"filter[id][gt]=" + id("mail-pro"), []string{"mail-max", "crm-one"}},
			{"filter[product_id]=" + ctID(fx.products["mail"]), []string{"mail-basic", "mail-pro", "mail-max"}},
			{"filter[product_id]=" + ctID(fx.products["notes"]) + "," + ctID(fx.products["crm"]), []string{"notes-std", "crm-one"}},
			{"filter[key]=crm-one,notes-std", []string{"notes-std", "crm-one"}},
			{"filter[status]=inactive", []string{"mail-pro"}},
			{"filter[status]=active", []string{"mail-basic", "notes-std", "mail-max", "crm-one"}},
			{"filter[public]=false", []string{"mail-pro"}},
			{"filter[public]=true,false", []string{"mail-basic", "notes-std", "mail-pro", "mail-max", "crm-one"}},
			{"filter[currency]=eur", []string{"mail-pro"}},
			{"filter[billing_type]=csp_annual", []string{"notes-std"}},
			{"filter[name]=mail&filter[currency]=USD&filter[status]=active", []string{"mail-basic", "mail-max"}},
		} {
			ctSameKeys(t, tc.query, ctPlanKeys(ctPlanQuery(t, fx.s.Admin, op, tc.query+"&sort=id").Items), tc.want)
		}

		// The status with spaces, as a query string writes it.
		for _, q := range []string{"filter[status]=deactivated+by+provider", "filter[status]=deactivated%20by%20provider"} {
			ctSameKeys(t, q, ctPlanKeys(ctPlanQuery(t, fx.s.Admin, fx.north.ID, q).Items), []string{"notes-std"})
		}
		ctSameKeys(t, "active and deactivated", ctPlanKeys(ctPlanQuery(t, fx.s.Admin, fx.north.ID,
			"sort=id&filter[status]=active,deactivated+by+provider").Items), []string{"mail-basic", "notes-std", "widget-plan"})
	})
}

// TestPlanListSortsAndPages checks the sorts, the pagination links and a page past the
// end.
func TestPlanListSortsAndPages(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		op := int64(domain.OperatorID)
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"sort=name", []string{"crm-one", "mail-basic", "mail-max", "mail-pro", "notes-std"}},
			{"sort=-name", []string{"notes-std", "mail-pro", "mail-max", "mail-basic", "crm-one"}},
			{"sort=-id", []string{"crm-one", "mail-max", "mail-pro", "notes-std", "mail-basic"}},
			{"sort=created_at", []string{"mail-basic", "notes-std", "mail-pro", "mail-max", "crm-one"}},
			{"sort=-created_at,name", []string{"crm-one", "mail-max", "mail-pro", "mail-basic", "notes-std"}},
			// Ties are broken by id, running the way the field sorts.
			{"sort=-updated_at", []string{"mail-basic", "crm-one", "mail-max", "mail-pro", "notes-std"}},
			{"sort=updated_at", []string{"notes-std", "mail-pro", "mail-max", "crm-one", "mail-basic"}},
		} {
			ctSameKeys(t, tc.query, ctPlanKeys(ctPlanQuery(t, fx.s.Admin, op, tc.query).Items), tc.want)
		}

		first := ctPlanQuery(t, fx.s.Admin, op, "sort=id&page[size]=2")
		if first.TotalCount != 5 || len(first.Items) != 2 || first.Links.Prev != nil || first.Links.Next == nil ||
			!bytes.Contains([]byte(*first.Links.Next), []byte("page[after]="+first.NextCursor)) ||
			!bytes.Contains([]byte(first.Links.Last), []byte("page[number]=3")) {
			t.Errorf("first page: total %d, %d items, links %+v", first.TotalCount, len(first.Items), first.Links)
		}
		last := ctPlanQuery(t, fx.s.Admin, op, "sort=id&page[size]=2&page[number]=3")
		ctSameKeys(t, "last page", ctPlanKeys(last.Items), []string{"crm-one"})
		if last.Links.Next != nil || last.Links.Prev == nil || !bytes.Contains([]byte(*last.Links.Prev), []byte("page[number]=2")) {
			t.Errorf("last page links %+v", last.Links)
		}
		past := ctPlanQuery(t, fx.s.Admin, op, "sort=id&page[size]=2&page[number]=9")
		if len(past.Items) != 0 || past.TotalCount != 5 || past.Links.Next != nil ||
			!bytes.Contains([]byte(*past.Links.Prev), []byte("page[number]=3")) {
			t.Errorf("past the end: %d items, total %d, links %+v", len(past.Items), past.TotalCount, past.Links)
		}
		filtered := ctPlanQuery(t, fx.s.Admin, op, "filter[name]=mail&page[size]=1&page[number]=2")
		if filtered.TotalCount != 3 || !bytes.Contains([]byte(filtered.Links.Self), []byte("filter[name]=mail")) {
			t.Errorf("filtered page: total %d, self %s", filtered.TotalCount, filtered.Links.Self)
		}
	})
}

// TestPlanIncludeCategory checks include=plan_category on the list and the single
// plan: a relationship per plan, each category once in included.
func TestPlanIncludeCategory(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		ctx := context.Background()
		op := int64(domain.OperatorID)
		categoryOf := map[string]int64{"mail-basic": fx.categories["office"], "mail-pro": fx.categories["office"],
			"mail-max": fx.categories["office"], "crm-one": fx.categories["office"], "notes-std": fx.categories["tools"]}

		page, err := fx.s.Admin.ListPlans(ctx, op, &client.ListOptions{Include: []string{"plan_category"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Items {
			rel := p.Relationships["plan_category"]
			if rel.Data == nil || rel.Data.Type != "product_categories" || rel.Data.ID != ctID(categoryOf[p.Key]) {
				t.Errorf("%s: plan_category = %+v, want category %d", p.Key, rel.Data, categoryOf[p.Key])
			}
		}
		var included []string
		for _, r := range page.Included {
			if r.Type != "product_categories" {
				t.Errorf("included %s %s", r.Type, r.ID)
			}
			included = append(included, r.ID)
		}
		slices.Sort(included)
		want := []string{ctID(fx.categories["office"]), ctID(fx.categories["tools"])}
		slices.Sort(want)
		if !slices.Equal(included, want) {
			t.Errorf("included categories %v, want %v, each once", included, want)
		}

		plain, err := fx.s.Admin.ListPlans(ctx, op, nil)
		if err != nil || len(plain.Included) != 0 || plain.Items[0].Relationships != nil {
			t.Errorf("without include: %d included, relationships %v (%v)", len(plain.Included), plain.Items[0].Relationships, err)
		}

		one, err := fx.s.Admin.GetPlan(ctx, op, fx.plan(t, op, "notes-std"), client.WithInclude("plan_category"))
		if err != nil {
			t.Fatal(err)
		}
		if rel := one.Relationships["plan_category"]; rel.Data == nil || rel.Data.ID != ctID(fx.categories["tools"]) ||
			len(one.Included) != 1 || one.Included[0].ID != ctID(fx.categories["tools"]) {
			t.Errorf("notes-std with its category: relationships %+v, included %+v", one.Relationships, one.Included)
		}
		var tools client.ProductCategory
		if err := json.Unmarshal(one.Included[0].Attributes, &tools); err != nil || tools.Key != "tools" || tools.Priority != 1 {
			t.Errorf("included category = %+v (%v)", tools, err)
		}

		// north's delegated plan links the operator's category, which north sees.
		north, err := fx.s.Admin.ListPlans(ctx, fx.north.ID, &client.ListOptions{Include: []string{"plan_category"}, Sort: "id"})
		if err != nil || len(north.Included) != 3 {
			t.Fatalf("north's plans with categories: %d included (%v)", len(north.Included), err)
		}
	})
}
