package service

import (
	"context"

	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

var managerUnique = map[string]string{
	"managers_email":       "/data/attributes/email",
	"managers_manager_key": "/data/attributes/manager_key",
}

// FindManagers lists the managers of one reseller the actor may see.
// Errors: forbidden, not_found.
func (s *Service) FindManagers(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Manager, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionManagerRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindManagers(ctx, store.ManagerFilter{ResellerID: resellerID, Query: q})
}

// FindChildResellerManagers lists the managers of every reseller below the given one.
// Errors: forbidden, not_found.
func (s *Service) FindChildResellerManagers(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Manager, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionManagerRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindManagers(ctx, store.ManagerFilter{Below: path, Query: q})
}

// FindManagerByID returns a manager of the given reseller. Errors: forbidden, not_found.
func (s *Service) FindManagerByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Manager, error) {
	if err := authorize(a, domain.ActionManagerRead); err != nil {
		return nil, err
	}
	return s.managerOf(ctx, s.db.Reader(), a, resellerID, id)
}

// managerOf loads a manager that belongs to resellerID, which the actor must see.
func (s *Service) managerOf(ctx context.Context, c *store.Conn, a domain.Actor, resellerID, id int64) (*domain.Manager, error) {
	return s.managerBy(ctx, a, resellerID, id, c.FindManagerByID)
}

// managerForUpdate is managerOf for an update: the manager's row stays locked until tx
// ends, so the update writes back nothing another transaction changed meanwhile (a
// block above all). A manager changing itself is refused as blocked when the locked
// row says so: its token was checked before the lock, and a block committed since
// then must not let this write through after the block's answer.
func (s *Service) managerForUpdate(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID, id int64) (*domain.Manager, error) {
	m, err := s.managerBy(ctx, a, resellerID, id, tx.FindManagerForUpdate)
	if err == nil && m.ID == a.ManagerID && m.Status != domain.ManagerStatusActive {
		return nil, domain.Errorf(domain.ErrUnauthorized, domain.MsgManagerBlocked)
	}
	return m, err
}

