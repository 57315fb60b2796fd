package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cascade-billing/cascade/internal/domain"
)

const managerFrom = `FROM managers m
	JOIN resellers r ON r.id = m.reseller_id
	LEFT JOIN manager_roles mr ON mr.id = m.manager_role_id`

// managerFields maps the API's filter and sort fields of managers to columns.
var managerFields = map[string]column{
	"id":          {expr: "m.id"},
	"reseller_id": {expr: "m.reseller_id"},
	"name":        {expr: "m.name", folded: "m.name_folded", search: "managers_name_fts"},
	"email":       {expr: "m.email", text: true},
	"status":      {expr: "m.status"},
	"role":        {expr: "m.role"},
	"manager_key": {expr: "m.manager_key"},
	"created_at":  {expr: "m.created_at"},
	"updated_at":  {expr: "m.updated_at"},
}

func scanManager(s scanner, extra ...any) (*domain.Manager, error) {
	var r managerRow
	if err := s.Scan(append(r.dest(), extra...)...); err != nil {
		return nil, err
	}
	return r.manager(), nil
}

// FindManagerByID returns the manager with the given id, or a not-found error.
func (c *Conn) FindManagerByID(ctx context.Context, id int64) (*domain.Manager, error) {
	return c.findManagerByID(ctx, id, "")
}

// FindManagerForUpdate returns the manager with the given id, or a not-found error,
// and holds its row until the write transaction ends (see lock.go), for an update
// built on what it read.
func (c *Conn) FindManagerForUpdate(ctx context.Context, id int64) (*domain.Manager, error) {
	return readLocked(ctx, c, forUpdate, "managers", "m", id, c.findManagerByID)
}

// FindManagerForShare returns the manager with the given id, or a not-found error,
// and keeps others from changing it until the write transaction ends (see lock.go):
// for a write that refers to the manager only if it is, say, active, which must
// still hold when the write commits.
func (c *Conn) FindManagerForShare(ctx context.Context, id int64) (*domain.Manager, error) {
	return readLocked(ctx, c, forShare, "managers", "m", id, c.findManagerByID)
}

