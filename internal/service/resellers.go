package service

import (
	"context"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// FindResellerByID returns a reseller the actor may see: its own or one below it.
// Errors: forbidden, not_found.
func (s *Service) FindResellerByID(ctx context.Context, a domain.Actor, id int64) (*domain.Reseller, error) {
	if err := authorize(a, domain.ActionResellerRead); err != nil {
		return nil, err
	}
	r, err := s.resellerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(r.Path) {
		return nil, domain.NotFound(domain.MsgResellerNotFound)
	}
	return r, nil
}

// FindChildResellers lists every reseller below the given one, at all levels.
// Errors: forbidden, not_found.
func (s *Service) FindChildResellers(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Reseller, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionResellerRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindResellers(ctx, store.ResellerFilter{Below: path, Query: q})
}

// FindDownstreamResellers lists every reseller below the actor's own (the Customer
// Store list). Errors: forbidden.
func (s *Service) FindDownstreamResellers(ctx context.Context, a domain.Actor, q domain.ListQuery) ([]*domain.Reseller, domain.PageInfo, error) {
	return s.FindChildResellers(ctx, a, a.ResellerID, q)
}

var resellerUnique = map[string]string{"resellers_domain": "/data/attributes/general/domain"}

// CreateReseller creates a downstream reseller below parentID, with the standard
// access levels. Errors: forbidden, not_found, invalid.
func (s *Service) CreateReseller(ctx context.Context, a domain.Actor, parentID int64, c domain.ResellerChange) (*domain.Reseller, error) {
	if err := authorize(a, domain.ActionResellerCreate); err != nil {
		return nil, err
	}
	parentPath, err := s.resellerPath(ctx, a, parentID)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(true); err != nil {
		return nil, err
	}
	out, err := inTxAnswering(ctx, s, func(tx *store.Conn) (*domain.Reseller, error) {
		if err := checkUpstreamManager(ctx, tx, parentID, c.ManagerID); err != nil {
			return nil, err
		}
		now := s.clock.Now()
		r := &domain.Reseller{ParentID: parentID, Timestamps: domain.Timestamps{CreatedAt: now}}
		r.Apply(c, now)
		r.General.UpdatedAt, r.Company.UpdatedAt, r.Contacts.UpdatedAt, r.UpdatedAt = now, now, now, now
		if err := tx.CreateReseller(ctx, r, parentPath); err != nil {
			return nil, uniqueField(err, resellerUnique)
		}
		if err := createStandardRoles(ctx, tx, r.ID, now); err != nil {
			return nil, err
		}
		return tx.FindResellerByID(ctx, r.ID)
	})
	return out, wrap(err, "create reseller below %d", parentID)
}

// UpdateReseller patches a reseller the actor may see. The upstream manager can be
// attached only by the upstream reseller. Errors: forbidden, not_found, invalid.
func (s *Service) UpdateReseller(ctx context.Context, a domain.Actor, id int64, c domain.ResellerChange) (*domain.Reseller, error) {
	if err := authorize(a, domain.ActionResellerUpdate); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, id); err != nil {
		return nil, err
	}
	if err := c.Validate(false); err != nil {
		return nil, err
	}
	if c.ManagerID != nil {
		// The operator's own managers see the operator as their own reseller, so the
		// root is told apart first: it has no upstream manager to attach at all.
		switch {
		case id == domain.OperatorID:
			return nil, domain.FieldError("/data/attributes/general/manager_id", domain.MsgRootHasNoUpstream)
		case id == a.ResellerID:
			return nil, &domain.Error{Code: domain.ErrForbidden, Message: domain.MsgOwnUpstreamManager,
				Pointer: "/data/attributes/general/manager_id"}
		}
	}
	var out *domain.Reseller
	err := s.inTx(ctx, func(tx *store.Conn) error {
		r, err := tx.FindResellerForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if err := c.CheckFixed(r); err != nil {
			return err
		}
		if err := checkUpstreamManager(ctx, tx, r.ParentID, c.ManagerID); err != nil {
			return err
		}
		if !r.Apply(c, s.clock.Now()) {
			out = r
			return nil
		}
		if err := tx.UpdateReseller(ctx, r); err != nil {
			return uniqueField(err, resellerUnique)
		}
		out, err = tx.FindResellerByID(ctx, id)
		return err
	})
	return out, wrap(err, "update reseller %d", id)
}

// checkUpstreamManager accepts nil, 0 (detach) or an active manager of the upstream
// reseller parentID, whose row it share-locks so that it stays so until tx commits.
func checkUpstreamManager(ctx context.Context, tx *store.Conn, parentID int64, managerID *int64) error {
	if managerID == nil || *managerID == 0 {
		return nil
	}
	m, err := tx.FindManagerForShare(ctx, *managerID)
	if domain.CodeOf(err) == domain.ErrNotFound || (err == nil && (m.ResellerID != parentID || m.Status != domain.ManagerStatusActive)) {
		return domain.FieldError("/data/attributes/general/manager_id", domain.MsgNotUpstreamManager)
	}
	return err
}

// createStandardRoles gives a new reseller one access level per non-admin role.
func createStandardRoles(ctx context.Context, tx *store.Conn, resellerID int64, now time.Time) error {
	for _, role := range []domain.Role{domain.RoleOwner, domain.RoleSales, domain.RoleMarketing} {
		r := &domain.ManagerRole{ResellerID: resellerID, Name: role.Label(), Role: role,
			Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		if err := tx.CreateManagerRole(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
