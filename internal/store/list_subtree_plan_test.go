package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestSubtreeListPagesWalkAnIndex checks the engine's plan of a page of the orders,
// subscriptions and payments of a reseller and everything below it, for every
// documented sort, both ways, on the first page and after a cursor: the page walks
// an index in the sort's order across resellers, keeping the subtree's rows, and
// never sorts the matches.
func TestSubtreeListPagesWalkAnIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		for _, list := range []string{"orders", "subscriptions", "payments"} {
			for _, field := range ownListSorts[list] {
				for _, desc := range []bool{false, true} {
					for _, after := range []bool{false, true} {
						q := domain.ListQuery{Sort: []domain.SortKey{{Field: field, Desc: desc}},
							Page: domain.Page{Number: 1, Size: 50}}
						name := list + " below, sort=" + field
						if desc {
							name += " desc"
						}
						if after {
							name += " after a cursor"
							c := domain.Cursor{ID: 7}
							switch field {
							case "id":
							case "expiration_date", "provisioning_date":
								c.Keys = []any{"m"}
							default:
								c.Keys = []any{int64(1_700_000_000_000_000)}
							}
							q.Page.After = &c
						}
						plan, err := db.ExplainListPage(ctx, "subtree_"+list, r.ID, q)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						for _, step := range plan {
							if strings.Contains(step, "TEMP B-TREE") || strings.Contains(step, "Sort") {
								t.Errorf("%s: a sort in the plan:\n%s", name, strings.Join(plan, "\n"))
								break
							}
						}
					}
				}
			}
		}
	})
}
