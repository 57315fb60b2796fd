package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// Subscriptions as the API shows them: the stored state with what is computed from
// it now (ability) and from its plan (renewal settings).

// SubscriptionView is a subscription with what the API computes for it.
type SubscriptionView struct {
	*domain.Subscription
	Ability domain.Ability
	// Terms are the plan's service-term settings, which renewal_settings shows.
	Terms domain.TermSettings
	// plan is the subscription's plan as the view was computed from it (nil when the
	// view holds the subscription only), which include=plan renders again.
	plan *domain.Plan
	// resourcesUnread tells that a list read the subscription without its resources,
	// which IncludeForSubscriptions reads when they are asked for.
	resourcesUnread bool
}

// FindSubscriptionByID returns a subscription of the reseller or of a reseller below
// it, with its ability now. Errors: forbidden, not_found.
func (s *Service) FindSubscriptionByID(ctx context.Context, a domain.Actor, resellerID, id int64) (*SubscriptionView, error) {
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
	if within, err := s.ownedWithin(ctx, a, path, sub.ResellerID); err != nil || !within {
		return nil, notFoundUnless(err, domain.MsgSubscriptionNotFound)
	}
	views, err := s.subscriptionViews(ctx, c, []*domain.Subscription{sub})
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// FindSubscriptions lists the subscriptions of a reseller and of every reseller
// below it with their abilities now,
// without their resources (IncludeForSubscriptions reads them for
// subscription_resources). Errors: forbidden, not_found.
func (s *Service) FindSubscriptions(ctx context.Context, a domain.Actor, resellerID int64, q domain.ListQuery) ([]*SubscriptionView, domain.PageInfo, error) {
	if err := authorize(a, domain.ActionSubscriptionRead); err != nil {
		return nil, domain.PageInfo{}, err
	}
	t, err := s.subtree(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.subscriptionPage(ctx, s.db.Reader(), store.SubscriptionFilter{Within: t, Query: q})
}

// subscriptionPage reads the page of subscriptions f selects and their views. It
// reads them without their resources, which only include=subscription_resources
// shows (IncludeForSubscriptions reads them then).
func (s *Service) subscriptionPage(ctx context.Context, c *store.Conn, f store.SubscriptionFilter) ([]*SubscriptionView, domain.PageInfo, error) {
	f.WithoutResources = true
	subs, info, err := c.FindSubscriptions(ctx, f)
	if err != nil {
		return nil, info, err
	}
	views, err := s.subscriptionViews(ctx, c, subs)
	for _, v := range views {
		v.resourcesUnread = true
	}
	return views, info, err
}

// subscriptionViews computes the view of each subscription: which accounts are on
// credit hold, the orders in flight and the switch targets are read once per page,
// each plan once from the plan cache, and each service term once.
func (s *Service) subscriptionViews(ctx context.Context, c *store.Conn, subs []*domain.Subscription) ([]*SubscriptionView, error) {
	today := s.today(s.clock.Now())
	plans := map[int64]*domain.Plan{}
	terms := map[int64]domain.TermSettings{}
	byTerm := map[int64]domain.TermSettings{}
	var planIDs []int64
	accountIDs := make([]int64, 0, len(subs))
	subIDs := make([]int64, len(subs))
	for i, sub := range subs {
		subIDs[i], accountIDs = sub.ID, append(accountIDs, sub.AccountID)
		if _, ok := plans[sub.PlanID]; ok {
			continue
		}
		plan, err := s.planByID(ctx, c, sub.PlanID)
		if err != nil {
			return nil, err
		}
		plans[plan.ID], planIDs = plan, append(planIDs, plan.ID)
		t, ok := byTerm[plan.ServiceTermID]
		if !ok {
			if t, err = c.PlanTermSettings(ctx, plan); err != nil {
				return nil, err
			}
			byTerm[plan.ServiceTermID] = t
		}
		terms[plan.ID] = t
	}
	targets, err := c.FindSwitchTargetsOf(ctx, planIDs)
	if err != nil {
		return nil, err
	}
	held, err := c.FindCreditHeldAccounts(ctx, distinct(accountIDs))
	if err != nil {
		return nil, err
	}
	flying, err := c.FindInFlightOrders(ctx, subIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*SubscriptionView, len(subs))
	for i, sub := range subs {
		plan := plans[sub.PlanID]
		var pending domain.PendingOrder
		if o := flying[sub.ID]; o != nil {
			pending = domain.PendingOrder{Kind: o.Kind, Status: o.Status}
		}
		in := abilityInput(sub, plan, terms[plan.ID], held[sub.AccountID], pending, len(targets[plan.ID]) > 0, today)
		out[i] = &SubscriptionView{Subscription: sub, Ability: domain.SubscriptionAbility(in), Terms: terms[plan.ID],
			plan: plan}
	}
	return out, nil
}

// abilityInput is what the ability of sub on plan (with its service term's settings
// terms) depends on today: creditHold whether its account is on credit hold, pending
// its order in flight, targets whether the plan has active plans to switch to.
func abilityInput(sub *domain.Subscription, plan *domain.Plan, terms domain.TermSettings, creditHold bool,
	pending domain.PendingOrder, targets bool, today domain.Date) domain.AbilityInput {
	return domain.AbilityInput{Status: sub.Status, Rules: plan.BillingType.Rules(), PaymentModel: sub.PaymentModel,
		Trial: sub.Trial, Endless: sub.ExpirationDate.IsZero(), Terms: terms, Today: today,
		StartDate: sub.StartDate, ExpirationDate: sub.ExpirationDate, PaidTo: sub.PaidTo,
		CreditHold: creditHold, Pending: pending,
		Autorenew: sub.Autorenew, DisableAutorenew: sub.DisableAutorenew,
		PlanActive: plan.Status == domain.PlanActive, SwitchTargets: targets}
}

// OrderIncludes are the objects orders refer to, each read once per page.
type OrderIncludes struct {
	Accounts      map[int64]*domain.Account
	Payments      map[int64]*domain.Payment
	Subscriptions map[int64]*SubscriptionView
}

// IncludeForOrders reads what the orders refer to, of the kinds named (account,
// payment, subscription): one query per kind for all of them.
func (s *Service) IncludeForOrders(ctx context.Context, orders []*domain.Order, kinds []string) (OrderIncludes, error) {
	var (
		out                    = OrderIncludes{}
		c                      = s.db.Reader()
		accIDs, payIDs, subIDs []int64
	)
	for _, o := range orders {
		accIDs = append(accIDs, o.AccountID)
		subIDs = append(subIDs, o.SubscriptionID)
		if o.PaymentID != 0 {
			payIDs = append(payIDs, o.PaymentID)
		}
	}
	for _, k := range kinds {
		switch k {
		case "account":
			accs, err := c.FindAccountsByIDs(ctx, distinct(accIDs))
			if err != nil {
				return out, err
			}
			out.Accounts = byID(accs, func(a *domain.Account) int64 { return a.ID })
		case "payment":
			pays, err := c.FindPaymentsByIDs(ctx, distinct(payIDs))
			if err != nil {
				return out, err
			}
			out.Payments = byID(pays, func(p *domain.Payment) int64 { return p.ID })
		case "subscription":
			subs, err := c.FindSubscriptionsByIDs(ctx, distinct(subIDs))
			if err != nil {
				return out, err
			}
			views, err := s.subscriptionViews(ctx, c, subs)
			if err != nil {
				return out, err
			}
			out.Subscriptions = byID(views, func(v *SubscriptionView) int64 { return v.ID })
		}
	}
	return out, nil
}

// SubscriptionIncludes are the objects subscriptions refer to, each read once per page.
type SubscriptionIncludes struct {
	Accounts map[int64]*domain.Account
	Plans    map[int64]*domain.Plan
}

// IncludeForSubscriptions reads the accounts and plans subscriptions refer to, of
// the kinds named (account, plan; subscription_period and subscription_resources
// come from the plans): one query per kind for all of them.
func (s *Service) IncludeForSubscriptions(ctx context.Context, subs []*SubscriptionView, kinds []string) (SubscriptionIncludes, error) {
	var (
		out       SubscriptionIncludes
		c         = s.db.Reader()
		accIDs    []int64
		needPlans bool
	)
	for _, v := range subs {
		accIDs = append(accIDs, v.AccountID)
	}
	for _, k := range kinds {
		switch k {
		case "account":
			accs, err := c.FindAccountsByIDs(ctx, distinct(accIDs))
			if err != nil {
				return out, err
			}
			out.Accounts = byID(accs, func(a *domain.Account) int64 { return a.ID })
		case "subscription_resources":
			if err := s.readResources(ctx, c, subs); err != nil {
				return out, err
			}
			needPlans = true
		case "plan", "subscription_period":
			needPlans = true
		}
	}
	if needPlans {
		// The views carry the plans they were computed from; a view without one reads
		// it from the plan cache.
		out.Plans = map[int64]*domain.Plan{}
		for _, v := range subs {
			if out.Plans[v.PlanID] != nil {
				continue
			}
			plan := v.plan
			if plan == nil {
				p, err := s.planByID(ctx, c, v.PlanID)
				if err != nil && domain.CodeOf(err) != domain.ErrNotFound {
					return out, err
				}
				plan = p
			}
			if plan != nil {
				out.Plans[plan.ID] = plan
			}
		}
	}
	return out, nil
}

// readResources reads the resources of the views a list read without them, one query
// for all.
func (s *Service) readResources(ctx context.Context, c *store.Conn, views []*SubscriptionView) error {
	var unread []*domain.Subscription
	for _, v := range views {
		if v.resourcesUnread {
			unread = append(unread, v.Subscription)
		}
	}
	if len(unread) == 0 {
		return nil
	}
	if err := c.LoadSubscriptionResources(ctx, unread); err != nil {
		return err
	}
	for _, v := range views {
		v.resourcesUnread = false
	}
	return nil
}
