package e2e

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// The members of the upstream manager each viewer sees.
var (
	upstreamFull = []string{"created_at", "custom_attributes", "email", "id", "manager_key", "name",
		"phone", "photo", "reseller_id", "role", "status", "updated_at"}
	upstreamCard = []string{"email", "id", "name", "phone", "photo"}
)

// rsManagerMembers returns the member names of the manager embedded in a reseller
// resource, sorted, and the manager itself.
func rsManagerMembers(t testing.TB, res json.RawMessage) ([]string, map[string]any) {
	t.Helper()
	var r struct {
		Attributes struct {
			General struct {
				Manager string `json:"manager"`
			} `json:"general"`
			Manager map[string]any `json:"manager"`
		} `json:"attributes"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		t.Fatalf("reseller %s: %v", res, err)
	}
	m := r.Attributes.Manager
	if m == nil {
		t.Fatalf("reseller %s has no manager", res)
	}
	if r.Attributes.General.Manager != m["name"] {
		t.Errorf("general.manager %q, manager.name %v: want them equal", r.Attributes.General.Manager, m["name"])
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, m
}

// rsViewManager reads reseller id through c (raw, GET resellers/{id}) and returns
// the members of its embedded manager.
func rsViewManager(t testing.TB, c *client.Client, id int64) []string {
	t.Helper()
	resp := mgDo(t, c, "GET", "/api/v3/resellers/"+strconv.FormatInt(id, 10), "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET reseller %d: %d %s", id, resp.StatusCode, resp.Body)
	}
	var doc struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatal(err)
	}
	keys, _ := rsManagerMembers(t, doc.Data)
	return keys
}

// TestResellerUpstreamManagerView checks who sees what of the upstream manager
// attached to a reseller: viewers at or above the manager's reseller see all of it,
// the reseller itself and those below it only a contact card.
func TestResellerUpstreamManagerView(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		r := mustCreateReseller(t, s.Admin, domain.OperatorID, "Looked After")
		child := mustCreateReseller(t, s.Admin, r.ID, "Looked After Child")
		opSales, err := s.Admin.CreateManager(ctx, domain.OperatorID, client.ManagerInput{
			Name: client.String("Olga Upstream"), Email: client.String(unique("olga") + "@example.com"),
			Role: client.String("sales"), Phone: client.String("+4930123456"), ManagerKey: client.String(unique("olga-key-")),
			CustomAttributes: map[string]string{"commission": "12%"}, Password: client.String("secret123")})
		if err != nil {
			t.Fatal(err)
		}
		rAdmin := mustCreateManager(t, s.Admin, r.ID, "admin")
		rClient := s.client(rAdmin.APIToken)
		childClient := s.client(mustCreateManager(t, s.Admin, child.ID, "marketing").APIToken)
		rsUpdate(t, s.Admin, r.ID, client.ResellerInput{General: &client.ResellerGeneralInput{ManagerID: client.Int(opSales.ID)}})
		rsUpdate(t, rClient, child.ID, client.ResellerInput{General: &client.ResellerGeneralInput{ManagerID: client.Int(rAdmin.ID)}})

		for _, c := range []struct {
			name   string
			viewer *client.Client
			id     int64
			want   []string
		}{
			{"the operator views its manager at r", s.Admin, r.ID, upstreamFull},
			{"r views the operator's manager", rClient, r.ID, upstreamCard},
			{"r views its own manager at child", rClient, child.ID, upstreamFull},
			{"the operator views r's manager at child", s.Admin, child.ID, upstreamFull},
			{"child views r's manager", childClient, child.ID, upstreamCard},
		} {
			if got := rsViewManager(t, c.viewer, c.id); !slices.Equal(got, c.want) {
				t.Errorf("%s: manager members %v, want %v", c.name, got, c.want)
			}
		}

		// The card carries the contact data; the client reads it as a manager with
		// only those members set.
		card := rsGet(t, rClient, r.ID).Manager
		if card == nil || card.ID != opSales.ID || card.Name != "Olga Upstream" || card.Email != opSales.Email ||
			card.Phone != "+4930123456" || card.ManagerKey != "" || card.CustomAttributes != nil || card.Role != "" {
			t.Errorf("card = %+v, want the contact data of manager %d only", card, opSales.ID)
		}
		if full := rsGet(t, s.Admin, r.ID).Manager; full == nil || full.ManagerKey != opSales.ManagerKey ||
			full.CustomAttributes["commission"] != "12%" || full.ResellerID != domain.OperatorID {
			t.Errorf("operator's view = %+v, want manager_key, custom attributes and reseller", full)
		}

		// Every other rendering of r follows the same rule: r's own update answer and r
		// as the included parent of its child. (Lists show the children of a reseller
		// the viewer sees, whose managers the viewer always sees in full.)
		resp := mgDo(t, rClient, "PATCH", "/api/v3/resellers/"+strconv.FormatInt(r.ID, 10),
			`{"data":{"attributes":{"company":{"city":"Graz"}}}}`)
		if resp.StatusCode != 200 {
			t.Fatalf("update r: %d %s", resp.StatusCode, resp.Body)
		}
		var one struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(resp.Body, &one); err != nil {
			t.Fatal(err)
		}
		if got, _ := rsManagerMembers(t, one.Data); !slices.Equal(got, upstreamCard) {
			t.Errorf("r's update answer: manager members %v, want %v", got, upstreamCard)
		}
		resp = mgDo(t, rClient, "GET", "/api/v3/resellers/"+strconv.FormatInt(child.ID, 10)+"?include=parent", "")
		var withParent struct {
			Data     json.RawMessage   `json:"data"`
			Included []json.RawMessage `json:"included"`
		}
		if err := json.Unmarshal(resp.Body, &withParent); err != nil || len(withParent.Included) != 1 {
			t.Fatalf("child with its parent: %s (%v)", resp.Body, err)
		}
		if got, _ := rsManagerMembers(t, withParent.Data); !slices.Equal(got, upstreamFull) {
			t.Errorf("r views child: manager members %v, want %v", got, upstreamFull)
		}
		if got, _ := rsManagerMembers(t, withParent.Included[0]); !slices.Equal(got, upstreamCard) {
			t.Errorf("r views itself as the included parent: manager members %v, want %v", got, upstreamCard)
		}
	})
}
