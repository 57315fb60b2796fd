package e2e

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// rsEndpoint is one reseller endpoint, called through the typed client on reseller id.
type rsEndpoint struct {
	name  string
	write bool
	call  func(ctx context.Context, c *client.Client, id int64) error
}

// rsEndpoints are every reseller endpoint; the Customer Store list ignores id.
func rsEndpoints() []rsEndpoint {
	return []rsEndpoint{
		{"GET resellers/{id}", false, func(ctx context.Context, c *client.Client, id int64) error {
			_, err := c.GetReseller(ctx, id)
			return err
		}},
		{"GET customer_store/resellers/{id}", false, func(ctx context.Context, c *client.Client, id int64) error {
			_, err := c.GetStoreReseller(ctx, id)
			return err
		}},
		{"GET resellers/{id}/child_resellers", false, func(ctx context.Context, c *client.Client, id int64) error {
			_, err := c.ListChildResellers(ctx, id, nil)
			return err
		}},
		{"GET customer_store/resellers", false, func(ctx context.Context, c *client.Client, _ int64) error {
			_, err := c.ListStoreResellers(ctx, nil)
			return err
		}},
		{"POST resellers/{id}/child_resellers", true, func(ctx context.Context, c *client.Client, id int64) error {
			_, err := c.CreateChildReseller(ctx, id, rsInput("Intruder", unique("intruder")+".example.com", "EUR"))
			return err
		}},
		{"PATCH resellers/{id}", true, func(ctx context.Context, c *client.Client, id int64) error {
			_, err := c.UpdateReseller(ctx, id, client.ResellerInput{
				General: &client.ResellerGeneralInput{Name: client.String("Hijacked")}})
			return err
		}},
	}
}

// TestResellerEndpointsUnauthorized answers 401 on every reseller endpoint without a
// token, with an unknown token and with a blocked manager's token.
func TestResellerEndpointsUnauthorized(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		mid := mustCreateReseller(t, s.Admin, domain.OperatorID, "Mid")
		blocked := mustCreateManager(t, s.Admin, mid.ID, "admin")
		blockedClient := s.client(blocked.APIToken)
		// The token works, and is cached, before the manager is blocked.
		if _, err := blockedClient.GetReseller(ctx, mid.ID); err != nil {
			t.Fatalf("before blocking: %v", err)
		}
		if _, err := s.Admin.UpdateManager(ctx, mid.ID, blocked.ID, client.ManagerInput{Status: client.String("inactive")}); err != nil {
			t.Fatalf("block manager: %v", err)
		}

		callers := []struct {
			name, code, detail string
			c                  *client.Client
		}{
			{"no token", "token_missing", "The X-Api-Token header is missing", s.client("")},
			{"unknown token", "token_invalid", "The API token is invalid", s.client(service.NewToken())},
			{"blocked manager", "manager_blocked", "The manager is blocked", blockedClient},
		}
		for _, caller := range callers {
			for _, ep := range rsEndpoints() {
				t.Run(caller.name+"/"+ep.name, func(t *testing.T) {
					e := apiError(t, ep.call(ctx, caller.c, mid.ID), http.StatusUnauthorized)
					o := rsOnly(t, e, caller.code)
					if o.Detail != caller.detail || o.Title != "Unauthorized" {
						t.Fatalf("title=%q detail=%q, want %q and %q", o.Title, o.Detail, "Unauthorized", caller.detail)
					}
				})
			}
		}
		if got := rsGet(t, s.Admin, mid.ID).General.Name; got != "Mid" {
			t.Fatalf("name=%q after refused updates, want Mid", got)
		}
		page, err := s.Admin.ListChildResellers(ctx, mid.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 0 {
			t.Fatalf("total_count=%d below Mid after refused creates, want 0", page.TotalCount)
		}
	})
}

