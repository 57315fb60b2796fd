package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Charges: reading the account ledger's charges (docs/billing.md). Whoever may read
// payments may read charges.

// FindCharges lists the charges of a reseller and of every reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindCharges(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*domain.Charge, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionPaymentRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	t, err := s.subtree(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.db.Reader().FindCharges(ctx, store.ChargeFilter{Within: t, Query: q})
}

// FindChargeByID returns a charge of the reseller or of a reseller below it.
// Errors: forbidden, not_found.
func (s *Service) FindChargeByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*domain.Charge, error) {
	if err := authorize(a, domain.ActionPaymentRead); err != nil {
		return nil, err
	}
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, err
	}
	c, err := s.db.Reader().FindChargeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if within, err := s.ownedWithin(ctx, a, path, c.ResellerID); err != nil || !within {
		return nil, notFoundUnless(err, domain.MsgChargeNotFound)
	}
	return c, nil
}

// ChargeIncludes are the objects charges refer to, each read once per page.
type ChargeIncludes struct {
	Resellers     map[int64]*domain.Reseller
	Accounts      map[int64]*domain.Account
	Subscriptions map[int64]*SubscriptionView
	Plans         map[int64]*domain.Plan // by subscription id: a charge's plan is its subscription's
}

// IncludeForCharges reads what charges refer to, of the kinds named (reseller,
// account, subscription, plan: the plan of the charge's subscription).
func (s *Service) IncludeForCharges(ctx context.Context, a domain.Actor, charges []*domain.Charge, kinds []string) (ChargeIncludes, error) {
	var (
		out                    = ChargeIncludes{}
		c                      = s.db.Reader()
		resIDs, accIDs, subIDs []int64
		wantSubs, wantPlans    bool
	)
	for _, ch := range charges {
		resIDs, accIDs, subIDs = append(resIDs, ch.ResellerID), append(accIDs, ch.AccountID), append(subIDs, ch.SubscriptionID)
	}
	for _, k := range kinds {
		var err error
		switch k {
		case "reseller":
			var list []*domain.Reseller
			list, err = s.IncludedResellers(ctx, a, distinct(resIDs))
			out.Resellers = byID(list, func(v *domain.Reseller) int64 { return v.ID })
		case "account":
			var list []*domain.Account
			list, err = c.FindAccountsByIDs(ctx, distinct(accIDs))
			out.Accounts = byID(list, func(v *domain.Account) int64 { return v.ID })
		case "subscription":
			wantSubs = true
		case "plan":
			wantPlans = true
		}
		if err != nil {
			return out, err
		}
	}
	if !wantSubs && !wantPlans {
		return out, nil
	}
	subs, err := c.FindSubscriptionsByIDs(ctx, distinct(subIDs))
	if err != nil {
		return out, err
	}
	if wantSubs {
		views, err := s.subscriptionViews(ctx, c, subs)
		if err != nil {
			return out, err
		}
		out.Subscriptions = byID(views, func(v *SubscriptionView) int64 { return v.ID })
	}
	if wantPlans {
		out.Plans = map[int64]*domain.Plan{}
		for _, sub := range subs {
			p, err := s.planByID(ctx, c, sub.PlanID)
			if err != nil && domain.CodeOf(err) != domain.ErrNotFound {
				return out, err // planByID answers from the plan cache
			}
			if p != nil {
				out.Plans[sub.ID] = p
			}
		}
	}
	return out, nil
}

// ChargesOfOrders reads the charges of orders, by order id (include=charges).
func (s *Service) ChargesOfOrders(ctx context.Context, orders []*domain.Order) (map[int64][]*domain.Charge, error) {
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	list, err := s.db.Reader().FindChargesOfOrders(ctx, distinct(ids))
	if err != nil {
		return nil, err
	}
	out := map[int64][]*domain.Charge{}
	for _, c := range list {
		out[c.OrderID] = append(out[c.OrderID], c)
	}
	return out, nil
}
