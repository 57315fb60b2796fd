package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
)

// cfHead is the start of a generated catalogue: one category and one product, which
// every generated plan sells.
const cfHead = `categories:
  - {key: c, name: C}
products:
  - {key: p, name: P, category: c, integration: {mode: manual, email: ops@vendor.example}}
`

// cfManyPlans is a catalogue of n plans, each with one period and one resource; the
// first delegated of them are made available to the reseller with id child.
func cfManyPlans(n, delegated int, child int64) string {
	var sb strings.Builder
	sb.Grow(n * 200)
	sb.WriteString(cfHead + "plans:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - {key: plan-%06d, product: p, name: Plan %d, currency: USD, periods: [{key: 1m, duration: 1, unit: months, recurring_fee: \"10.00\"}]", i, i)
		if i < delegated {
			fmt.Fprintf(&sb, ", resources: [{key: r, name: R, limit: 10, recurring_fee: 1}], available_to: [{reseller: %d}]", child)
		}
		sb.WriteString("}\n")
	}
	return sb.String()
}

// cfAliasDoc is the file that used to take half a minute: the first plan defines 2,000
// periods, which 299 more plans reuse through an alias.
func cfAliasDoc() string {
	var sb strings.Builder
	sb.WriteString(cfHead + "plans:\n  - key: plan-0\n    product: p\n    name: P\n    currency: USD\n    periods: &periods\n")
	for i := range 2000 {
		fmt.Fprintf(&sb, "      - {key: m%d, duration: %d, unit: months, recurring_fee: 1}\n", i, i+1)
	}
	for i := 1; i < 300; i++ {
		fmt.Fprintf(&sb, "  - {key: plan-%d, product: p, name: P, currency: USD, periods: *periods}\n", i)
	}
	return sb.String()
}

// cfPlanCount is the number of plans a reseller owns.
func cfPlanCount(tb testing.TB, s *server, resellerID int64) int {
	tb.Helper()
	return len(cfState(tb, s, resellerID).Plans)
}

func TestCatalogFileRefusesAliases(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err := s.Admin.ApplyCatalog(ctx, 1, []byte(cfAliasDoc()), false)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("refusing the alias file took %v", took)
		}
		e := apiError(t, err, 422)
		if len(e.Errors) != 299 {
			t.Errorf("%d errors, want one per alias (299)", len(e.Errors))
		}
		first := e.Errors[0]
		if first.Code != "catalog_alias" || first.Source == nil || first.Source.Pointer != "/plans/1/periods" ||
			first.Meta == nil || first.Meta.Line != 2011 || first.Meta.Column != 64 ||
			!strings.Contains(first.Detail, "alias") {
			t.Errorf("first error = %+v %+v", first, first.Meta)
		}
		if n := cfPlanCount(t, s, 1); n != 0 {
			t.Errorf("a refused file stored %d plans", n)
		}

		// Merge keys only make sense with aliases: refused too, at the key.
		doc := cfHead + `plans:
  - key: a
    product: p
    name: A
    currency: USD
    periods:
      - {<<: {duration: 1, unit: months}, key: m}
`
		_, err = s.Admin.ApplyCatalog(ctx, 1, []byte(doc), false)
		e = apiError(t, err, 422)
		if len(e.Errors) != 1 || e.Errors[0].Code != "catalog_merge_key" || e.Errors[0].Source.Pointer != "/plans/0/periods/0/<<" ||
			e.Errors[0].Meta.Line != 11 || e.Errors[0].Meta.Column != 10 {
			t.Errorf("merge key errors = %+v", e.Errors)
		}
	})
}

