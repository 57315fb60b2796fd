package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// inStatements returns the fewest statements the server ran for one GET of path in
// three tries (a background refresh may add one to a try), checking the answer
// holds want included objects.
func inStatements(t *testing.T, s *server, path string, want int) uint64 {
	t.Helper()
	fewest := ^uint64(0)
	for range 3 {
		before := s.DB.Statements()
		resp := ctGet(t, s.Admin, path)
		ran := s.DB.Statements() - before
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, resp.Body)
		}
		var doc struct {
			Included []json.RawMessage `json:"included"`
		}
		if err := json.Unmarshal(resp.Body, &doc); err != nil || len(doc.Included) != want {
			t.Fatalf("GET %s: %d included (%v), want %d: %s", path, len(doc.Included), err, want, resp.Body)
		}
		fewest = min(fewest, ran)
	}
	return fewest
}

// TestIncludesLoadedPerPage checks that a page's included objects are read in one
// query per included kind: a page of many items costs what a page of two does.
func TestIncludesLoadedPerPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s := start(t, e, "admin-token-"+service.NewToken(), func(c *app.Config) { c.Workers = false })
		// Eight resellers below the operator, each with a child and a manager: the
		// children's parents and the managers' resellers are all different.
		const n = 8
		for i := range n {
			r := rsCreate(t, s.Admin, 1, rsInput(fmt.Sprintf("Branch %d", i), fmt.Sprintf("branch%d.example.com", i), "USD"))
			rsCreate(t, s.Admin, r.ID, rsInput(fmt.Sprintf("Shop %d", i), fmt.Sprintf("shop%d.example.com", i), "USD"))
			mgNewManager(t, s.Admin, r.ID, client.ManagerInput{Role: client.String("sales")})
		}
		cfApply(t, s.Admin, 1, inCatalog(n))
		for _, tc := range []struct {
			name, path string
			// included on a page of 2 and on one of size, neither the last: neither
			// can take its total from its own length
			small, large, size int
		}{
			// Shops come first, each included with its branch; the page of twelve
			// holds four branches itself, and includes the other four and the
			// operator, their parent.
			{"ChildResellersParent", "/api/v3/resellers/1/child_resellers?include=parent&sort=-name", 2, 5, 12},
			{"ChildResellerManagersReseller", "/api/v3/resellers/1/child_reseller_managers?include=reseller", 2, 6, 6},
			// Plans take turns over four products of two categories.
			{"PlansPlanCategory", "/api/v3/resellers/1/plans?include=plan_category", 2, 2, 6},
		} {
			t.Run(tc.name, func(t *testing.T) {
				size := tc.size
				small := inStatements(t, s, tc.path+"&page[size]=2", tc.small)
				large := inStatements(t, s, tc.path+fmt.Sprintf("&page[size]=%d", size), tc.large)
				if small != large {
					t.Errorf("a page of 2 ran %d statements, a page of %d ran %d", small, size, large)
				}
			})
		}
	})
}

// inCatalog is a catalogue of n plans over four products of two categories.
func inCatalog(n int) string {
	var b strings.Builder
	b.WriteString("categories:\n")
	for c := range 2 {
		fmt.Fprintf(&b, "  - {key: in-cat-%d, name: Category %d, public: true}\n", c, c)
	}
	b.WriteString("products:\n")
	for p := range 4 {
		fmt.Fprintf(&b, "  - {key: in-product-%d, name: Product %d, type: saas, category: in-cat-%d, public: true, "+
			"integration: {mode: manual, email: ops@example.com}}\n", p, p, p%2)
	}
	b.WriteString("plans:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {key: in-plan-%d, product: in-product-%d, name: Plan %d, status: active, public: true, "+
			"billing_type: csp_monthly, currency: USD, periods: [{key: 1m, duration: 1, unit: months, recurring_fee: \"1.00\"}]}\n",
			i, i%4, i)
	}
	return b.String()
}