// managerBy is managerOf with the read given.
func (s *Service) managerBy(ctx context.Context, a domain.Actor, resellerID, id int64,
	find func(context.Context, int64) (*domain.Manager, error)) (*domain.Manager, error) {
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	m, err := find(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.ResellerID != resellerID {
		return nil, domain.NotFound(domain.MsgManagerNotFound)
	}
	return m, nil
}

// NewManager is a manager just created with its API token, which only the answer to
// its creation shows.
type NewManager struct {
	Manager *domain.Manager
	Token   string
}

// CreateManager adds a manager to a reseller the actor may see and returns it with
// its API token, which is never shown again. Errors: forbidden, not_found, invalid.
func (s *Service) CreateManager(ctx context.Context, a domain.Actor, resellerID int64, c domain.ManagerChange) (*domain.Manager, string, error) {
	if err := authorize(a, domain.ActionManagerCreate); err != nil {
		return nil, "", err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, "", err
	}
	if err := c.Validate(true); err != nil {
		return nil, "", err
	}
	hash, err := s.hashPassword(*c.Password)
	if err != nil {
		return nil, "", err
	}
	token := NewToken()
	tokenHash := HashToken(token)
	out, err := inTxAnswering(ctx, s, func(tx *store.Conn) (NewManager, error) {
		now := s.clock.Now()
		m := &domain.Manager{ResellerID: resellerID, Email: *c.Email, Status: domain.ManagerStatusActive,
			PasswordHash: hash, TokenHash: tokenHash[:], Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		m.Apply(c)
		if err := resolveRole(ctx, tx, m, &c); err != nil {
			return NewManager{}, err
		}
		if err := tx.CreateManager(ctx, m); err != nil {
			return NewManager{}, uniqueField(err, managerUnique)
		}
		created, err := tx.FindManagerByID(ctx, m.ID)
		return NewManager{Manager: created, Token: token}, err
	})
	if err != nil {
		return nil, "", wrap(err, "create manager of reseller %d", resellerID)
	}
	return out.Manager, token, nil
}

// UpdateManager patches a manager. Managers who may administer others can change any
// manager they see; everyone may change their own name, phone, key, password and
// attributes, but nobody their own status or role. Errors: forbidden, not_found,
// invalid.
func (s *Service) UpdateManager(ctx context.Context, a domain.Actor, resellerID, id int64, c domain.ManagerChange) (*domain.Manager, error) {
	if err := authorizeManagerChange(a, resellerID, id, &c); err != nil {
		return nil, err
	}
	if err := c.Validate(false); err != nil {
		return nil, err
	}
	var hash string
	if c.Password != nil {
		var err error
		if hash, err = s.hashPassword(*c.Password); err != nil {
			return nil, err
		}
	}
	var (
		out   *domain.Manager
		epoch int64 // the auth epoch this change moved to; 0 when it moved none
	)
	err := s.inTx(ctx, func(tx *store.Conn) (err error) {
		out, epoch, err = s.updateManager(ctx, tx, a, resellerID, id, &c, hash)
		return err
	})
	if err != nil {
		return nil, wrap(err, "update manager %d", id)
	}
	// The change is committed: from the next request on, this node's cache must not
	// serve what it revoked. Adopting the epoch the transaction wrote needs no query,
	// so nothing (a failing read, a client gone) can leave the cache behind.
	s.tokens.moveTo(epoch)
	return out, nil
}

// authorizeManagerChange lets a manager change itself, but not its own status or
// role, and anyone else only with the right to administer managers.
func authorizeManagerChange(a domain.Actor, resellerID, id int64, c *domain.ManagerChange) error {
	self := id == a.ManagerID && resellerID == a.ResellerID
	switch {
	case self && c.ChangesAccess():
		return domain.Errorf(domain.ErrForbidden, domain.MsgSelfStatusOrRole)
	case self && a.Can(domain.ActionManagerSelf):
		return nil
	}
	return authorize(a, domain.ActionManagerUpdate)
}

// updateManager is UpdateManager inside its transaction, hash the new password's or
// empty. It returns the manager as written and the auth epoch the change moved to,
// 0 when it changed nobody's access.
func (s *Service) updateManager(ctx context.Context, tx *store.Conn, a domain.Actor, resellerID, id int64,
	c *domain.ManagerChange, hash string) (*domain.Manager, int64, error) {
	m, err := s.managerForUpdate(ctx, tx, a, resellerID, id)
	if err != nil {
		return nil, 0, err
	}
	if err := c.CheckFixed(m); err != nil {
		return nil, 0, err
	}
	before := *m
	changed := m.Apply(*c)
	if c.ChangesRole() {
		if err := resolveRole(ctx, tx, m, c); err != nil {
			return nil, 0, err
		}
	}
	m.PasswordHash = hash
	accessChanged := m.Status != before.Status || m.Role != before.Role
	if !changed && !accessChanged && hash == "" && accessLevelOf(m) == accessLevelOf(&before) {
		return m, 0, nil
	}
	m.UpdatedAt = s.clock.Now()
	if err := tx.UpdateManager(ctx, m); err != nil {
		return nil, 0, uniqueField(err, managerUnique)
	}
	var epoch int64
	if accessChanged {
		if epoch, err = tx.BumpAuthEpoch(ctx); err != nil {
			return nil, 0, err
		}
	}
	out, err := tx.FindManagerByID(ctx, id)
	return out, epoch, err
}

// RotateManagerToken gives a manager a new API token; the old one stops working at
// once on this node and within one poll interval on others. A manager may rotate its
// own token. Errors: forbidden, not_found.
func (s *Service) RotateManagerToken(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Manager, string, error) {
	if id != a.ManagerID || resellerID != a.ResellerID {
		if err := authorize(a, domain.ActionManagerUpdate); err != nil {
			return nil, "", err
		}
	}
	token := NewToken()
	h := HashToken(token)
	var (
		out   *domain.Manager
		epoch int64
	)
	err := s.inTx(ctx, func(tx *store.Conn) error {
		m, err := s.managerForUpdate(ctx, tx, a, resellerID, id)
		if err != nil {
			return err
		}
		m.TokenHash, m.UpdatedAt = h[:], s.clock.Now()
		if err := tx.UpdateManager(ctx, m); err != nil {
			return err
		}
		out = m
		epoch, err = tx.BumpAuthEpoch(ctx)
		return err
	})
	if err != nil {
		return nil, "", wrap(err, "rotate token of manager %d", id)
	}
	s.tokens.moveTo(epoch)
	return out, token, nil
}

func accessLevelOf(m *domain.Manager) int64 {
	if m.AccessLevel == nil {
		return 0
	}
	return m.AccessLevel.ID
}

// resolveRole sets m's role and access level from c (see ManagerChange.ApplyRole),
// loading the access level c names.
func resolveRole(ctx context.Context, tx *store.Conn, m *domain.Manager, c *domain.ManagerChange) error {
	var (
		level *domain.ManagerRole
		err   error
	)
	switch {
	case c.GrantsAdmin():
	case c.ManagerRoleID != nil:
		level, err = orMissing(tx.FindManagerRoleByID(ctx, *c.ManagerRoleID))
	case c.Role != nil:
		level, err = orMissing(tx.FindManagerRoleByRole(ctx, m.ResellerID, domain.Role(*c.Role)))
	}
	if err != nil {
		return err
	}
	return c.ApplyRole(m, level)
}

func (s *Service) hashPassword(p string) (string, error) {
	cost := s.opts.PasswordCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(p), cost)
	return string(h), err
}

// FindManagerRoles lists the access levels of the actor's own reseller; the
// documented method serves the current reseller only. Errors: forbidden, not_found.
func (s *Service) FindManagerRoles(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.ManagerRole, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionManagerRoleRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if resellerID != a.ResellerID {
		return nil, domain.PageInfo{}, domain.Errorf(domain.ErrForbidden, domain.MsgCurrentResellerOnly)
	}
	return s.db.Reader().FindManagerRoles(ctx, resellerID, q)
}

// FindManagerByIDAnywhere returns a manager of any reseller the actor may see.
// Errors: forbidden, not_found.
func (s *Service) FindManagerByIDAnywhere(ctx context.Context, a domain.Actor, id int64) (*domain.Manager, error) {
	if err := authorize(a, domain.ActionManagerRead); err != nil {
		return nil, err
	}
	m, err := s.db.Reader().FindManagerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, m.ResellerID); err != nil {
		return nil, domain.NotFound(domain.MsgManagerNotFound)
	}
	return m, nil
}
