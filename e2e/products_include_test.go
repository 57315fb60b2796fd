package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestProductIncludes checks that the includes ActivePlatform documents for products,
// vendor and product_line, answer 200 on the product and the product list: each
// product is linked to no such object, as Cascade keeps none, and nothing is
// included. An unknown include still answers 400.
func TestProductIncludes(t *testing.T) {
	ctEachEngine(t, func(t *testing.T, fx *ctFixture) {
		admin := fx.s.Admin
		type product struct {
			ID            string                     `json:"id"`
			Relationships map[string]json.RawMessage `json:"relationships"`
		}
		var doc struct {
			Data     json.RawMessage   `json:"data"`
			Included []json.RawMessage `json:"included"`
		}
		get := func(path string) {
			t.Helper()
			resp := ctGet(t, admin, path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, resp.Body)
			}
			doc.Data, doc.Included = nil, nil
			if err := json.Unmarshal(resp.Body, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Included) != 0 {
				t.Errorf("GET %s: included %d objects, want none", path, len(doc.Included))
			}
		}
		linked := func(p product, want ...string) {
			t.Helper()
			if len(p.Relationships) != len(want) {
				t.Errorf("product %s relationships = %v, want %v", p.ID, p.Relationships, want)
			}
			for _, name := range want {
				if got := string(p.Relationships[name]); got != `{"data":null}` {
					t.Errorf("product %s %s = %s, want {\"data\":null}", p.ID, name, got)
				}
			}
		}
		one := ctPath("/customer_store/resellers/1/products/%d", fx.products["mail"])
		for include, want := range map[string][]string{
			"vendor": {"vendor"}, "product_line": {"product_line"}, "vendor,product_line": {"vendor", "product_line"},
			"": nil} {
			get(one + "?include=" + include)
			var p product
			if err := json.Unmarshal(doc.Data, &p); err != nil {
				t.Fatal(err)
			}
			linked(p, want...)

			get(ctPath("/customer_store/resellers/1/products?include=") + include)
			var ps []product
			if err := json.Unmarshal(doc.Data, &ps); err != nil || len(ps) == 0 {
				t.Fatalf("products: %v (%d)", err, len(ps))
			}
			for _, p := range ps {
				linked(p, want...)
			}
		}
		ctError(t, admin, one+"?include=plans", http.StatusBadRequest, "unknown_include", "include")
		ctError(t, admin, ctPath("/customer_store/resellers/1/products?include=vendors"), http.StatusBadRequest,
			"unknown_include", "include")
	})
}
