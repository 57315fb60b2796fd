package e2e

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// ctReadPaths are the catalogue reads under reseller rid, with plan and product ids
// where the path has them.
func ctReadPaths(rid, plan, product string) map[string]string {
	return map[string]string{
		"product_categories":   ctPath("/customer_store/resellers/%s/product_categories", rid),
		"products":             ctPath("/customer_store/resellers/%s/products", rid),
		"product":              ctPath("/customer_store/resellers/%s/products/%s", rid, product),
		"plans":                ctPath("/resellers/%s/plans", rid),
		"plan":                 ctPath("/resellers/%s/plans/%s", rid, plan),
		"switchable_plans":     ctPath("/resellers/%s/plans/%s/switchable_plans?filter[switch_type]=immediate_switch", rid, plan),
		"child_reseller_plans": ctPath("/resellers/%s/child_reseller_plans", rid),
		"child_reseller_plan":  ctPath("/resellers/%s/child_reseller_plans/%s", rid, plan),
	}
}

// TestCatalogResellerOutOfScope answers every catalogue read for the parent or a
// sibling of the token's reseller, or an id that is none, with the body of a reseller
// that does not exist.
func TestCatalogResellerOutOfScope(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		a := mustCreateReseller(t, s.Admin, domain.OperatorID, "Scope A")
		b := mustCreateReseller(t, s.Admin, domain.OperatorID, "Scope B")
		owner := s.client(mustCreateManager(t, s.Admin, a.ID, "owner").APIToken)
		for name := range ctReadPaths("1", "1", "1") {
			t.Run(name, func(t *testing.T) {
				missing := ctError(t, owner, ctReadPaths("999999", "1", "1")[name], 404, "reseller_not_found", "")
				for _, rid := range []string{ctID(domain.OperatorID), ctID(b.ID), "abc", "0"} {
					got := ctError(t, owner, ctReadPaths(rid, "1", "1")[name], 404, "reseller_not_found", "")
					if !bytes.Equal(got.Body, missing.Body) {
						t.Errorf("reseller %s: body %s, want that of a missing reseller %s", rid, got.Body, missing.Body)
					}
				}
			})
		}
	})
}

// TestCatalogMissingObjects answers a plan or product that does not exist, or an id
// that is none, with its not-found error.
func TestCatalogMissingObjects(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		for _, id := range []string{"999999", "abc", "-1"} {
			paths := ctReadPaths("1", id, id)
			ctError(t, s.Admin, paths["product"], 404, "product_not_found", "")
			for _, name := range []string{"plan", "switchable_plans", "child_reseller_plan"} {
				ctError(t, s.Admin, paths[name], 404, "plan_not_found", "")
			}
		}
	})
}

// TestCatalogEveryRoleReads lets every role read the catalogue of its reseller.
func TestCatalogEveryRoleReads(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		r := mustCreateReseller(t, s.Admin, domain.OperatorID, "Readers")
		for _, role := range []string{"admin", "owner", "sales", "marketing"} {
			c := s.client(mustCreateManager(t, s.Admin, r.ID, role).APIToken)
			for _, name := range []string{"product_categories", "products", "plans", "child_reseller_plans"} {
				if resp := ctGet(t, c, ctReadPaths(ctID(r.ID), "1", "1")[name]); resp.StatusCode != http.StatusOK {
					t.Errorf("%s reads %s: status %d, body %s", role, name, resp.StatusCode, resp.Body)
				}
			}
		}
	})
}

// TestCatalogBadParameters answers 400 naming the parameter at fault.
func TestCatalogBadParameters(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		cats := ctPath("/customer_store/resellers/1/product_categories")
		prods := ctPath("/customer_store/resellers/1/products")
		plans := ctPath("/resellers/1/plans")
		child := ctPath("/resellers/1/child_reseller_plans")
		switchable := ctPath("/resellers/1/plans/999999/switchable_plans")
		for _, tc := range []struct{ path, code, param string }{
			{cats + "?per_page=0", "invalid_page_size", "per_page"},
			{cats + "?per_page=1001", "invalid_page_size", "per_page"},
			{cats + "?page=0", "invalid_page_number", "page"},
			{cats + "?sorting[field]=colour", "unknown_sort", "sorting[field]"},
			{cats + "?sorting[field]=name&sorting[reversed]=maybe", "invalid_boolean", "sorting[reversed]"},
			{cats + "?sorting[reversed]=maybe", "invalid_boolean", "sorting[reversed]"},
			{cats + "?filters[public]=yes", "invalid_boolean", "filters[public]"},
			{cats + "?filter[public]=1", "invalid_boolean", "filter[public]"},
			{cats + "?filters[type]=saas", "unknown_filter", "filters[type]"},
			{cats + "?include=products", "unknown_include", "include"},
			{prods + "?filters[colour]=red", "unknown_filter", "filters[colour]"},
			{prods + "?filters[category][gt]=a", "range_not_supported", "filters[category][gt]"},
			{prods + "?sort=type", "unknown_sort", "sort"},
			{prods + "/1?plan_currency=yes", "invalid_boolean", "plan_currency"},
			{prods + "/1?include=plans", "unknown_include", "include"},
			{prods + "?include=vendor,plans", "unknown_include", "include"},
			{plans + "?filter[status]=retired", "not_in_list", "filter[status]"},
			{plans + "?filter[status]=deactivated", "not_in_list", "filter[status]"},
			{plans + "?filter[public]=maybe", "invalid_boolean", "filter[public]"},
			{plans + "?filter[updated_at]=yesterday", "invalid_date", "filter[updated_at]"},
			{plans + "?filter[product_id]=x", "invalid_integer", "filter[product_id]"},
			{plans + "?filter[reseller_id]=1", "unknown_filter", "filter[reseller_id]"},
			{plans + "?sort=priority", "unknown_sort", "sort"},
			{plans + "?include=product", "unknown_include", "include"},
			{plans + "/999999?include=product", "unknown_include", "include"},
			{child + "?include=plan_category", "unknown_include", "include"},
			{child + "/999999?include=plan_category", "unknown_include", "include"},
			{child + "?filter[reseller_id]=x", "invalid_integer", "filter[reseller_id]"},
			{switchable, "switch_type_required", "filter[switch_type]"},
			{switchable + "?filter[switch_type]=", "not_in_list", "filter[switch_type]"},
			{switchable + "?filter[switch_type]=sideways", "not_in_list", "filter[switch_type]"},
			{switchable + "?filter[switch_type]=immediate_switch&include=plan_category", "unknown_include", "include"},
			{switchable + "?filter[switch_type]=delayed_switch&page[size]=0", "invalid_page_size", "page[size]"},
		} {
			ctError(t, s.Admin, tc.path, 400, tc.code, tc.param)
		}

		// The missing switch type is explained, in both languages.
		resp := ctError(t, s.Admin, switchable, 400, "switch_type_required", "filter[switch_type]")
		if !bytes.Contains(resp.Body, []byte(`"filter[switch_type] is required: immediate_switch or delayed_switch"`)) {
			t.Errorf("missing switch type: %s", resp.Body)
		}
	})
}
