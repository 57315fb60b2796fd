package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
)

// The subscriptions of the resellers below one (child_reseller_subscriptions), and
// the subscriptions of accounts for include=subscriptions.

// FindChildResellerSubscriptions lists the subscriptions of every reseller strictly
// below the given one, with their abilities now and without their resources (as
// FindSubscriptions). Errors: forbidden, not_found.
func (s *Service) FindChildResellerSubscriptions(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*SubscriptionView, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionSubscriptionRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.cachedSubscriptionPage(ctx, resellerID, path, true, q)
}

// FindChildResellerSubscriptionByID returns a subscription of a reseller strictly
// below the given one; the reseller's own, and any other, are not found.
// Errors: forbidden, not_found.
func (s *Service) FindChildResellerSubscriptionByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*SubscriptionView, error) {
	if err := authorize(a, domain.ActionSubscriptionRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	c := s.db.Reader()
	sub, err := c.FindSubscriptionByID(ctx, 0, id)
	if err != nil {
		return nil, err
	}
	below, err := s.ownedBelow(ctx, a, path, sub.ResellerID)
	if err != nil {
		return nil, err
	}
	if !below {
		return nil, domain.NotFound(domain.MsgSubscriptionNotFound)
	}
	views, err := s.subscriptionViews(ctx, c, []*domain.Subscription{sub})
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// SubscriptionsOfAccounts returns the subscriptions of the given accounts, which the
// actor read already, by account id, each with its ability now: one query for all of
// them (include=subscriptions). Errors: forbidden.
func (s *Service) SubscriptionsOfAccounts(ctx context.Context, a domain.Actor, accounts []*domain.Account) (map[int64][]*SubscriptionView, error) {
	if err := authorize(a, domain.ActionSubscriptionRead); err != nil {
		return nil, err
	}
	ids := make([]int64, len(accounts))
	for i, acc := range accounts {
		ids[i] = acc.ID
	}
	c := s.db.Reader()
	subs, err := c.FindSubscriptionsOfAccounts(ctx, distinct(ids))
	if err != nil {
		return nil, err
	}
	views, err := s.subscriptionViews(ctx, c, subs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]*SubscriptionView, len(accounts))
	for _, v := range views {
		out[v.AccountID] = append(out[v.AccountID], v)
	}
	return out, nil
}
