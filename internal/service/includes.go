package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// IncludedResellers returns the resellers with the given ids that the actor may see,
// in the order of ids, for a page's included objects: one query for the page, however
// many ids it names. Ids of resellers above the actor's own, linked from what it
// sees, are left out like missing ones. Errors: forbidden.
func (s *Service) IncludedResellers(ctx context.Context, a domain.Actor, ids []int64) ([]*domain.Reseller, error) {
	if err := authorize(a, domain.ActionResellerRead); err != nil {
		return nil, err
	}
	found, err := s.db.Reader().FindResellersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*domain.Reseller, len(found))
	for _, r := range found {
		if a.Covers(r.Path) {
			byID[r.ID] = r
		}
	}
	out := make([]*domain.Reseller, 0, len(byID))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
			delete(byID, id) // each once
		}
	}
	return out, nil
}
