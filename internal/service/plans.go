package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// FindPlans lists the plans of one reseller the actor may see: its own and those
// delegated to it, at its own prices. Errors: forbidden, not_found.
func (s *Service) FindPlans(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Plan, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.planPage(ctx, store.PlanFilter{ResellerID: resellerID, Query: q})
}

// FindChildResellerPlans lists the plans of every reseller strictly below the given
// one. Errors: forbidden, not_found.
func (s *Service) FindChildResellerPlans(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Plan, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.planPage(ctx, store.PlanFilter{Below: path, Query: q})
}

// FindPlanByID returns a plan of the given reseller. Errors: forbidden, not_found.
func (s *Service) FindPlanByID(ctx context.Context, a domain.Actor, resellerID, planID int64) (*domain.Plan, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, err
	}
	return s.planOf(ctx, s.db.Reader(), a, resellerID, planID)
}

// FindChildResellerPlanByID returns a plan of a reseller strictly below the given
// one. Errors: forbidden, not_found.
func (s *Service) FindChildResellerPlanByID(ctx context.Context, a domain.Actor, resellerID, planID int64) (*domain.Plan, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	p, err := s.planByID(ctx, s.db.Reader(), planID)
	if err != nil {
		return nil, err
	}
	below, err := s.ownedBelow(ctx, a, path, p.ResellerID)
	if err != nil {
		return nil, err
	}
	if !below {
		return nil, domain.NotFound(domain.MsgPlanNotFound)
	}
	return p, nil
}

// FindSwitchablePlans lists the plans a subscription on the given plan of the
// reseller may be switched to by a switch of type t. Errors: forbidden, not_found.
func (s *Service) FindSwitchablePlans(ctx context.Context, a domain.Actor, resellerID, planID int64, t domain.SwitchType, q domain.ListQuery) ([]*domain.Plan, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.planOf(ctx, s.db.Reader(), a, resellerID, planID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.planPage(ctx, store.PlanFilter{ResellerID: resellerID, SwitchFrom: planID, SwitchType: t, Query: q})
}

// planOf loads a plan that belongs to resellerID, which the actor must see; a plan
// of any other reseller is not found.
func (s *Service) planOf(ctx context.Context, c *store.Conn, a domain.Actor, resellerID, planID int64) (*domain.Plan, error) {
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	p, err := s.planByID(ctx, c, planID)
	if err != nil {
		return nil, err
	}
	if p.ResellerID != resellerID {
		return nil, domain.NotFound(domain.MsgPlanNotFound)
	}
	return p, nil
}
