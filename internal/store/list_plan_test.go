package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// ownListSorts are the documented sorts of each list of a reseller's own objects.
var ownListSorts = map[string][]string{
	"accounts":      {"id", "name", "created_at", "updated_at"},
	"managers":      {"id", "name", "email", "created_at", "updated_at"},
	"manager_roles": {"id", "name", "created_at", "updated_at"},
	"plans":         {"id", "name", "created_at", "updated_at"},
	// payment_methods sorts by key, text like a name.
	"payment_methods": {"id", "key"},
	// Orders, subscriptions and payments sort by dates and statuses, held as text.
	"orders":        {"id", "created_at", "updated_at", "closed_at", "expiration_date", "provisioning_date"},
	"subscriptions": {"id", "created_at", "updated_at", "expiration_date"},
	"payments":      {"id", "created_at", "updated_at", "closed_at", "total"},
}

// TestOwnListPagesWalkAnIndex checks the engine's plan of a page of every list of a
// reseller's own objects, for every documented sort, both ways, on the first page
// and after a cursor: the page is read from an index in the sort's order, with no
// scan of the table and no sort of the matches, so its cost does not grow with the
// table.
func TestOwnListPagesWalkAnIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		for list, sorts := range ownListSorts {
			for _, field := range sorts {
				for _, desc := range []bool{false, true} {
					for _, after := range []bool{false, true} {
						q := domain.ListQuery{Sort: []domain.SortKey{{Field: field, Desc: desc}},
							Page: domain.Page{Number: 1, Size: 50}}
						name := list + " sort=" + field
						if desc {
							name = list + " sort=-" + field
						}
						if after {
							name += " after a cursor"
							c := domain.Cursor{ID: 7}
							switch field {
							case "id":
							case "name", "email", "key", "expiration_date", "provisioning_date":
								c.Keys = []any{"m"}
							default:
								c.Keys = []any{int64(1_700_000_000_000_000)}
							}
							q.Page.After = &c
						}
						plan, err := db.ExplainListPage(ctx, list, r.ID, q)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if problem := planProblem(e.Name, plan); problem != "" {
							t.Errorf("%s: %s in the plan:\n%s", name, problem, strings.Join(plan, "\n"))
						}
					}
				}
			}
		}
	})
}

// planProblem names what in plan would make a page cost more as the table grows: a
// full scan of the table or a sort of the matches; "" when there is none.
func planProblem(engine string, plan []string) string {
	used := false
	for _, step := range plan {
		switch {
		case strings.Contains(step, "TEMP B-TREE"), strings.Contains(step, "Sort"):
			return "a sort"
		case strings.HasPrefix(step, "SCAN "), strings.Contains(step, "Seq Scan"):
			return "a full scan"
		case strings.Contains(step, "INDEX"), strings.Contains(step, "Index"):
			used = true
		}
	}
	if !used {
		return "no index"
	}
	return ""
}

// TestExplainSeesASort checks that the plan test can fail: a sort no index serves
// (by status of accounts, which no documented sort offers) shows as one.
func TestExplainSeesASort(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		q := domain.ListQuery{Sort: []domain.SortKey{{Field: "status"}}, Page: domain.Page{Number: 1, Size: 50}}
		plan, err := db.ExplainListPage(context.Background(), "accounts", r.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		if planProblem(e.Name, plan) == "" {
			t.Fatalf("sort by status: plan shows no sort:\n%s", strings.Join(plan, "\n"))
		}
	})
}

var _ = store.Postgres