func TestCatalogFileControlCharacters(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		child := mustCreateReseller(t, s.Admin, 1, "Control Child")
		plan := func(fields string) string {
			return cfHead + "plans:\n  - key: a\n    product: p\n    currency: USD\n    periods: [{key: m, duration: 1, unit: months}]\n" + fields
		}
		cases := []struct {
			name, doc, pointer string
			line, column       int
		}{
			{"NUL escape", plan("    name: \"Mail\\0Basic\"\n"), "/plans/0/name", 10, 11},
			{"JSON NUL escape", `{"categories": [{"key": "c", "name": "C\u0000"}]}`, "/categories/0/name", 1, 38},
			{"escape character", plan("    name: A\n    description: \"\\e[31mred\"\n"), "/plans/0/description", 11, 18},
			{"DEL", plan("    name: \"A\\x7f\"\n"), "/plans/0/name", 10, 11},
			{"reseller reference", plan("    name: A\n    available_to: [{reseller: \"" + child.General.Domain + "\\u0000\"}]\n"),
				"/plans/0/available_to/0/reseller", 11, 31},
			{"field name", plan("    name: A\n    \"na\\u0001me\": B\n"), "/plans/0/na\x01me", 11, 5},
			{"raw control byte", plan("    name: Mail\x01Basic\n"), "/plans/0/name", 10, 11},
			{"raw byte that is not UTF-8", plan("    name: Mail\xffBasic\n"), "/plans/0/name", 10, 11},
		}
		for _, tc := range cases {
			_, err := s.Admin.ApplyCatalog(ctx, 1, []byte(tc.doc), false)
			var ae *client.Error
			if !errors.As(err, &ae) || ae.StatusCode != 422 {
				t.Errorf("%s: err = %v, want 422", tc.name, err)
				continue
			}
			e := ae.Errors[0]
			if len(ae.Errors) != 1 || e.Code != "control_character" || e.Source == nil || e.Source.Pointer != tc.pointer ||
				e.Meta == nil || e.Meta.Line != tc.line || e.Meta.Column != tc.column {
				t.Errorf("%s: errors = %+v, want control_character at %s %d:%d", tc.name, ae.Errors, tc.pointer, tc.line, tc.column)
			}
		}
		if n := cfPlanCount(t, s, 1); n != 0 {
			t.Errorf("refused files stored %d plans", n)
		}
		// Tabs and line breaks are text.
		cfApply(t, s.Admin, 1, plan("    name: \"Mail\\tBasic\"\n    description: |\n      two\n      lines\n"))
	})
}

// TestCatalogFileBigFiles keeps the big files of this suite in one test: a file over
// the default plan limit, a file at it, and a client that leaves mid-apply.
func TestCatalogFileBigFiles(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		child := mustCreateReseller(t, s.Admin, 1, "Big Child")

		// Over the limit: refused whole before the database is touched.
		start := time.Now()
		_, err := s.Admin.ApplyCatalog(ctx, 1, []byte(cfManyPlans(42_854, 0, 0)), false)
		e := apiError(t, err, 422)
		if len(e.Errors) != 1 || e.Errors[0].Code != "catalog_limit" || e.Errors[0].Source.Pointer != "/plans" ||
			e.Errors[0].Detail != "plans has 42854 entries; the catalogue limit max_plans allows at most 10000" {
			t.Errorf("42,854 plans: %+v", e.Errors)
		}
		t.Logf("%s: 42,854 plans refused in %v", s.engine.Name, time.Since(start))

		atLimit := []byte(cfManyPlans(10_000, 2_000, child.ID))
		// A client that gives up mid-apply leaves nothing behind, and the catalogue is
		// free again at once.
		gone, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		_, err = s.Admin.ApplyCatalog(gone, 1, atLimit, false)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("apply with a client that leaves: %v", err)
		}
		start = time.Now()
		cfApply(t, s.Admin, 1, cfHead)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("the next apply waited %v for the abandoned one", took)
		}
		if n := cfPlanCount(t, s, 1); n != 0 {
			t.Errorf("the abandoned apply stored %d plans", n)
		}

		// At the limit: applied whole, and again with no changes.
		start = time.Now()
		ch := cfApply(t, s.Admin, 1, string(atLimit))
		t.Logf("%s: %d bytes, 10,000 plans (2,000 delegated) applied in %v", s.engine.Name, len(atLimit), time.Since(start))
		if len(ch.Changes) != 12_000 {
			t.Errorf("%d changes, want 12,000", len(ch.Changes))
		}
		if n, m := cfPlanCount(t, s, 1), cfPlanCount(t, s, child.ID); n != 10_000 || m != 2_000 {
			t.Errorf("stored %d plans and %d copies, want 10,000 and 2,000", n, m)
		}
		if ch := cfApply(t, s.Admin, 1, string(atLimit)); ch.Changed {
			t.Errorf("the same file again changed %d things", len(ch.Changes))
		}
	})
}
