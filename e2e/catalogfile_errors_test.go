package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// cfBrokenDoc is valid YAML with a problem on most lines; cfBrokenWant says where.
const cfBrokenDoc = `service_terms:
  - key: monthly
    name: Monthly
    billing_day: 31
categories:
  - key: office
    name: Office
    colour: blue
products:
  - key: mail
    name: Mail
    category: offices
    integration:
      mode: automatic
      api_path: ftp://vendor.example
plans:
  - key: mail basic
    product: mail
    name: Mail Basic
    currency: USX
    periods:
      - key: 1m
        duration: 1
        unit: weeks
        recurring_fee: 10.1234567
      - key: 1m
        unit: endless
        setup_fee: -5
    resources:
      - key: mailbox
        name: Mailbox
        included: 5
        minimum: 2
        limit: 1
    switch_to:
      - plan: nowhere
    order_attributes:
      - key: region
        label: Region
        type: list
`

// cfBrokenWant maps each problem's pointer to its code, line and column.
var cfBrokenWant = map[string]struct {
	code         string
	line, column int
}{
	"/service_terms/0/billing_day":       {"out_of_range", 4, 18},
	"/categories/0/colour":               {"unknown_field", 8, 5},
	"/products/0/category":               {"unknown_category", 12, 15},
	"/products/0/integration/api_path":   {"invalid_url", 15, 17},
	"/plans/0/key":                       {"invalid_key", 17, 10},
	"/plans/0/currency":                  {"invalid_currency", 20, 15},
	"/plans/0/periods/0/unit":            {"not_in_list", 24, 15},
	"/plans/0/periods/0/recurring_fee":   {"invalid_amount", 25, 24},
	"/plans/0/periods/1/key":             {"duplicate", 26, 14},
	"/plans/0/periods/1/setup_fee":       {"invalid_amount", 28, 20},
	"/plans/0/resources/0/minimum":       {"below_field", 33, 18},
	"/plans/0/resources/0/limit":         {"below_field", 34, 16},
	"/plans/0/switch_to/0/plan":          {"unknown_plan", 36, 15},
	"/plans/0/order_attributes/0/values": {"list_values_required", 38, 9},
}

func TestCatalogFileRefusesABadFileWhole(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		_, err := s.Admin.ApplyCatalog(ctx, 1, []byte(cfBrokenDoc), false)
		errs := cfInvalid(t, err)
		for ptr, w := range cfBrokenWant {
			e, ok := errs[ptr]
			if !ok {
				t.Errorf("no error at %s", ptr)
				continue
			}
			if e.Code != w.code || e.Meta.Line != w.line || e.Meta.Column != w.column || e.Status != "422" {
				t.Errorf("%s: %s at %d:%d, want %s at %d:%d (%s)", ptr, e.Code, e.Meta.Line, e.Meta.Column, w.code, w.line, w.column, e.Detail)
			}
		}
		if len(errs) != len(cfBrokenWant) {
			for ptr, e := range errs {
				if _, ok := cfBrokenWant[ptr]; !ok {
					t.Errorf("unexpected error at %s: %s %s", ptr, e.Code, e.Detail)
				}
			}
		}
		if st := cfState(t, s, 1); len(st.ServiceTerms)+len(st.Categories)+len(st.Products)+len(st.Plans) != 0 {
			t.Errorf("a refused file stored something")
		}

		// Texts are in the caller's language; the field leads a predicate.
		_, err = s.Admin.ApplyCatalog(ctx, 1, []byte(cfBrokenDoc), false, client.WithLocale("ru"))
		for _, o := range apiError(t, err, 422).Errors {
			if o.Source.Pointer == "/service_terms/0/billing_day" && o.Detail != "billing_day должно быть целым числом от 1 до 28" {
				t.Errorf("ru detail = %q", o.Detail)
			}
		}

		// A file that is not YAML at all: one 400 with the line.
		_, err = s.Admin.ApplyCatalog(ctx, 1, []byte("plans:\n  - key: a\n    name: [b\n"), false)
		e := apiError(t, err, 400)
		if len(e.Errors) != 1 || e.Errors[0].Code != "catalog_syntax" || e.Errors[0].Meta == nil || e.Errors[0].Meta.Line < 1 ||
			!strings.Contains(e.Errors[0].Detail, "not valid YAML") {
			t.Errorf("syntax error = %+v", e.Errors)
		}

		// A valid file after a refused one applies whole.
		cfApply(t, s.Admin, 1, cfDoc(`"10.00"`))
		// A file refused against the stored catalogue changes nothing either.
		before := cfState(t, s, 1)
		bad := strings.Replace(cfDoc(`"11.00"`), "product: backup", "product: gone", 1)
		_, err = s.Admin.ApplyCatalog(ctx, 1, []byte(bad), false)
		if errs := cfInvalid(t, err); len(errs) != 1 || errs["/plans/2/product"].Code != "unknown_product" {
			t.Errorf("errors = %+v", errs)
		}
		if p := cfPlan(t, cfState(t, s, 1), "mail-basic"); cfPeriod(t, p, "1m").RecurringFee != cfPeriod(t, before.Plans["mail-basic"], "1m").RecurringFee {
			t.Errorf("the refused file changed a price")
		}
	})
}

func TestCatalogFileRequestErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		doc := []byte(cfDoc(`"10.00"`))
		put := func(c *client.Client, path string, body []byte, ct string) *client.Response {
			t.Helper()
			resp, err := c.Do(ctx, "PUT", path, body, ct)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		if r := put(s.Admin, "/api/v3/resellers/1/catalog", doc, "text/plain"); r.StatusCode != 415 {
			t.Errorf("text/plain: %d", r.StatusCode)
		}
		if r := put(s.Admin, "/api/v3/resellers/1/catalog", doc, "application/yaml; version=2"); r.StatusCode != 415 {
			t.Errorf("yaml with a parameter: %d", r.StatusCode)
		}
		if r := put(s.Admin, "/api/v3/resellers/1/catalog?dry_run=maybe", doc, "application/yaml"); r.StatusCode != 400 ||
			!strings.Contains(string(r.Body), `"parameter":"dry_run"`) {
			t.Errorf("dry_run=maybe: %d %s", r.StatusCode, r.Body)
		}
		if r := put(s.Admin, "/api/v3/resellers/1/catalog", []byte("  \n"), "application/yaml"); r.StatusCode != 400 ||
			!strings.Contains(string(r.Body), "body_required") {
			t.Errorf("blank body: %d %s", r.StatusCode, r.Body)
		}
		// A document that is not a mapping is refused at its root.
		_, err := s.Admin.ApplyCatalog(ctx, 1, []byte("- plans\n"), false)
		if e := cfInvalid(t, err)["/"]; e.Code != "must_be_object" || e.Detail != "must be an object" || e.Meta.Line != 1 {
			t.Errorf("root error = %+v", e)
		}
		// Catalogues may be larger than other bodies, up to 8 MiB.
		big := append([]byte("# "+strings.Repeat("x", 2<<20)+"\n"), doc...)
		if r := put(s.Admin, "/api/v3/resellers/1/catalog?dry_run=true", big, "application/yaml"); r.StatusCode != 200 {
			t.Errorf("2 MiB file: %d %s", r.StatusCode, truncate(r.Body))
		}
		huge := []byte("# " + strings.Repeat("x", 8<<20) + "\n")
		if r := put(s.Admin, "/api/v3/resellers/1/catalog", huge, "application/yaml"); r.StatusCode != 413 {
			t.Errorf("8 MiB file: %d", r.StatusCode)
		}
	})
}

func TestCatalogFileAccess(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		doc := []byte(cfDoc(`"10.00"`))
		child := mustCreateReseller(t, s.Admin, 1, "Access Child")
		sibling := mustCreateReseller(t, s.Admin, 1, "Access Sibling")
		for _, role := range []string{"owner", "sales", "marketing"} {
			c := s.client(mustCreateManager(t, s.Admin, 1, role).APIToken)
			_, err := c.ApplyCatalog(ctx, 1, doc, true)
			if e := apiError(t, err, 403); e.Errors[0].Code != "forbidden" {
				t.Errorf("%s: %+v", role, e.Errors)
			}
		}
		childAdmin := s.client(mustCreateManager(t, s.Admin, child.ID, "admin").APIToken)
		_, missing := childAdmin.ApplyCatalog(ctx, 999999, doc, false)
		for _, rid := range []int64{sibling.ID, 1} {
			_, err := childAdmin.ApplyCatalog(ctx, rid, doc, false)
			e, m := apiError(t, err, 404), apiError(t, missing, 404)
			if e.Errors[0].Code != "reseller_not_found" || e.Errors[0].Detail != m.Errors[0].Detail {
				t.Errorf("reseller %d: %+v, want the answer for a missing reseller %+v", rid, e.Errors, m.Errors)
			}
		}
		// An administrator applies to its own reseller and those below it.
		cfApply(t, childAdmin, child.ID, doc2Child)
		cfApply(t, s.Admin, child.ID, doc2Child)
		if st := cfState(t, s, child.ID); st.Plans["own"] == nil || len(cfState(t, s, 1).Plans) != 0 {
			t.Errorf("the child's file went elsewhere")
		}
	})
}

const doc2Child = `
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: ops@child.example}}]
plans:
  - {key: own, product: p, name: Own, currency: EUR, periods: [{key: m, duration: 1, unit: months, recurring_fee: 1}]}
`
