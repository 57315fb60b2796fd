package client

import (
	"context"
	"encoding/json"
	"time"
)

// Manager is a manager (a person or integration with an API token) of a reseller.
type Manager struct {
	ID               int64             `json:"-"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
	ResellerID       int64             `json:"reseller_id"`
	Name             string            `json:"name"`
	Status           string            `json:"status"`
	Email            string            `json:"email"`
	ManagerRole      ManagerRoleRef    `json:"manager_role"`
	Role             string            `json:"role"`
	Phone            string            `json:"phone"`
	Photo            *string           `json:"photo"`
	ManagerKey       string            `json:"manager_key"`
	MFARequired      bool              `json:"mfa_required"`
	CustomAttributes map[string]string `json:"custom_attributes"`
	// APIToken is set only by CreateManager and RotateManagerToken.
	APIToken      string                  `json:"api_token"`
	Relationships map[string]Relationship `json:"-"`
	Included      []Resource              `json:"-"`
}

// ManagerRoleRef names a manager's access level; both nil for administrators.
type ManagerRoleRef struct {
	ID   *int64  `json:"id"`
	Name *string `json:"name"`
}

func (m *Manager) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, m); err != nil {
		return err
	}
	var err error
	m.ID, err = parseID(res.ID)
	m.Relationships = res.Relationships
	return err
}

// ManagerInput creates or updates a manager; nil fields are left out.
type ManagerInput struct {
	Name          *string `json:"name,omitempty"`
	Email         *string `json:"email,omitempty"`
	Status        *string `json:"status,omitempty"`
	Admin         *bool   `json:"admin,omitempty"`
	ManagerRoleID *int64  `json:"manager_role_id,omitempty"`
	// Role is the older way to give a role: admin, owner, sales or marketing.
	Role       *string `json:"role,omitempty"`
	Password   *string `json:"password,omitempty"`
	Phone      *string `json:"phone,omitempty"`
	ManagerKey *string `json:"manager_key,omitempty"`
	// CustomAttributes are sent in the documented {"data": [{"key", "value"}]} form.
	CustomAttributes map[string]string `json:"-"`
}

// MarshalJSON writes the input with custom attributes in their documented form.
func (in ManagerInput) MarshalJSON() ([]byte, error) {
	type plain ManagerInput
	type kv struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	out := struct {
		plain
		Custom *struct {
			Data []kv `json:"data"`
		} `json:"custom_attributes,omitempty"`
	}{plain: plain(in)}
	if in.CustomAttributes != nil {
		out.Custom = &struct {
			Data []kv `json:"data"`
		}{Data: []kv{}}
		for k, v := range in.CustomAttributes {
			out.Custom.Data = append(out.Custom.Data, kv{k, v})
		}
	}
	return json.Marshal(out)
}

// ManagerRole is an access level of a reseller.
type ManagerRole struct {
	ID         int64     `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Name       string    `json:"name"`
	ResellerID int64     `json:"reseller_id"`
	Role       string    `json:"role"`
}

func (r *ManagerRole) fromResource(res Resource) error {
	if err := json.Unmarshal(res.Attributes, r); err != nil {
		return err
	}
	var err error
	r.ID, err = parseID(res.ID)
	return err
}

// ListManagers lists the managers of a reseller
// (GET /api/v3/resellers/{reseller_id}/managers).
func (c *Client) ListManagers(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Manager], error) {
	return list[Manager](ctx, c, pathf("/api/v3/resellers/%s/managers", resellerID), o, opts...)
}

// ListChildResellerManagers lists the managers of every reseller below resellerID
// (GET /api/v3/resellers/{reseller_id}/child_reseller_managers).
func (c *Client) ListChildResellerManagers(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[Manager], error) {
	return list[Manager](ctx, c, pathf("/api/v3/resellers/%s/child_reseller_managers", resellerID), o, opts...)
}

// GetManager returns a manager of a reseller
// (GET /api/v3/resellers/{reseller_id}/managers/{manager_id}).
func (c *Client) GetManager(ctx context.Context, resellerID, managerID int64, opts ...RequestOption) (*Manager, error) {
	var m Manager
	return &m, c.getOne(ctx, pathf("/api/v3/resellers/%s/managers/%s", resellerID, managerID), &m, &m.Included, opts...)
}

// CreateManager adds a manager to a reseller; the answer carries its API token
// (POST /api/v3/resellers/{reseller_id}/managers).
func (c *Client) CreateManager(ctx context.Context, resellerID int64, in ManagerInput, opts ...RequestOption) (*Manager, error) {
	var m Manager
	return &m, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/managers", resellerID), body(in), &m, opts...)
}

// UpdateManager patches a manager
// (PATCH /api/v3/resellers/{reseller_id}/managers/{manager_id}).
func (c *Client) UpdateManager(ctx context.Context, resellerID, managerID int64, in ManagerInput, opts ...RequestOption) (*Manager, error) {
	var m Manager
	return &m, c.send(ctx, "PATCH", pathf("/api/v3/resellers/%s/managers/%s", resellerID, managerID), body(in), &m, opts...)
}

// RotateManagerToken issues a new API token for a manager; the old one stops working
// (POST /api/v3/resellers/{reseller_id}/managers/{manager_id}/api_token, a Cascade
// extension).
func (c *Client) RotateManagerToken(ctx context.Context, resellerID, managerID int64, opts ...RequestOption) (*Manager, error) {
	var m Manager
	return &m, c.send(ctx, "POST", pathf("/api/v3/resellers/%s/managers/%s/api_token", resellerID, managerID), nil, &m, opts...)
}

// ListManagerRoles lists the access levels of the token's own reseller
// (GET /api/v3/resellers/{reseller_id}/manager_roles).
func (c *Client) ListManagerRoles(ctx context.Context, resellerID int64, o *ListOptions, opts ...RequestOption) (*Page[ManagerRole], error) {
	return list[ManagerRole](ctx, c, pathf("/api/v3/resellers/%s/manager_roles", resellerID), o, opts...)
}
