package e2e

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// TestResellerUpstreamManager attaches a manager of the upstream reseller to a
// reseller, refuses any other manager, and detaches it.
func TestResellerUpstreamManager(t *testing.T) {
	rsEachEngineAt(t, "UTC", time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), func(t *testing.T, s *server, clock *domain.TestClock) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, domain.OperatorID, "Reseller")
		other := mustCreateReseller(t, s.Admin, domain.OperatorID, "Other")
		child := mustCreateReseller(t, s.Admin, r.ID, "Child")
		opSales := mustCreateManager(t, s.Admin, domain.OperatorID, "sales")
		opBlocked := mustCreateManager(t, s.Admin, domain.OperatorID, "owner")
		if _, err := s.Admin.UpdateManager(ctx, domain.OperatorID, opBlocked.ID, client.ManagerInput{Status: client.String("inactive")}); err != nil {
			t.Fatal(err)
		}
		rAdmin := mustCreateManager(t, s.Admin, r.ID, "admin")
		rSales := mustCreateManager(t, s.Admin, r.ID, "sales")
		otherSales := mustCreateManager(t, s.Admin, other.ID, "sales")
		rClient := s.client(rAdmin.APIToken)
		attach := func(c *client.Client, id, managerID int64) (*client.Reseller, error) {
			return c.UpdateReseller(ctx, id, client.ResellerInput{General: &client.ResellerGeneralInput{ManagerID: client.Int(managerID)}})
		}

		t.Run("attach", func(t *testing.T) {
			clock.Advance(time.Hour)
			got, err := attach(s.Admin, r.ID, opSales.ID)
			if err != nil {
				t.Fatal(err)
			}
			m := got.Manager
			if m == nil || m.ID != opSales.ID || m.ResellerID != domain.OperatorID || m.Name != opSales.Name ||
				m.Email != opSales.Email || m.Role != "sales" || m.Status != "active" {
				t.Fatalf("manager=%+v, want manager %d of the operator", m, opSales.ID)
			}
			if got.General.Manager != opSales.Name {
				t.Fatalf("general.manager=%q, want %q", got.General.Manager, opSales.Name)
			}
			if !got.General.UpdatedAt.Equal(clock.Now()) || got.Company.UpdatedAt.Equal(clock.Now()) {
				t.Fatalf("general.updated_at=%v company.updated_at=%v, want only general moved to %v",
					got.General.UpdatedAt, got.Company.UpdatedAt, clock.Now())
			}
			if read := rsGet(t, s.Admin, r.ID); read.Manager == nil || read.Manager.ID != opSales.ID {
				t.Fatalf("GET manager=%+v, want %d", read.Manager, opSales.ID)
			}
		})
		t.Run("attach as a string id", func(t *testing.T) {
			body := `{"data":{"attributes":{"general":{"manager_id":"` + strconv.FormatInt(rSales.ID, 10) + `"}}}}`
			resp := rsDo(t, s.Admin, "PATCH", "/api/v3/resellers/"+strconv.FormatInt(child.ID, 10), body, client.MediaType)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status=%d, want 200: %s", resp.StatusCode, resp.Body)
			}
			if got := rsGet(t, s.Admin, child.ID); got.Manager == nil || got.Manager.ID != rSales.ID {
				t.Fatalf("manager=%+v, want %d", got.Manager, rSales.ID)
			}
		})
		t.Run("the upstream reseller attaches to its child", func(t *testing.T) {
			got, err := attach(rClient, child.ID, rAdmin.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Manager == nil || got.Manager.ID != rAdmin.ID || got.General.Manager != rAdmin.Name {
				t.Fatalf("manager=%+v general.manager=%q, want %d", got.Manager, got.General.Manager, rAdmin.ID)
			}
		})
		t.Run("on create", func(t *testing.T) {
			in := rsInput("With Manager", unique("wm")+".example.com", "EUR")
			in.General.ManagerID = client.Int(rSales.ID)
			got := rsCreate(t, rClient, r.ID, in)
			if got.Manager == nil || got.Manager.ID != rSales.ID {
				t.Fatalf("manager=%+v, want %d", got.Manager, rSales.ID)
			}
		})

		refused := []struct {
			name      string
			reseller  int64
			managerID int64
		}{
			{"manager of another reseller", r.ID, otherSales.ID},
			{"manager of the reseller itself", r.ID, rSales.ID},
			{"manager of the grandparent", child.ID, opSales.ID},
			{"inactive manager", r.ID, opBlocked.ID},
			{"missing manager", r.ID, 987654},
		}
		for _, c := range refused {
			t.Run("ErrNotUpstream/"+c.name, func(t *testing.T) {
				before := rsGet(t, s.Admin, c.reseller)
				_, err := attach(s.Admin, c.reseller, c.managerID)
				e := apiError(t, err, http.StatusUnprocessableEntity)
				o := rsOnly(t, e, "not_upstream_manager")
				if o.Source == nil || o.Source.Pointer != "/data/attributes/general/manager_id" {
					t.Fatalf("source=%+v, want pointer /data/attributes/general/manager_id", o.Source)
				}
				if want := "manager_id must be an active manager of the upstream reseller"; o.Detail != want {
					t.Fatalf("detail=%q, want %q", o.Detail, want)
				}
				if after := rsGet(t, s.Admin, c.reseller); after.General.Manager != before.General.Manager {
					t.Fatalf("manager changed from %q to %q", before.General.Manager, after.General.Manager)
				}
			})
		}
		t.Run("ErrNotUpstream/on create", func(t *testing.T) {
			in := rsInput("Bad Manager", unique("bm")+".example.com", "EUR")
			in.General.ManagerID = client.Int(otherSales.ID)
			_, err := s.Admin.CreateChildReseller(ctx, r.ID, in)
			rsOnly(t, apiError(t, err, http.StatusUnprocessableEntity), "not_upstream_manager")
		})

		t.Run("ErrOwnUpstreamManager", func(t *testing.T) {
			for _, id := range []int64{opSales.ID, 0} {
				_, err := attach(rClient, r.ID, id)
				e := apiError(t, err, http.StatusForbidden)
				o := rsOnly(t, e, "own_upstream_manager")
				if o.Source == nil || o.Source.Pointer != "/data/attributes/general/manager_id" {
					t.Fatalf("source=%+v, want pointer /data/attributes/general/manager_id", o.Source)
				}
				if want := "manager_id can be set only by the upstream reseller"; o.Detail != want {
					t.Fatalf("detail=%q, want %q", o.Detail, want)
				}
			}
			if got := rsGet(t, s.Admin, r.ID); got.Manager == nil || got.Manager.ID != opSales.ID {
				t.Fatalf("manager=%+v, want still %d", got.Manager, opSales.ID)
			}
			// The reseller may still change the rest of itself.
			if _, err := rClient.UpdateReseller(ctx, r.ID, client.ResellerInput{
				Company: &client.ResellerCompanyInput{City: client.String("Vienna")}}); err != nil {
				t.Fatalf("update own company: %v", err)
			}
		})

		t.Run("ErrRootHasNoUpstream", func(t *testing.T) {
			for _, id := range []int64{opSales.ID, 0} {
				_, err := attach(s.Admin, domain.OperatorID, id)
				e := apiError(t, err, http.StatusUnprocessableEntity)
				o := rsOnly(t, e, "root_has_no_upstream")
				if o.Source == nil || o.Source.Pointer != "/data/attributes/general/manager_id" {
					t.Fatalf("source=%+v, want pointer /data/attributes/general/manager_id", o.Source)
				}
				if want := "manager_id cannot be set on the operator, which has no upstream reseller"; o.Detail != want {
					t.Fatalf("detail=%q, want %q", o.Detail, want)
				}
			}
			if got := rsGet(t, s.Admin, domain.OperatorID); got.Manager != nil {
				t.Fatalf("operator manager=%+v, want null", got.Manager)
			}
		})

		t.Run("detach", func(t *testing.T) {
			got, err := attach(s.Admin, r.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.Manager != nil || got.General.Manager != "" {
				t.Fatalf("manager=%+v general.manager=%q, want null and empty", got.Manager, got.General.Manager)
			}
		})
	})
}
