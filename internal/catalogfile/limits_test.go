package catalogfile

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// problemLines renders the problems of err as "LINE:COL path code".
func problemLines(t *testing.T, err error) []string {
	t.Helper()
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

func TestLimitsRefuseLongLists(t *testing.T) {
	two := func(item string) string { return "[" + item + ", " + item + "]" }
	period := "{key: m, duration: 1, unit: months}"
	cases := []struct {
		name  string
		limit func(*Limits) // sets the one limit under test to 1
		doc   string
		want  string
	}{
		{LimitServiceTerms, func(l *Limits) { l.ServiceTerms = 1 }, "service_terms: " + two("{key: t, name: T}") + "\n",
			"1:16 service_terms catalog_limit"},
		{LimitCategories, func(l *Limits) { l.Categories = 1 }, "categories: " + two("{key: c, name: C}") + "\n",
			"1:13 categories catalog_limit"},
		{LimitProducts, func(l *Limits) { l.Products = 1 }, "products: [a, b]\n", "1:11 products catalog_limit"},
		{LimitPlans, func(l *Limits) { l.Plans = 1 }, "plans: [a, b]\n", "1:8 plans catalog_limit"},
		{LimitPlans + " (delegated)", func(l *Limits) { l.Plans = 1 }, "delegated: [a, b]\n", "1:12 delegated catalog_limit"},
		{LimitPeriods, func(l *Limits) { l.Periods = 1 }, plan("    periods: " + two(period) + "\n"),
			"8:14 plans[0].periods catalog_limit"},
		{LimitPeriods + " (prices)", func(l *Limits) { l.Periods = 1 },
			plan(monthly + "    available_to: [{reseller: 2, prices: {periods: {m: {}, n: {}}}}]\n"),
			"9:52 plans[0].available_to[0].prices.periods catalog_limit"},
		{LimitResources, func(l *Limits) { l.Resources = 1 }, plan(monthly + "    resources: [a, b]\n"),
			"9:16 plans[0].resources catalog_limit"},
		{LimitResources + " (prices)", func(l *Limits) { l.Resources = 1 },
			plan(monthly + "    available_to: [{reseller: 2, prices: {resources: {r: {}, s: {}}}}]\n"),
			"9:54 plans[0].available_to[0].prices.resources catalog_limit"},
		{LimitAttributes, func(l *Limits) { l.Attributes = 1 }, plan(monthly + "    order_attributes: [a, b]\n"),
			"9:23 plans[0].order_attributes catalog_limit"},
		{LimitValues, func(l *Limits) { l.Values = 1 },
			plan(monthly + "    order_attributes: [{key: a, label: A, type: list, values: [x, y]}]\n"),
			"9:63 plans[0].order_attributes[0].values catalog_limit"},
		{LimitSwitches, func(l *Limits) { l.Switches = 1 }, plan(monthly + "    switch_to: [a, b]\n"),
			"9:16 plans[0].switch_to catalog_limit"},
		{LimitTargets, func(l *Limits) { l.Targets = 1 }, plan(monthly + "    available_to: [a, b]\n"),
			"9:19 plans[0].available_to catalog_limit"},
		{LimitTargets + " (delegated)", func(l *Limits) { l.Targets = 1 }, "delegated: [{plan: d, available_to: [a, b]}]\n",
			"1:37 delegated[0].available_to catalog_limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lim := DefaultLimits()
			tc.limit(&lim)
			f, err := Parse(context.Background(), []byte(tc.doc), lim)
			if f != nil {
				t.Errorf("a file over a limit was returned for applying")
			}
			if got := problemLines(t, err); !slices.Equal(got, []string{tc.want}) {
				t.Errorf("problems = %q, want %q", got, tc.want)
			}
			name := strings.Fields(tc.name)[0]
			if got := err.(*Invalid).Problems[0].Text(domain.LocaleEN); got != "has 2 entries; the catalogue limit "+name+" allows at most 1" {
				t.Errorf("text = %q", got)
			}
		})
	}
	// At a limit is within it.
	lim := DefaultLimits()
	lim.Periods = 2
	if _, err := Parse(context.Background(), []byte(plan("    periods: "+two(period)+"\n")), lim); err == nil ||
		slices.Contains(problemLines(t, err), "8:14 plans[0].periods catalog_limit") {
		t.Errorf("two periods at a limit of two: %v (want only the duplicate key)", err)
	}
}

func TestLimitStopsReading(t *testing.T) {
	// Past the limit of plans nothing else is read: not the broken plans, not the
	// delegated list after them.
	var sb strings.Builder
	sb.WriteString("plans:\n")
	for range 50 {
		sb.WriteString("  - {key: 'bad key', colour: red}\n")
	}
	sb.WriteString("delegated: 7\n")
	lim := DefaultLimits()
	lim.Plans = 10
	_, err := Parse(context.Background(), []byte(sb.String()), lim)
	if got := problemLines(t, err); !slices.Equal(got, []string{"2:3 plans catalog_limit"}) {
		t.Errorf("problems = %q", got)
	}
}

