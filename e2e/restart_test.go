package e2e

import (
	"context"
	"net/http"
	"reflect"
	"testing"

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// rsCensus is what a database holds, as far as a restart could disturb it.
type rsCensus struct {
	resellers, roots, admins, managers int
}

// rsCount reads the census straight from the server's database, so a second
// operator outside the first one's tree would be seen too.
func rsCount(t *testing.T, s *server) rsCensus {
	t.Helper()
	ctx := context.Background()
	all := domain.ListQuery{Page: domain.Page{Number: 1, Size: domain.MaxPageSize}}
	rs, n, err := s.DB.Reader().FindResellers(ctx, store.ResellerFilter{Query: all})
	if err != nil {
		t.Fatal(err)
	}
	c := rsCensus{resellers: n.Total}
	for _, r := range rs {
		if r.ParentID == 0 {
			c.roots++
		}
	}
	ms, n, err := s.DB.Reader().FindManagers(ctx, store.ManagerFilter{Query: all})
	if err != nil {
		t.Fatal(err)
	}
	c.managers = n.Total
	for _, m := range ms {
		if m.Role == domain.RoleAdmin {
			c.admins++
		}
	}
	return c
}

// TestRestartKeepsData stops a server and starts another on the same database with
// a different CASCADE_ADMIN_TOKEN: everything is kept, no second operator or
// administrator appears, and the new token, never used, is refused.
func TestRestartKeepsData(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			firstToken := "first-admin-" + service.NewToken()
			first := start(t, e, firstToken)
			if first.AdminToken != firstToken {
				t.Fatalf("first start: admin token=%q, want the configured one", first.AdminToken)
			}
			r := mustCreateReseller(t, first.Admin, domain.OperatorID, "Kept")
			child := mustCreateReseller(t, first.Admin, r.ID, "Kept Child")
			m := mustCreateManager(t, first.Admin, r.ID, "owner")
			before := rsCount(t, first)
			if want := (rsCensus{resellers: 3, roots: 1, admins: 1, managers: 2}); before != want {
				t.Fatalf("before restart: %+v, want %+v", before, want)
			}
			wantR := rsGet(t, first.Admin, r.ID)
			first.stop()

			secondToken := "second-admin-" + service.NewToken()
			second := start(t, e, secondToken)
			if second.AdminToken != "" {
				t.Fatalf("second start created an administrator with token %q", second.AdminToken)
			}
			if after := rsCount(t, second); after != before {
				t.Fatalf("after restart: %+v, want %+v", after, before)
			}
			if got := rsGet(t, second.client(firstToken), r.ID); !reflect.DeepEqual(got, wantR) {
				t.Fatalf("reseller after restart=%+v, want %+v", got, wantR)
			}
			page, err := second.client(m.APIToken).ListStoreResellers(ctx, nil)
			if err != nil {
				t.Fatalf("manager token after restart: %v", err)
			}
			if got := rsIDs(page.Items); !reflect.DeepEqual(got, []int64{child.ID}) {
				t.Fatalf("manager's resellers=%v, want [%d]", got, child.ID)
			}
			_, err = second.client(secondToken).GetReseller(ctx, domain.OperatorID)
			rsOnly(t, apiError(t, err, http.StatusUnauthorized), "token_invalid")

			// The data keeps growing where it left off.
			next := mustCreateReseller(t, second.client(firstToken), domain.OperatorID, "After Restart")
			if next.ID <= child.ID {
				t.Fatalf("new id %d, want above %d", next.ID, child.ID)
			}
		})
	}
}

// TestRestartDemoOnce starts with --demo twice on one database: the demo data is
// created by the first start only.
func TestRestartDemoOnce(t *testing.T) {
	demo := func(c *app.Config) { c.Demo = true }
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			token := "demo-admin-" + service.NewToken()
			first := rsStart(t, e, token, demo)
			if len(first.DemoTokens) == 0 {
				t.Fatal("first start created no demo managers")
			}
			seeded := rsCount(t, first)
			if seeded.resellers < 4 || seeded.roots != 1 || seeded.managers != len(first.DemoTokens)+1 {
				t.Fatalf("after seeding: %+v with %d demo managers, want a tree below one operator and each demo manager",
					seeded, len(first.DemoTokens))
			}
			demoManager := first.DemoTokens[len(first.DemoTokens)-1]
			first.stop()

			second := rsStart(t, e, token, demo)
			if len(second.DemoTokens) != 0 || second.AdminToken != "" {
				t.Fatalf("second start: %d demo tokens, admin token %q; want none", len(second.DemoTokens), second.AdminToken)
			}
			if got := rsCount(t, second); got != seeded {
				t.Fatalf("after the second start: %+v, want %+v", got, seeded)
			}
			// Seeding again by hand does nothing either.
			again, err := app.SeedDemo(ctx, second.Service)
			if err != nil || len(again) != 0 {
				t.Fatalf("SeedDemo again: %d managers, %v; want none", len(again), err)
			}
			if got := rsCount(t, second); got != seeded {
				t.Fatalf("after SeedDemo again: %+v, want %+v", got, seeded)
			}
			r, err := second.client(demoManager.Token).GetReseller(ctx, demoManager.ResellerID)
			if err != nil {
				t.Fatalf("demo manager's token after restart: %v", err)
			}
			if r.General.Name != demoManager.ResellerName {
				t.Fatalf("demo reseller name=%q, want %q", r.General.Name, demoManager.ResellerName)
			}
		})
	}
}
