package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// mgForbidden asserts that err is the 403 every refused role gets.
func mgForbidden(t testing.TB, err error, detail string) {
	t.Helper()
	e := apiError(t, err, http.StatusForbidden)
	if e.Errors[0].Detail != detail || e.Errors[0].Status != "403" {
		t.Fatalf("error = %+v, want 403 %q", e.Errors[0], detail)
	}
}

// mgForbiddenText is the documented text of a refused action; mgSelfAccess is the
// catalogue's text for changing one's own status or role.
var (
	mgForbiddenText = "This action is forbidden"
	mgSelfAccess    = domain.MsgSelfStatusOrRole.Text(domain.LocaleEN)
)

func TestManagerPermissionsOwner(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		owner := mustCreateManager(t, s.Admin, 1, "owner")
		c := s.client(owner.APIToken)
		hired := mgNewManager(t, c, 1, client.ManagerInput{Role: client.String("sales")})
		if hired.ResellerID != 1 || hired.APIToken == "" {
			t.Fatalf("owner's new manager = %+v", hired)
		}
		got, err := c.UpdateManager(ctx, 1, hired.ID, client.ManagerInput{Name: client.String("Renamed by owner"),
			Status: client.String("inactive")})
		if err != nil || got.Name != "Renamed by owner" || got.Status != "inactive" {
			t.Fatalf("owner updates another manager: %+v, %v", got, err)
		}
		if _, err := c.RotateManagerToken(ctx, 1, hired.ID); err != nil {
			t.Fatalf("owner rotates another manager's token: %v", err)
		}
		mustCreateReseller(t, c, 1, "Owned Reseller")
	})
}

func TestManagerPermissionsLimitedRoles(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		roles := mgRoleIDs(t, s.Admin, 1)
		other := mustCreateManager(t, s.Admin, 1, "owner")
		for _, role := range []string{"sales", "marketing"} {
			t.Run(role, func(t *testing.T) {
				me := mustCreateManager(t, s.Admin, 1, role)
				c := s.client(me.APIToken)
				before := mgCount(t, s.Admin, 1)

				t.Run("CreateManager", func(t *testing.T) {
					_, err := c.CreateManager(ctx, 1, client.ManagerInput{Name: client.String("Nope"),
						Email: client.String(unique("nope") + "@example.com"), Password: client.String(mgPassword),
						Role: client.String("sales")})
					mgForbidden(t, err, mgForbiddenText)
					if after := mgCount(t, s.Admin, 1); after != before {
						t.Fatalf("%d managers after a refused create, want %d", after, before)
					}
				})
				t.Run("CreateReseller", func(t *testing.T) {
					_, err := c.CreateChildReseller(ctx, 1, client.ResellerInput{General: &client.ResellerGeneralInput{
						Name: client.String("Nope"), Domain: client.String(unique("nope") + ".example.com"),
						Currency: client.String("EUR")}})
					mgForbidden(t, err, mgForbiddenText)
				})
				t.Run("UpdateAnother", func(t *testing.T) {
					for _, in := range []client.ManagerInput{
						{Name: client.String("Hijacked")},
						{Status: client.String("inactive")},
						{ManagerRoleID: client.Int(roles["Sales person"])},
					} {
						_, err := c.UpdateManager(ctx, 1, other.ID, in)
						mgForbidden(t, err, mgForbiddenText)
					}
					got, err := s.Admin.GetManager(ctx, 1, other.ID)
					if err != nil || got.Name != other.Name || got.Status != "active" || got.Role != "owner" {
						t.Fatalf("other manager after refused updates = %+v, %v", got, err)
					}
				})
				t.Run("RotateAnother", func(t *testing.T) {
					_, err := c.RotateManagerToken(ctx, 1, other.ID)
					mgForbidden(t, err, mgForbiddenText)
				})
				t.Run("Read", func(t *testing.T) {
					if _, err := c.ListManagers(ctx, 1, nil); err != nil {
						t.Fatalf("list managers: %v", err)
					}
					if _, err := c.GetManager(ctx, 1, other.ID); err != nil {
						t.Fatalf("get another manager: %v", err)
					}
					if _, err := c.ListManagerRoles(ctx, 1, nil); err != nil {
						t.Fatalf("list manager roles: %v", err)
					}
				})
				t.Run("UpdateSelf", func(t *testing.T) {
					got, err := c.UpdateManager(ctx, 1, me.ID, client.ManagerInput{Name: client.String("Myself " + role),
						Phone: client.String("+375291112233"), CustomAttributes: map[string]string{"desk": "7"}})
					if err != nil {
						t.Fatalf("update own name and phone: %v", err)
					}
					if got.Name != "Myself "+role || got.Phone != "+375291112233" || got.CustomAttributes["desk"] != "7" {
						t.Fatalf("own manager = %+v", got)
					}
				})
				t.Run("OwnStatusOrRole", func(t *testing.T) {
					mgCheckSelfAccess(t, s, c, me.ID, roles)
				})
			})
		}
	})
}

