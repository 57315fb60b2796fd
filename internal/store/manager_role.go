package store

import (
	"context"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

const managerRoleColumns = `mr.id, mr.reseller_id, mr.name, mr.role, mr.created_at, mr.updated_at`

// managerRoleFields maps the API's filter and sort fields of manager roles to columns.
var managerRoleFields = map[string]column{
	"id":         {expr: "mr.id"},
	"name":       {expr: "mr.name", folded: "mr.name_folded", search: "manager_roles_name_fts"},
	"created_at": {expr: "mr.created_at"},
	"updated_at": {expr: "mr.updated_at"},
}

func scanManagerRole(s scanner, extra ...any) (*domain.ManagerRole, error) {
	var (
		r                domain.ManagerRole
		role             string
		created, updated int64
	)
	if err := s.Scan(append([]any{&r.ID, &r.ResellerID, &r.Name, &role, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	r.Role, r.CreatedAt, r.UpdatedAt = domain.Role(role), fromMicros(created), fromMicros(updated)
	return &r, nil
}

// FindManagerRoleByID returns the access level with the given id, or a not-found error.
func (c *Conn) FindManagerRoleByID(ctx context.Context, id int64) (*domain.ManagerRole, error) {
	return one(ctx, c, domain.NotFound(domain.MsgManagerRoleNotFound), fmt.Sprintf("find manager role %d", id),
		scanOneManagerRole, "SELECT "+managerRoleColumns+" FROM manager_roles mr WHERE mr.id = $1", id)
}

// FindManagerRoleByRole returns the reseller's access level of the given standard
// role (the one created with the reseller), or a not-found error.
func (c *Conn) FindManagerRoleByRole(ctx context.Context, resellerID int64, role domain.Role) (*domain.ManagerRole, error) {
	return one(ctx, c, domain.NotFound(domain.MsgManagerRoleNotFound),
		fmt.Sprintf("find %s role of reseller %d", role, resellerID), scanOneManagerRole,
		"SELECT "+managerRoleColumns+` FROM manager_roles mr
		WHERE mr.reseller_id = $1 AND mr.role = $2 ORDER BY mr.id LIMIT 1`, resellerID, string(role))
}

func scanOneManagerRole(s scanner) (*domain.ManagerRole, error) { return scanManagerRole(s) }

// FindManagerRoles returns one page of a reseller's access levels, their count and
// the cursor of the next page (see listKeys).
func (c *Conn) FindManagerRoles(ctx context.Context, resellerID int64, q domain.ListQuery) ([]*domain.ManagerRole, domain.PageInfo, error) {
	l, b := managerRoleListing(c.db.engine, resellerID)
	return listRows(ctx, c, l, b, q, func(ids []int64) ([]*domain.ManagerRole, error) {
		return byIDs(ctx, c, "SELECT "+managerRoleColumns+" FROM manager_roles mr WHERE ", "mr.id", ids,
			scanOneManagerRole, func(r *domain.ManagerRole) int64 { return r.ID })
	})
}

// CreateManagerRole inserts an access level and sets its id.
func (c *Conn) CreateManagerRole(ctx context.Context, r *domain.ManagerRole) error {
	err := c.row(ctx, `INSERT INTO manager_roles (reseller_id, name, name_folded, role, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		[]any{r.ResellerID, r.Name, domain.Fold(r.Name), string(r.Role), micros(r.CreatedAt), micros(r.UpdatedAt)}, &r.ID)
	if err != nil {
		return fmt.Errorf("create manager role: %w", err)
	}
	return c.count(ctx, tallyManagerRoles, r.ResellerID, 1)
}

// managerRoleListing declares the list of a reseller's access levels and its scope.
func managerRoleListing(e Engine, resellerID int64) (listing, *sqlBuilder) {
	b := sqlBuilder{engine: e}
	b.cond("mr.reseller_id = %s", resellerID)
	return listing{from: "FROM manager_roles mr", id: "mr.id", cols: managerRoleFields,
		tally: tally{kind: tallyManagerRoles, reseller: resellerID}}, &b
}
