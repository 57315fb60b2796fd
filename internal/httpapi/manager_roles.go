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