// TestResellerEndpointsOutOfScope answers 404 on every reseller endpoint for a
// reseller outside the token's subtree, with the very body of a missing one.
func TestResellerEndpointsOutOfScope(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		tr := rsBuildTree(t, s)
		id := func(v int64) string { return strconv.FormatInt(v, 10) }
		endpoints := []struct {
			name, method string
			path         func(id string) string
			body         string
		}{
			{"GET resellers/{id}", "GET", func(id string) string { return rsPath("resellers", id) }, ""},
			{"GET customer_store/resellers/{id}", "GET", func(id string) string { return rsPath("customer_store", "resellers", id) }, ""},
			{"GET resellers/{id}/child_resellers", "GET", func(id string) string { return rsPath("resellers", id, "child_resellers") }, ""},
			{"POST resellers/{id}/child_resellers", "POST", func(id string) string { return rsPath("resellers", id, "child_resellers") },
				`{"data":{"type":"resellers","attributes":{"general":{"name":"Intruder","domain":"intruder.example.com","currency":"EUR"}}}}`},
			{"PATCH resellers/{id}", "PATCH", func(id string) string { return rsPath("resellers", id) },
				`{"data":{"type":"resellers","attributes":{"general":{"name":"Hijacked"}}}}`},
		}
		targets := []struct{ name, id string }{
			{"parent", id(domain.OperatorID)},
			{"sibling", id(tr.Side.ID)},
			{"sibling's child", id(tr.SideLow.ID)},
			{"non-numeric", "abc"},
			{"zero", "0"},
			{"negative", "-" + id(tr.Low.ID)},
			{"overflowing", "99999999999999999999"},
		}
		for _, ep := range endpoints {
			ct := ""
			if ep.body != "" {
				ct = client.MediaType
			}
			missing := rsDo(t, tr.MidClient, ep.method, ep.path("987654"), ep.body, ct)
			rsOnly(t, rsErrorDoc(t, missing, http.StatusNotFound), "reseller_not_found")
			for _, target := range targets {
				t.Run(ep.name+"/"+target.name, func(t *testing.T) {
					resp := rsDo(t, tr.MidClient, ep.method, ep.path(target.id), ep.body, ct)
					o := rsOnly(t, rsErrorDoc(t, resp, http.StatusNotFound), "reseller_not_found")
					if o.Detail != "Reseller not found" || o.Title != "Not found" {
						t.Fatalf("title=%q detail=%q, want Not found and Reseller not found", o.Title, o.Detail)
					}
					if string(resp.Body) != string(missing.Body) {
						t.Fatalf("body %s\ndiffers from a missing reseller's %s", resp.Body, missing.Body)
					}
				})
			}
		}

		// Nothing outside the subtree changed; inside it, the same calls work.
		for _, r := range []*client.Reseller{tr.Side, tr.SideLow} {
			if got := rsGet(t, s.Admin, r.ID); got.General.Name != r.General.Name {
				t.Fatalf("reseller %d: name=%q, want %q", r.ID, got.General.Name, r.General.Name)
			}
		}
		if got := rsGet(t, s.Admin, domain.OperatorID).General.Name; got != "Cascade Operator" {
			t.Fatalf("operator name=%q, want Cascade Operator", got)
		}
		page, err := s.Admin.ListChildResellers(context.Background(), domain.OperatorID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 6 {
			t.Fatalf("total_count=%d after refused creates, want 6", page.TotalCount)
		}
		for _, ep := range endpoints {
			ct := ""
			if ep.body != "" {
				ct = client.MediaType
			}
			resp := rsDo(t, tr.MidClient, ep.method, ep.path(id(tr.Low.ID)), ep.body, ct)
			if resp.StatusCode >= 300 {
				t.Fatalf("%s on Low: status=%d, want success: %s", ep.name, resp.StatusCode, resp.Body)
			}
		}
	})
}

// TestResellerWriteRoles lets system administrators and product owners create and
// update resellers, and refuses sales people and marketing, who may still read.
func TestResellerWriteRoles(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		mid := mustCreateReseller(t, s.Admin, domain.OperatorID, "Mid")
		low := mustCreateReseller(t, s.Admin, mid.ID, "Low")
		cases := []struct {
			role  string
			write bool
		}{
			{"admin", true},
			{"owner", true},
			{"sales", false},
			{"marketing", false},
		}
		for _, c := range cases {
			t.Run(c.role, func(t *testing.T) {
				mc := s.client(mustCreateManager(t, s.Admin, mid.ID, c.role).APIToken)
				for _, ep := range rsEndpoints() {
					err := ep.call(ctx, mc, low.ID)
					if !ep.write || c.write {
						if err != nil {
							t.Fatalf("%s: %v, want success", ep.name, err)
						}
						continue
					}
					e := apiError(t, err, http.StatusForbidden)
					o := rsOnly(t, e, "forbidden")
					if o.Detail != "This action is forbidden" || o.Title != "Forbidden" {
						t.Fatalf("%s: title=%q detail=%q, want Forbidden and This action is forbidden", ep.name, o.Title, o.Detail)
					}
				}
				// Its own reseller is refused as well.
				_, err := mc.UpdateReseller(ctx, mid.ID, client.ResellerInput{
					General: &client.ResellerGeneralInput{Name: client.String("Mid " + c.role)}})
				if c.write && err != nil {
					t.Fatalf("update own reseller: %v", err)
				}
				if !c.write {
					rsOnly(t, apiError(t, err, http.StatusForbidden), "forbidden")
				}
			})
		}
		page, err := s.Admin.ListChildResellers(ctx, low.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != 2 {
			t.Fatalf("children of Low=%d, want 2 (one per writing role)", page.TotalCount)
		}
	})
}