// findManagerByID reads a manager; lock is a lockClause or empty.
func (c *Conn) findManagerByID(ctx context.Context, id int64, lock string) (*domain.Manager, error) {
	var r managerRow
	err := c.row(ctx, "SELECT "+managerColumns+" "+managerFrom+" WHERE m.id = $1"+lock, []any{id}, r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.NotFound(domain.MsgManagerNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find manager %d: %w", id, err)
	}
	return r.manager(), nil
}

// ManagerFilter selects managers of one reseller (ResellerID) or of every reseller
// strictly below a path (Below), matching Query.
type ManagerFilter struct {
	ResellerID int64
	Below      string
	Query      domain.ListQuery
}

// FindManagers returns one page of managers, the number of all that match and the
// cursor of the next page (see listKeys).
func (c *Conn) FindManagers(ctx context.Context, f ManagerFilter) ([]*domain.Manager, domain.PageInfo, error) {
	l, b := managerListing(c.db.engine, f)
	return listRows(ctx, c, l, b, f.Query, func(ids []int64) ([]*domain.Manager, error) {
		return byIDs(ctx, c, "SELECT "+managerColumns+" "+managerFrom+" WHERE ", "m.id", ids,
			func(s scanner) (*domain.Manager, error) { return scanManager(s) },
			func(m *domain.Manager) int64 { return m.ID })
	})
}

// managerListing declares the list of managers f selects and its scope.
func managerListing(e Engine, f ManagerFilter) (listing, *sqlBuilder) {
	b := sqlBuilder{engine: e}
	l := listing{from: "FROM managers m", id: "m.id", cols: managerFields}
	l.scope(&b, "m", tallyManagers, f.ResellerID, f.Below)
	return l, &b
}

// CreateManager inserts m, whose PasswordHash and TokenHash are set, and sets its id.
func (c *Conn) CreateManager(ctx context.Context, m *domain.Manager) error {
	err := c.row(ctx, `INSERT INTO managers (reseller_id, name, email, password_hash, status, role,
		manager_role_id, phone, photo, manager_key, mfa_required, custom_attributes, token_hash,
		created_at, updated_at, name_folded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
		$13, $14, $15, $16) RETURNING id`,
		[]any{m.ResellerID, m.Name, m.Email, m.PasswordHash, string(m.Status), string(m.Role), accessLevelID(m),
			m.Phone, m.Photo, nullString(m.ManagerKey), m.MFARequired, attrsJSON(m.CustomAttributes), m.TokenHash,
			micros(m.CreatedAt), micros(m.UpdatedAt), domain.Fold(m.Name)}, &m.ID)
	if err != nil {
		return fmt.Errorf("create manager: %w", err)
	}
	return c.count(ctx, tallyManagers, m.ResellerID, 1)
}

// UpdateManager writes every mutable field of m, which the transaction read with
// FindManagerForUpdate. An empty PasswordHash or TokenHash leaves the stored one alone.
func (c *Conn) UpdateManager(ctx context.Context, m *domain.Manager) error {
	if err := c.needLock("managers", m.ID); err != nil {
		return err
	}
	_, err := c.exec(ctx, `UPDATE managers SET name = $1, status = $2, role = $3, manager_role_id = $4,
		phone = $5, manager_key = $6, mfa_required = $7, custom_attributes = $8, updated_at = $9,
		password_hash = CASE WHEN $10 = '' THEN password_hash ELSE $10 END,
		token_hash = COALESCE($11, token_hash), name_folded = $12
		WHERE id = $13`,
		m.Name, string(m.Status), string(m.Role), accessLevelID(m), m.Phone, nullString(m.ManagerKey),
		m.MFARequired, attrsJSON(m.CustomAttributes), micros(m.UpdatedAt), m.PasswordHash, nullBytes(m.TokenHash),
		domain.Fold(m.Name), m.ID)
	if err != nil {
		return fmt.Errorf("update manager %d: %w", m.ID, err)
	}
	// A reseller's API object shows its upstream manager: name, status, role.
	managed, err := collect(ctx, c, `SELECT id FROM resellers WHERE manager_id = $1`, []any{m.ID},
		func(s scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		})
	if err != nil {
		return fmt.Errorf("update manager %d: %w", m.ID, err)
	}
	for _, id := range managed {
		c.touch(ResellerScope(id))
	}
	return nil
}

func accessLevelID(m *domain.Manager) any {
	if m.AccessLevel == nil {
		return nil
	}
	return m.AccessLevel.ID
}

func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// ActorByTokenHash resolves an API token's hash to the manager behind it, with its
// status; sql.ErrNoRows becomes an unauthorized error.
func (c *Conn) ActorByTokenHash(ctx context.Context, hash []byte) (domain.Actor, domain.ManagerStatus, error) {
	var (
		a      domain.Actor
		role   string
		status string
	)
	err := c.row(ctx, `SELECT m.id, m.reseller_id, r.path, m.role, m.status
		FROM managers m JOIN resellers r ON r.id = m.reseller_id WHERE m.token_hash = $1`,
		[]any{hash}, &a.ManagerID, &a.ResellerID, &a.ResellerPath, &role, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", domain.Errorf(domain.ErrUnauthorized, domain.MsgTokenInvalid)
	}
	if err != nil {
		return a, "", fmt.Errorf("resolve token: %w", err)
	}
	a.Role = domain.Role(role)
	return a, domain.ManagerStatus(status), nil
}

// AuthEpoch returns the current auth epoch (see BumpAuthEpoch).
func (c *Conn) AuthEpoch(ctx context.Context) (int64, error) {
	var e int64
	err := c.row(ctx, `SELECT epoch FROM auth_epoch WHERE id = 1`, nil, &e)
	return e, err
}

// BumpAuthEpoch moves the auth epoch on, in the transaction that changes a token,
// a manager's status or role, so every node's token cache learns of it. It returns
// the new epoch, which the caller's own node adopts once the transaction commits.
func (c *Conn) BumpAuthEpoch(ctx context.Context) (int64, error) {
	var e int64
	err := c.row(ctx, `UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch`, nil, &e)
	if err != nil {
		return 0, fmt.Errorf("bump auth epoch: %w", err)
	}
	return e, nil
}