func TestLimitOfEntries(t *testing.T) {
	// One category, one product, and a plan of 1 + 2 periods + 1 resource + 1 switch +
	// an attribute with 2 values (8 entries), made available to 2 resellers: 2 + 8*3.
	doc := plan(`    periods: [{key: m, duration: 1, unit: months}, {key: y, duration: 1, unit: years}]
    resources: [{key: r, name: R, limit: 1}]
    switch_to: [{plan: other}]
    order_attributes: [{key: a, label: A, type: list, values: [u, v]}]
    available_to: [{reseller: 2}, {reseller: 3}]
`)
	lim := DefaultLimits()
	lim.Entries = 26
	f, err := Parse(context.Background(), []byte(doc), lim)
	if err != nil || f.entries != 26 {
		t.Fatalf("at the limit: %v, %d entries", err, f.entries)
	}
	lim.Entries = 25
	f, err = Parse(context.Background(), []byte(doc), lim)
	if got := problemLines(t, err); f != nil || !slices.Equal(got, []string{"4:5 plans[0] catalog_entries_limit"}) {
		t.Errorf("over the limit: %q", got)
	}
	if got := err.(*Invalid).Problems[0].Text(domain.LocaleEN); !strings.HasPrefix(got, "Here the file passes 25 entries, the catalogue limit max_entries:") {
		t.Errorf("text = %q", got)
	}

	// A delegated plan's copies are as big as the stored plan: Check counts them.
	st := Stored{Plans: map[string]StoredPlan{"d": {ID: 9, Delegated: true, Entries: 4}},
		Resellers: map[string]StoredReseller{"7": {ID: 7, Below: true}, "8": {ID: 8, Below: true}}}
	doc = "delegated:\n  - {plan: d, available_to: [{reseller: 7}, {reseller: 8}]}\n"
	lim.Entries = 8
	if f, err = Parse(context.Background(), []byte(doc), lim); err != nil || f.Check(st) != nil {
		t.Fatalf("two copies of 4 entries at a limit of 8: %v, %v", err, f.Check(st))
	}
	lim.Entries = 7
	if f, err = Parse(context.Background(), []byte(doc), lim); err != nil {
		t.Fatal(err)
	}
	if got := problemLines(t, f.Check(st)); !slices.Equal(got, []string{"2:5 delegated[0] catalog_entries_limit"}) {
		t.Errorf("over the limit: %q", got)
	}
}

func TestLimitSettingsNameEveryLimit(t *testing.T) {
	var l Limits
	settings := l.Settings()
	if n := reflect.TypeOf(l).NumField(); len(settings) != n {
		t.Fatalf("%d settings for %d limits", len(settings), n)
	}
	names := map[string]bool{}
	for i, s := range settings {
		*s.Value = i + 1
		if names[s.Name] || !strings.HasPrefix(s.Name, "max_") || s.Usage == "" {
			t.Errorf("setting %+v", s)
		}
		names[s.Name] = true
	}
	if v := reflect.ValueOf(l); slices.ContainsFunc(reflect.VisibleFields(v.Type()), func(f reflect.StructField) bool {
		return v.FieldByIndex(f.Index).Int() == 0
	}) {
		t.Errorf("a limit has no setting: %+v", l)
	}
	def := DefaultLimits()
	for _, s := range def.Settings() {
		if *s.Value < 1 {
			t.Errorf("default %s = %d", s.Name, *s.Value)
		}
	}
}

func TestTooManyProblems(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("categories:\n")
	for i := range 800 {
		fmt.Fprintf(&sb, "  - {key: 'bad key %03d', name: ''}\n", i)
	}
	f, err := parse(sb.String())
	got := problemLines(t, err)
	if f != nil || len(got) != maxProblems+1 || got[maxProblems] != "501:32  catalog_too_many_problems" {
		t.Fatalf("%d problems, the last %q", len(got), got[len(got)-1])
	}
	des := domain.Errors(err)
	if last := des[len(des)-1]; last.Pointer != "/" || last.Message.Text(domain.LocaleEN, last.Args...) !=
		"The file has more problems than the 1000 listed: fix these and apply it again to see the rest" {
		t.Errorf("last error = %+v", last)
	}
	// Joined with more problems, the list stays as long.
	if got := problemLines(t, Join(err, err)); len(got) != maxProblems+1 || got[maxProblems] != "501:32  catalog_too_many_problems" {
		t.Errorf("joined: %d problems, the last %q", len(got), got[len(got)-1])
	}
}

func TestParseStopsWhenCancelled(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(plan(monthly))
	for i := range 5000 {
		fmt.Fprintf(&sb, "  - {key: p%d, product: p, name: P, currency: USD, periods: [{key: m, duration: 1, unit: months}]}\n", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, err := Parse(ctx, []byte(sb.String()), DefaultLimits())
	if f != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled parse = %v, %v", f, err)
	}
}

// cancelledAfter is a context whose Err answers context.Canceled from its
// (after+1)th call on, and counts the calls.
type cancelledAfter struct {
	context.Context
	after, asked int
}

func (c *cancelledAfter) Err() error {
	if c.asked++; c.asked > c.after {
		return context.Canceled
	}
	return nil
}

func TestParseStopsWhenCancelledWhileDecoding(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(plan(monthly))
	for i := range 5000 {
		fmt.Fprintf(&sb, "  - {key: p%d, product: p, name: P, currency: USD, periods: [{key: m, duration: 1, unit: months}]}\n", i)
	}
	// The decoder asks before each read of its input: cancelled a few reads into a
	// file of half a megabyte, it stops there, and Parse answers the context's error.
	ctx := &cancelledAfter{Context: context.Background(), after: 10}
	f, err := Parse(ctx, []byte(sb.String()), DefaultLimits())
	if f != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("parse cancelled while decoding = %v, %v", f, err)
	}
	if ctx.asked > ctx.after+2 {
		t.Errorf("the context was asked %d times, %d after it ended", ctx.asked, ctx.asked-ctx.after)
	}
}
