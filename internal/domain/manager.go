package domain

import (
	"strings"
)

// ManagerStatus says whether a manager may sign in and call the API.
type ManagerStatus string

// Manager statuses.
const (
	ManagerStatusActive   ManagerStatus = "active"
	ManagerStatusInactive ManagerStatus = "inactive"
)

// Manager is a person or integration working for a reseller, with an API token.
type Manager struct {
	ID         int64
	ResellerID int64
	Name       string
	Email      string
	Status     ManagerStatus
	Role       Role
	// AccessLevel is the manager role (access level) the manager holds; nil for
	// System administrators, who hold none.
	AccessLevel      *ManagerRole
	Phone            string
	Photo            string
	ManagerKey       string
	MFARequired      bool
	CustomAttributes map[string]string
	PasswordHash     string
	TokenHash        []byte
	Timestamps
}

// ManagerRole is an access level of a reseller: a named role managers can be given.
type ManagerRole struct {
	ID         int64
	ResellerID int64
	Name       string
	Role       Role
	Timestamps
}

// ManagerChange creates a manager or patches one: nil fields are left alone.
type ManagerChange struct {
	Name          *string
	Email         *string
	Status        *string
	Admin         *bool
	ManagerRoleID *int64
	Role          *string // the pre-7.0 way to give a role: admin, owner, sales, marketing
	Password      *string
	Phone         *string
	ManagerKey    *string
	// CustomAttributes sets each key; a nil value removes the key.
	CustomAttributes map[string]*string
}

const ptrManager = "/data/attributes/"

// CheckFixed refuses a change that the stored manager m cannot take: custom
// attributes past MaxCustomAttributes, as for resellers and accounts.
func (c *ManagerChange) CheckFixed(m *Manager) error {
	return checkCustomAttributeCount(ptrManager+"custom_attributes", m.CustomAttributes, c.CustomAttributes)
}

// Validate checks and normalises c in place. On create name, email and password are
// required and a role must be given (admin, manager_role_id or role); on update the
// e-mail, which is the login, cannot change.
func (c *ManagerChange) Validate(create bool) error {
	var p Problems
	if c.Name != nil {
		*c.Name = p.Text(ptrManager+"name", *c.Name, true, 255)
	} else if create {
		p.Add(ptrManager+"name", MsgBlank)
	}
	switch {
	case c.Email != nil && !create:
		p.Add(ptrManager+"email", MsgNotUpdatable)
	case c.Email != nil:
		*c.Email = p.Email(ptrManager+"email", *c.Email, true)
	case create:
		p.Add(ptrManager+"email", MsgBlank)
	}
	if c.Status != nil {
		s := ManagerStatus(strings.ToLower(strings.TrimSpace(*c.Status)))
		if s != ManagerStatusActive && s != ManagerStatusInactive {
			p.Add(ptrManager+"status", MsgOneOf, "active, inactive")
		}
		*c.Status = string(s)
	}
	if c.Role != nil {
		r := Role(strings.ToLower(strings.TrimSpace(*c.Role)))
		if !r.Valid() {
			p.Add(ptrManager+"role", MsgOneOf, "admin, owner, sales, marketing")
		}
		*c.Role = string(r)
	}
	if c.ManagerRoleID != nil && *c.ManagerRoleID <= 0 {
		p.Add(ptrManager+"manager_role_id", MsgInvalidID)
	}
	if create && !c.GrantsAdmin() && c.ManagerRoleID == nil && c.Role == nil {
		p.Add(ptrManager+"manager_role_id", MsgRoleRequired)
	}
	switch {
	case c.Password != nil && !ValidPassword(*c.Password):
		p.Add(ptrManager+"password", MsgWeakPassword)
	case c.Password == nil && create:
		p.Add(ptrManager+"password", MsgBlank)
	}
	if c.Phone != nil {
		*c.Phone = p.Phone(ptrManager+"phone", *c.Phone)
	}
	if c.ManagerKey != nil {
		*c.ManagerKey = strings.TrimSpace(*c.ManagerKey)
		if *c.ManagerKey != "" && !ValidManagerKey(*c.ManagerKey) {
			p.Add(ptrManager+"manager_key", MsgInvalidManagerKey)
		}
	}
	validateCustomAttributes(&p, ptrManager+"custom_attributes", c.CustomAttributes)
	return p.Err()
}

// GrantsAdmin reports whether c makes the manager a System administrator.
func (c *ManagerChange) GrantsAdmin() bool {
	return (c.Admin != nil && *c.Admin) || (c.Role != nil && Role(*c.Role) == RoleAdmin)
}

// ChangesRole reports whether c touches the manager's role or access level.
func (c *ManagerChange) ChangesRole() bool {
	return c.Admin != nil || c.ManagerRoleID != nil || c.Role != nil
}

// ChangesAccess reports whether c touches the manager's status or role.
func (c *ManagerChange) ChangesAccess() bool {
	return c.Status != nil || c.ChangesRole()
}

// ApplyRole sets m's role and access level from c: System administrator, or level,
// the access level c names (by manager_role_id, or in the older API by standard role
// name), which the service loaded and is nil when there is none by that id or name.
// An access level of another reseller is one that does not exist. Turning a System
// administrator into anything else needs a role; a change that names none leaves m
// as it is.
func (c *ManagerChange) ApplyRole(m *Manager, level *ManagerRole) error {
	ptr := ptrManager + "manager_role_id"
	switch {
	case c.GrantsAdmin():
		m.Role, m.AccessLevel = RoleAdmin, nil
		return nil
	case c.ManagerRoleID != nil:
	case c.Role != nil:
		ptr = ptrManager + "role"
	case m.Role == RoleAdmin:
		return FieldError(ptr, MsgRoleRequired) // admin: false needs a new role
	default:
		return nil // admin: false on a manager who is not one changes nothing
	}
	if level == nil || level.ResellerID != m.ResellerID {
		return FieldError(ptr, MsgManagerRoleNotFound)
	}
	m.Role, m.AccessLevel = level.Role, level
	return nil
}

// Apply writes the plain fields of c into m (name, status, phone, key, attributes).
// The role is ApplyRole's; password and e-mail are the service's. It reports whether
// anything changed.
func (m *Manager) Apply(c ManagerChange) bool {
	changed := set(&m.Name, c.Name)
	if c.Status != nil && ManagerStatus(*c.Status) != m.Status {
		m.Status = ManagerStatus(*c.Status)
		changed = true
	}
	changed = set(&m.Phone, c.Phone) || changed
	changed = set(&m.ManagerKey, c.ManagerKey) || changed
	return applyCustomAttributes(&m.CustomAttributes, c.CustomAttributes) || changed
}
