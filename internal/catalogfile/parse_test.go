package catalogfile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// parse parses doc under the default limits.
func parse(doc string) (*File, error) {
	return Parse(context.Background(), []byte(doc), DefaultLimits())
}

// problemsOf parses doc and checks it against st, returning "LINE:COL path code"
// for every problem.
func problemsOf(t *testing.T, doc string, st Stored) []string {
	t.Helper()
	f, err := parse(doc)
	if f != nil {
		err = Join(err, f.Check(st))
	}
	if err == nil {
		return nil
	}
	var inv *Invalid
	if !errors.As(err, &inv) {
		t.Fatalf("error %v is not *Invalid", err)
	}
	out := make([]string, len(inv.Problems))
	for i, p := range inv.Problems {
		out[i] = fmt.Sprintf("%d:%d %s %s", p.Line, p.Column, p.Path, p.Message)
	}
	return out
}

// wantProblems asserts doc has exactly the given problems, in document order.
func wantProblems(t *testing.T, doc string, want ...string) {
	t.Helper()
	if got := problemsOf(t, doc, Stored{}); !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// plan wraps plan fields (indented by four) in a minimal valid file.
func plan(fields string) string {
	return `categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]
plans:
  - key: x
    product: p
    name: X
    currency: USD
` + fields
}

const monthly = "    periods: [{key: m, duration: 1, unit: months}]\n"

func TestParseValidFile(t *testing.T) {
	doc := plan(`    description: All of it
    status: inactive
    public: false
    billing_type: csp_annual
    sku: 1001
    fixed_price: true
    periods:
      - {key: 1m, duration: 1, unit: months, setup_fee: 5, recurring_fee: "10.50", renewal_fee: 0.000001, transfer_fee: "0"}
      - {key: life, unit: endless}
    resources:
      - {key: r, name: R, included: 2, limit: 10, recurring_fee: 1}
      - {key: f, name: F, unit: boolean}
      - {key: u, name: U, unlimited: true}
    order_attributes:
      - {key: d, label: D, type: list, values: [a, b]}
    available_to:
      - {reseller: 5, prices: {periods: {1m: {recurring_fee: 9}}, resources: {r: {overuse_fee: 2}}}}
      - {reseller: Child.Example}
`)
	f, err := parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := f.Plans[0]
	if p.Status != domain.PlanInactive || p.Public || p.SKU != "1001" || !p.FixedPrice || p.BillingType != domain.BillingCSPAnnual || p.Description != "All of it" {
		t.Errorf("plan = %+v", p.Plan)
	}
	if pp := p.Periods[0]; pp.SetupFee != 5_000_000 || pp.RecurringFee != 10_500_000 || pp.RenewalFee != 1 || pp.Position != 0 {
		t.Errorf("period 1m = %+v", pp)
	}
	if pp := p.Periods[1]; pp.Unit != domain.UnitEndless || pp.Duration != 0 || pp.Position != 1 {
		t.Errorf("period life = %+v", pp)
	}
	r, fl, u := p.Resources[0], p.Resources[1], p.Resources[2]
	if r.Included != 2 || r.Minimum != 2 || r.Limit != 10 || !r.Public || r.UnitOfMeasure != domain.MeasureUnit {
		t.Errorf("resource r = %+v", r)
	}
	if fl.UnitOfMeasure != domain.MeasureBoolean || fl.Limit != 1 || fl.Minimum != 0 {
		t.Errorf("resource f = %+v", fl)
	}
	if !u.Unlimited || u.Limit != 0 {
		t.Errorf("resource u = %+v", u)
	}
	a := p.AvailableTo
	if len(a) != 2 || a[0].Reseller != "5" || *a[0].Periods["1m"].Recurring != 9_000_000 || a[0].Periods["1m"].Setup != nil ||
		*a[0].Resources["r"].Overuse != 2_000_000 || a[1].Reseller != "child.example" || a[1].Status != domain.PlanActive {
		t.Errorf("available_to = %+v", a)
	}
	if refs := f.ResellerRefs(); !slices.Equal(refs, []string{"5", "child.example"}) {
		t.Errorf("refs = %v", refs)
	}
	// Defaults.
	f, err = parse("service_terms: [{key: t, name: T}]\n" + plan(monthly))
	if err != nil {
		t.Fatal(err)
	}
	if f.ServiceTerms[0].BillingDay != 1 || !f.Categories[0].Public || !f.Products[0].Public ||
		f.Plans[0].Status != domain.PlanActive || !f.Plans[0].Public {
		t.Errorf("defaults: %+v %+v %+v", f.ServiceTerms[0], f.Categories[0], f.Plans[0].Plan)
	}
}

func TestParseEmptyDocument(t *testing.T) {
	for _, doc := range []string{"", "# nothing\n", "{}"} {
		f, err := parse(doc)
		if err != nil || f == nil || len(f.Plans) != 0 {
			t.Errorf("%q: %v %+v", doc, err, f)
		}
	}
}

func TestParseStructure(t *testing.T) {
	wantProblems(t, "- a\n- b\n", "1:1  must_be_object")
	wantProblems(t, "plans: {key: x}\n", "1:8 plans must_be_array")
	wantProblems(t, "categories:\n  - key: c\n    name: C\n    name: D\n    colour: red\n",
		`4:5 categories[0].name duplicate`, "5:5 categories[0].colour unknown_field")
	wantProblems(t, "categories:\n  - just a string\n", "2:5 categories[0] must_be_object")
	wantProblems(t, "a: 1\n---\nb: 2\n", "1:1 a unknown_field", "2:1  catalog_one_document")
	wantProblems(t, "delegated:\n  - {plan: x, available_to: []}\n  - {plan: x}\n",
		"2:12 delegated[0].plan plan_not_delegated", "3:5 delegated[1].available_to required",
		"3:12 delegated[1].plan duplicate", "3:12 delegated[1].plan plan_not_delegated")
}

func TestParseYAMLSyntaxError(t *testing.T) {
	_, err := parse("plans:\n  - key: a\n    name: [b\n")
	var inv *Invalid
	if !errors.As(err, &inv) || len(inv.Problems) != 1 || !inv.Problems[0].Syntax || inv.Problems[0].Message != domain.MsgCatalogSyntax {
		t.Fatalf("err = %v", err)
	}
	if p := inv.Problems[0]; p.Line < 1 || !strings.Contains(p.Text(domain.LocaleEN), "not valid YAML") {
		t.Errorf("problem = %+v", p)
	}
	des := domain.Errors(err)
	if len(des) != 1 || des[0].Code != domain.ErrBadRequest || des[0].Line != inv.Problems[0].Line {
		t.Errorf("domain errors = %+v", des)
	}
}

func TestParseRequiredFieldsAndKeys(t *testing.T) {
	wantProblems(t, "service_terms:\n  - {billing_day: 0}\n",
		"2:5 service_terms[0].key required", "2:5 service_terms[0].name required", "2:19 service_terms[0].billing_day out_of_range")
	wantProblems(t, "service_terms:\n  - {key: t, name: T, billing_day: 29}\n", "2:36 service_terms[0].billing_day out_of_range")
	wantProblems(t, "categories:\n  - {key: 'a b', name: ''}\n  - {key: "+strings.Repeat("k", 65)+", name: N}\n",
		"2:11 categories[0].key invalid_key", "2:24 categories[0].name blank", "3:11 categories[1].key invalid_key")
	wantProblems(t, "categories:\n  - {key: c, name: C, logo: not-a-url, priority: high, public: maybe}\n",
		"2:29 categories[0].logo invalid_url", "2:50 categories[0].priority must_be_integer", "2:64 categories[0].public must_be_boolean")
	wantProblems(t, "categories:\n  - {key: c, name: "+strings.Repeat("n", 256)+"}\n", "2:20 categories[0].name too_long")
	wantProblems(t, "categories:\n  - {key: c, name: C}\n  - {key: c, name: D}\n", "3:11 categories[1].key duplicate")
	wantProblems(t, "categories:\n  - {key: c, name: true}\n", "2:20 categories[0].name must_be_string")
}

func TestParseProducts(t *testing.T) {
	wantProblems(t, "categories: [{key: c, name: C}]\nproducts:\n  - {key: p, name: P, category: c}\n",
		"3:5 products[0].integration required")
	wantProblems(t, `categories: [{key: c, name: C}]
products:
  - key: p
    name: P
    category: c
    integration: {mode: manual, email: not-an-email, allow_order_attributes: true}
  - key: q
    name: Q
    category: c
    integration: {mode: automatic, api_path: /relative}
  - key: r
    name: R
    category: c
    integration: {mode: auto}
  - key: s
    name: S
    category: c
    integration: {mode: automatic}
`,
		"6:40 products[0].integration.email invalid_email",
		"6:78 products[0].integration.allow_order_attributes automatic_mode_only",
		"10:46 products[1].integration.api_path invalid_url",
		"14:25 products[2].integration.mode not_in_list",
		"18:18 products[3].integration.api_path required")
}

func TestParsePeriods(t *testing.T) {
	wantProblems(t, plan(""), "4:5 plans[0].periods periods_required")
	wantProblems(t, plan("    periods:\n"+
		"      - {key: a, unit: months}\n"+
		"      - {key: b, unit: days, duration: 0}\n"+
		"      - {key: c, unit: endless, duration: 1}\n"+
		"      - {key: d, unit: weeks, duration: 1}\n"+
		"      - {key: a, unit: years, duration: 1}\n"),
		"9:9 plans[0].periods[0].duration required",
		"10:40 plans[0].periods[1].duration too_small",
		"11:43 plans[0].periods[2].duration endless_duration",
		"12:24 plans[0].periods[3].unit not_in_list",
		"13:15 plans[0].periods[4].key duplicate")
	wantProblems(t, strings.Replace(plan(monthly), "currency: USD", "currency: EURO", 1), "7:15 plans[0].currency invalid_currency")
	wantProblems(t, strings.Replace(plan(monthly), "currency: USD", "currency: ABC", 1), "7:15 plans[0].currency invalid_currency")
}

func TestParseMoneyIsExact(t *testing.T) {
	cases := map[string]domain.Amount{
		`"10.00"`: 10_000_000, "10.5": 10_500_000, "0.000001": 1, "7": 7_000_000, `"0"`: 0,
		"0.10000000": 100_000, // trailing zeros beyond six places say nothing more
		"12345678.9": 12_345_678_900_000,
	}
	for lit, want := range cases {
		f, err := parse(plan("    periods: [{key: m, duration: 1, unit: months, recurring_fee: " + lit + "}]\n"))
		if err != nil {
			t.Errorf("%s: %v", lit, err)
			continue
		}
		if got := f.Plans[0].Periods[0].RecurringFee; got != want {
			t.Errorf("%s: %d, want %d", lit, got, want)
		}
	}
	// Values a float would round, negative values and non-numbers are refused.
	for _, lit := range []string{"0.1234567", "1e3", "-1", `"-0.5"`, ".inf", "0x10", "ten", "[1]", "true", `""`, "9223372036854.775808"} {
		got := problemsOf(t, plan("    periods: [{key: m, duration: 1, unit: months, setup_fee: "+lit+"}]\n"), Stored{})
		if len(got) != 1 || !strings.HasSuffix(got[0], "plans[0].periods[0].setup_fee invalid_amount") {
			t.Errorf("%s: %v", lit, got)
		}
	}
}

func TestParseResourceQuantities(t *testing.T) {
	wantProblems(t, plan(monthly+"    resources:\n"+
		"      - {key: a, name: A, included: 10, minimum: 5, limit: 20}\n"+
		"      - {key: b, name: B, included: 1, minimum: 5, limit: 2}\n"+
		"      - {key: c, name: C, included: -1, limit: 3}\n"+
		"      - {key: d, name: D}\n"+
		"      - {key: e, name: E, unit: boolean, included: 2, limit: 5}\n"+
		"      - {key: f, name: F, unit: switch}\n"),
		"10:50 plans[0].resources[0].minimum below_field",
		"11:59 plans[0].resources[1].limit below_field",
		"12:37 plans[0].resources[2].included too_small",
		"13:9 plans[0].resources[3].limit required",
		"14:52 plans[0].resources[4].included boolean_quantity",
		"14:62 plans[0].resources[4].limit boolean_quantity",
		"15:9 plans[0].resources[5].limit required", // an unknown unit is taken for countable
		"15:33 plans[0].resources[5].unit not_in_list")
	// Unlimited needs no limit; minimum may exceed the limit then.
	wantProblems(t, plan(monthly+"    resources: [{key: a, name: A, included: 3, minimum: 9, unlimited: true}]\n"))
}

func TestParseSwitchesAndAttributes(t *testing.T) {
	wantProblems(t, plan(monthly+`    switch_to:
      - {plan: x}
      - {plan: y, type: sometime}
      - {plan: y, type: delayed_switch}
      - {plan: y, type: delayed_switch}
      - {type: immediate_switch}
    order_attributes:
      - {key: a, label: A, type: list}
      - {key: b, label: B, type: colour}
      - {key: a, label: A2, type: string, values: [x, x, ""]}
`),
		"10:16 plans[0].switch_to[0].plan switch_to_itself",
		"11:16 plans[0].switch_to[1].plan unknown_plan",
		"11:25 plans[0].switch_to[1].type not_in_list",
		"12:16 plans[0].switch_to[2].plan unknown_plan",
		"13:16 plans[0].switch_to[3].plan duplicate",
		"13:16 plans[0].switch_to[3].plan unknown_plan",
		"14:9 plans[0].switch_to[4].plan required",
		"16:9 plans[0].order_attributes[0].values list_values_required",
		"17:34 plans[0].order_attributes[1].type not_in_list",
		"18:15 plans[0].order_attributes[2].key duplicate",
		"18:55 plans[0].order_attributes[2].values[1] duplicate",
		"18:58 plans[0].order_attributes[2].values[2] blank")
}

func TestParseAvailability(t *testing.T) {
	wantProblems(t, plan(monthly+`    available_to:
      - {status: gone, public: 3}
      - reseller: [2]
      - reseller: 2
        prices:
          periods: {nope: {recurring_fee: 1}, m: {overuse_fee: 1}}
          resources: {r: {recurring_fee: -1}}
          extras: {}
`),
		"10:9 plans[0].available_to[0].reseller required",
		"10:18 plans[0].available_to[0].status not_in_list",
		"10:32 plans[0].available_to[0].public must_be_boolean",
		"11:19 plans[0].available_to[1].reseller invalid_reseller_reference",
		"12:19 plans[0].available_to[2].reseller reseller_not_below", // no stored reseller 2
		"14:21 plans[0].available_to[2].prices.periods.nope unknown_period",
		"14:51 plans[0].available_to[2].prices.periods.m.overuse_fee unknown_field",
		"15:23 plans[0].available_to[2].prices.resources.r unknown_resource",
		"15:42 plans[0].available_to[2].prices.resources.r.recurring_fee invalid_amount",
		"16:11 plans[0].available_to[2].prices.extras unknown_field")
}

func TestCheckReferences(t *testing.T) {
	st := Stored{
		ServiceTerms: map[string]bool{"old-term": true},
		Categories:   map[string]bool{"old-cat": true},
		Products:     map[string]bool{"old-prod": true},
		Plans: map[string]StoredPlan{
			"stored":   {ID: 7, Currency: "USD", Periods: map[string]bool{"m": true}},
			"received": {ID: 9, Delegated: true, Currency: "USD", Periods: map[string]bool{"m": true, "gone": false}, Resources: map[string]bool{}},
		},
		Resellers: map[string]StoredReseller{
			"3": {ID: 3, Below: true}, "child.example": {ID: 3, Below: true}, "4": {ID: 4, Below: true},
			"1": {ID: 1}, "5": {ID: 5, Below: true},
		},
		DownstreamPlans: map[int64]map[string]int64{4: {"stored": 0}, 5: {"stored": 7}},
	}
	doc := `products:
  - {key: p, name: P, category: old-cat, integration: {mode: manual, email: a@b.example}}
  - {key: q, name: Q, category: new-cat, integration: {mode: manual, email: a@b.example}}
plans:
  - key: stored
    product: old-prod
    name: S
    currency: EUR
    service_term: new-term
    periods: [{key: m, duration: 1, unit: months}]
    switch_to: [{plan: received}, {plan: missing}]
    available_to: [{reseller: 3}, {reseller: child.example}, {reseller: 1}, {reseller: 2}, {reseller: 4}, {reseller: 5}]
  - key: received
    product: p
    name: R
    currency: USD
    service_term: old-term
    periods: [{key: m, duration: 1, unit: months}]
delegated:
  - plan: received
    available_to: [{reseller: 3, prices: {periods: {m: {recurring_fee: 1}, gone: {recurring_fee: 1}}}}]
  - plan: stored
    available_to: []
  - plan: unknown
    available_to: []
`
	got := problemsOf(t, doc, st)
	want := []string{
		"3:33 products[1].category unknown_category",
		"8:15 plans[0].currency not_updatable",
		"9:19 plans[0].service_term unknown_service_term",
		"11:42 plans[0].switch_to[1].plan unknown_plan",
		"12:46 plans[0].available_to[1].reseller duplicate",
		"12:73 plans[0].available_to[2].reseller reseller_not_below",
		"12:88 plans[0].available_to[3].reseller reseller_not_below",
		"12:103 plans[0].available_to[4].reseller downstream_key_taken",
		"13:10 plans[1].key plan_is_delegated",
		"20:11 delegated[0].plan plan_is_own", // listed under plans too
		"21:76 delegated[0].available_to[0].prices.periods.gone unknown_period",
		"22:11 delegated[1].plan plan_is_own",
		"22:11 delegated[1].plan plan_not_delegated",
		"24:11 delegated[2].plan plan_not_delegated",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	f, _ := parse(doc)
	f.Check(st)
	if ids := []int64{f.Plans[0].AvailableTo[0].ResellerID, f.Plans[0].AvailableTo[5].ResellerID}; !slices.Equal(ids, []int64{3, 5}) {
		t.Errorf("resolved reseller ids = %v", ids)
	}
}

func TestManyProblemsAllListed(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("categories:\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&sb, "  - {key: 'bad key %03d', name: ''}\n", i)
	}
	got := problemsOf(t, sb.String(), Stored{})
	if len(got) != 400 || got[399] != "201:32 categories[199].name blank" {
		t.Errorf("%d problems, last %q", len(got), got[len(got)-1])
	}
}

func TestProblemRendering(t *testing.T) {
	_, err := parse("categories:\n  - {key: c, name: C, colour: red}\n")
	var inv *Invalid
	if !errors.As(err, &inv) {
		t.Fatal(err)
	}
	p := inv.Problems[0]
	if p.Pointer != "/categories/0/colour" || p.String() != "2:23: categories[0].colour: is not a known field; known fields: key, name, description, priority, public, logo" {
		t.Errorf("problem = %q at %s", p.String(), p.Pointer)
	}
	des := domain.Errors(err)
	if len(des) != 1 || des[0].Pointer != "/categories/0/colour" || des[0].Line != 2 || des[0].Column != 23 ||
		des[0].Code != domain.ErrInvalid || des[0].Reason != "unknown_field" {
		t.Errorf("domain error = %+v", des[0])
	}
	if got := (path{{name: "a/b~c", index: -1}, {index: 2}}).Pointer(); got != "/a~1b~0c/2" {
		t.Errorf("pointer escaping: %s", got)
	}
}
