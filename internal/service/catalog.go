package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The Customer Store's catalogue: what a reseller offers. Products and categories stay
// owned by the reseller that made them; a reseller sees its own, plus those of the
// plans it owns, which include every plan delegated to it from upstream.

// FindProductCategories lists the categories the reseller sees. Errors: forbidden,
// not_found.
func (s *Service) FindProductCategories(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.ProductCategory, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindVisibleCategories(ctx, resellerID, q)
}

// FindProducts lists the products the reseller sees, with their categories. Errors:
// forbidden, not_found.
func (s *Service) FindProducts(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Product, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindVisibleProducts(ctx, resellerID, q)
}

// FindProductByID returns a product the reseller sees, with its category; any other
// is not found. Errors: forbidden, not_found.
func (s *Service) FindProductByID(ctx context.Context, a domain.Actor, resellerID, productID int64) (*domain.Product, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, err
	}
	c := s.db.Reader()
	p, err := c.FindProductByID(ctx, productID)
	if err != nil {
		return nil, err
	}
	if p.ResellerID == resellerID {
		return p, nil
	}
	visible, err := c.ProductVisibleTo(ctx, productID, resellerID)
	if err != nil {
		return nil, err
	}
	if !visible {
		return nil, domain.NotFound(domain.MsgProductNotFound)
	}
	return p, nil
}

// FindPaymentMethods lists the payment methods of a reseller, which its catalogue
// file declares. Errors: forbidden, not_found.
func (s *Service) FindPaymentMethods(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.PaymentMethod, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionCatalogRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	if _, err := s.resellerPath(ctx, a, resellerID); err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindPaymentMethods(ctx, resellerID, q)
}

// PlanCategories returns the category of each plan's product, by product id, for
// plans the actor has already been allowed to read.
func (s *Service) PlanCategories(ctx context.Context, plans []*domain.Plan) (map[int64]*domain.ProductCategory, error) {
	ids := make([]int64, 0, len(plans))
	seen := make(map[int64]bool, len(plans))
	for _, p := range plans {
		if !seen[p.ProductID] {
			seen[p.ProductID] = true
			ids = append(ids, p.ProductID)
		}
	}
	return s.db.Reader().FindCategoriesOfProducts(ctx, ids)
}
