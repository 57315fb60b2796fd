package httpapi

import "github.com/cascade-billing/cascade/internal/domain"

var managerRoleList = listSpec{
	filters: map[string]filterSpec{
		"id":         {kind: kindInt},
		"name":       {kind: kindContains},
		"created_at": {kind: kindTime},
		"updated_at": {kind: kindTime},
	},
	sorts: []string{"id", "name", "created_at", "updated_at"},
}

type managerRoleAttributes struct {
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	Name       string `json:"name"`
	ResellerID int64  `json:"reseller_id"`
	// Role is the standard role the access level grants (a Cascade addition).
	Role string `json:"role"`
}

func (s *Server) toAPIManagerRole(r *domain.ManagerRole) resource {
	return resource{ID: id(r.ID), Type: "manager_roles", Attributes: &managerRoleAttributes{
		CreatedAt: s.formatTime(r.CreatedAt), UpdatedAt: s.formatTime(r.UpdatedAt), Name: r.Name,
		ResellerID: r.ResellerID, Role: string(r.Role)}}
}

func (s *Server) handleManagerRoleList(c *call) (reply, error) {
	rid, p, err := s.listUnder(c, managerRoleList)
	if err != nil {
		return reply{}, err
	}
	roles, total, err := s.svc.FindManagerRoles(c.ctx, c.actor, rid, p.query)
	if err != nil {
		return reply{}, err
	}
	data := make([]resource, len(roles))
	for i, r := range roles {
		data[i] = s.toAPIManagerRole(r)
	}
	return s.page(c, data, nil, total, p), nil
}
