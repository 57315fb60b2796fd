package domain

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestBillingRulesDocMatchesTable keeps the billing-type table of docs/catalog.md in
// step with billingRules: a header row naming every billing type in the order of
// BillingTypes, and one row per rule (a BillingRules field) saying yes or no for each.
func TestBillingRulesDocMatchesTable(t *testing.T) {
	b, err := os.ReadFile("../../docs/catalog.md")
	if err != nil {
		t.Fatal(err)
	}
	fields := reflect.TypeFor[BillingRules]()
	rows := map[string][]string{}
	var header []string
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != len(BillingTypes)+4 { // leading and trailing empties, rule, meaning
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		if cells[1] == "Rule" {
			header = cells[3 : len(cells)-1]
			continue
		}
		if _, ok := fields.FieldByName(cells[1]); ok {
			rows[cells[1]] = cells[3 : len(cells)-1]
		}
	}
	for i, bt := range BillingTypes {
		if i >= len(header) || header[i] != string(bt) {
			t.Fatalf("docs/catalog.md: the billing-type table's header %q does not list %v in order", header, BillingTypes)
		}
	}
	for i := range fields.NumField() {
		name := fields.Field(i).Name
		got, ok := rows[name]
		if !ok {
			t.Errorf("docs/catalog.md has no row for the rule %s", name)
			continue
		}
		for j, bt := range BillingTypes {
			want := "no"
			if reflect.ValueOf(bt.Rules()).Field(i).Bool() {
				want = "yes"
			}
			if got[j] != want {
				t.Errorf("docs/catalog.md: %s for %s says %q, the code says %q", name, bt, got[j], want)
			}
		}
	}
}
