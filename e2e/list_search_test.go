package e2e

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestContainsFilterSearchIndex drives the name filters, which the search index
// answers, through the API: terms that are FTS5 syntax or LIKE wildcards are matched
// as plain text on every list, and a rename moves a manager out of the old name's
// matches and into the new one's.
func TestContainsFilterSearchIndex(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		names := []string{`Ann "Quote" Smith`, "NEAR AND OR", "Star* Team", "100%_Sure", "Ёлка Ёж", "ab"}
		ids := make([]int64, len(names))
		for i, name := range names {
			m := mustCreateManager(t, s.Admin, 1, "sales")
			if _, err := s.Admin.UpdateManager(ctx, 1, m.ID, client.ManagerInput{Name: client.String(name)}); err != nil {
				t.Fatalf("rename manager %d: %v", m.ID, err)
			}
			ids[i] = m.ID
		}
		find := func(term string) []int64 {
			t.Helper()
			return lqManagerIDs(t, lqGet(t, s.Admin, lqManagers, url.Values{"filter[name]": {term}, "page[size]": {"1000"}}))
		}
		cases := []struct {
			term string
			want []int64
		}{
			{`"quote"`, ids[:1]},
			{`"`, ids[:1]},
			{`n "q`, ids[:1]},
			{"near and or", ids[1:2]},
			{"AND", ids[1:2]},
			{"star*", ids[2:3]},
			{"*", ids[2:3]},
			{"0%_s", ids[3:4]},
			{"%", ids[3:4]},
			{"_", ids[3:4]},
			{"ёлка ё", ids[4:5]},
			{"ЁЖ", ids[4:5]},
			{"AB", ids[5:6]},
			{"NEAR(a b)", nil},
			{"st*r", nil},
		}
		for _, c := range cases {
			if got := find(c.term); !slices.Equal(got, c.want) {
				t.Errorf("filter[name]=%s: ids %v, want %v", c.term, got, c.want)
			}
		}

		if _, err := s.Admin.UpdateManager(ctx, 1, ids[2], client.ManagerInput{Name: client.String("Moon Team")}); err != nil {
			t.Fatal(err)
		}
		if got := find("star"); len(got) != 0 {
			t.Errorf("after the rename, filter[name]=star: ids %v, want none", got)
		}
		if got := find("moon"); !slices.Equal(got, ids[2:3]) {
			t.Errorf("after the rename, filter[name]=moon: ids %v, want %v", got, ids[2:3])
		}

		// Every list with a contains filter takes the same awkward terms.
		lists := []string{
			"/api/v3/resellers/1/accounts", "/api/v3/resellers/1/child_reseller_accounts",
			"/api/v3/resellers/1/child_resellers", "/api/v3/customer_store/resellers",
			"/api/v3/resellers/1/managers", "/api/v3/resellers/1/child_reseller_managers",
			"/api/v3/resellers/1/manager_roles", "/api/v3/resellers/1/plans", "/api/v3/resellers/1/child_reseller_plans",
			"/api/v3/customer_store/resellers/1/product_categories", "/api/v3/customer_store/resellers/1/products",
		}
		for _, path := range lists {
			for _, term := range []string{`"`, `a" OR "b`, "NEAR(x y)", "x*", "^x", "%", `\`, "ab", "abc", "Ёж"} {
				if resp := lqGet(t, s.Admin, path, url.Values{"filter[name]": {term}}); resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s filter[name]=%s: status %d, body %.300s", path, term, resp.StatusCode, resp.Body)
				}
			}
		}
	})
}