// mgCheckSelfAccess asserts that the manager behind c can change neither its status
// nor its role, in any of the ways a body can ask for it.
func mgCheckSelfAccess(t *testing.T, s *server, c *client.Client, id int64, roles map[string]int64) {
	t.Helper()
	ctx := context.Background()
	before, err := s.Admin.GetManager(ctx, 1, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		in   client.ManagerInput
	}{
		{"StatusInactive", client.ManagerInput{Status: client.String("inactive")}},
		{"StatusUnchanged", client.ManagerInput{Status: client.String(before.Status)}},
		{"Admin", client.ManagerInput{Admin: client.Bool(true)}},
		{"ManagerRoleID", client.ManagerInput{ManagerRoleID: client.Int(roles["Product owner"])}},
		{"LegacyRole", client.ManagerInput{Role: client.String("owner")}},
		{"NameWithStatus", client.ManagerInput{Name: client.String("Sneaky"), Status: client.String("inactive")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.UpdateManager(ctx, 1, id, tt.in)
			mgForbidden(t, err, mgSelfAccess)
		})
	}
	after, err := s.Admin.GetManager(ctx, 1, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != before.Status || after.Role != before.Role || after.Name != before.Name || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("after refused self changes = %+v, want %+v", after, before)
	}
	if _, err := c.GetManager(ctx, 1, id); err != nil {
		t.Fatalf("own token after refused self changes: %v", err)
	}
}

func TestManagerPermissionsSelfAccessForAdministrators(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		roles := mgRoleIDs(t, s.Admin, 1)
		for _, role := range []string{"admin", "owner"} {
			t.Run(role, func(t *testing.T) {
				me := mustCreateManager(t, s.Admin, 1, role)
				c := s.client(me.APIToken)
				got, err := c.UpdateManager(context.Background(), 1, me.ID, client.ManagerInput{
					Name: client.String("Self " + role), Phone: client.String("+4930123456")})
				if err != nil || got.Name != "Self "+role || got.Phone != "+4930123456" {
					t.Fatalf("update own name and phone: %+v, %v", got, err)
				}
				mgCheckSelfAccess(t, s, c, me.ID, roles)
			})
		}
	})
}

func TestManagerPermissionsDownstreamAdmin(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		tree := mgNewTree(t, s)
		adminA := mustCreateManager(t, s.Admin, tree.A.ID, "admin")
		c := s.client(adminA.APIToken)
		opSales := mustCreateManager(t, s.Admin, 1, "sales")

		t.Run("Below", func(t *testing.T) {
			atA := mgNewManager(t, c, tree.A.ID, client.ManagerInput{Role: client.String("sales")})
			atA1 := mgNewManager(t, c, tree.A1.ID, client.ManagerInput{Role: client.String("owner")})
			if atA.ResellerID != tree.A.ID || atA1.ResellerID != tree.A1.ID {
				t.Fatalf("created at %d and %d, want %d and %d", atA.ResellerID, atA1.ResellerID, tree.A.ID, tree.A1.ID)
			}
			rolesA1 := mgRoleIDs(t, s.client(atA1.APIToken), tree.A1.ID)
			got, err := c.UpdateManager(ctx, tree.A1.ID, atA1.ID, client.ManagerInput{
				ManagerRoleID: client.Int(rolesA1["Marketing"]), Name: client.String("Moved by A")})
			if err != nil || got.Role != "marketing" || got.Name != "Moved by A" {
				t.Fatalf("update a manager below: %+v, %v", got, err)
			}
			if _, err := c.UpdateManager(ctx, tree.A1.ID, atA1.ID, client.ManagerInput{Status: client.String("inactive")}); err != nil {
				t.Fatalf("block a manager below: %v", err)
			}
			_, err = s.client(atA1.APIToken).ListManagers(ctx, tree.A1.ID, nil)
			apiError(t, err, http.StatusUnauthorized)
			if _, err := c.RotateManagerToken(ctx, tree.A.ID, atA.ID); err != nil {
				t.Fatalf("rotate a token below: %v", err)
			}
		})
		t.Run("Above", func(t *testing.T) {
			_, err := c.CreateManager(ctx, 1, client.ManagerInput{Name: client.String("Up"),
				Email: client.String(unique("up") + "@example.com"), Password: client.String(mgPassword), Role: client.String("sales")})
			apiError(t, err, http.StatusNotFound)
			_, err = c.UpdateManager(ctx, 1, opSales.ID, client.ManagerInput{Name: client.String("Hijacked")})
			apiError(t, err, http.StatusNotFound)
			_, err = c.UpdateManager(ctx, tree.A.ID, opSales.ID, client.ManagerInput{Name: client.String("Hijacked")})
			apiError(t, err, http.StatusNotFound)
			_, err = c.RotateManagerToken(ctx, 1, opSales.ID)
			apiError(t, err, http.StatusNotFound)
			got, err := s.Admin.GetManager(ctx, 1, opSales.ID)
			if err != nil || got.Name != opSales.Name {
				t.Fatalf("operator's manager after refused changes = %+v, %v", got, err)
			}
			if _, err := s.client(opSales.APIToken).GetManager(ctx, 1, opSales.ID); err != nil {
				t.Fatalf("operator's manager token after a refused rotation: %v", err)
			}
		})
		t.Run("Sibling", func(t *testing.T) {
			_, err := c.CreateManager(ctx, tree.B.ID, client.ManagerInput{Name: client.String("Side"),
				Email: client.String(unique("side") + "@example.com"), Password: client.String(mgPassword), Role: client.String("sales")})
			apiError(t, err, http.StatusNotFound)
			p, err := s.Admin.ListManagers(ctx, tree.B.ID, nil)
			if err != nil || p.TotalCount != 0 {
				t.Fatalf("managers of B = %v, %v; want none", p, err)
			}
		})
		t.Run("OperatorStillManagesA", func(t *testing.T) {
			got, err := s.Admin.UpdateManager(ctx, tree.A.ID, adminA.ID, client.ManagerInput{Name: client.String(fmt.Sprint("A admin ", adminA.ID))})
			if err != nil || got.ResellerID != tree.A.ID {
				t.Fatalf("operator updates A's administrator: %+v, %v", got, err)
			}
		})
	})
}
