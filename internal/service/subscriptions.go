package service

import (
	"context"
	"maps"

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
	// source is the row of a cached page the view was computed from (see Source).
	source *domain.Subscription
}

// Source returns the row of a cached page the view was computed from, or nil. Such a
// row never changes, and a new read of the page gives new rows, so a renderer may
// keep what it made of a view by its source, ability and terms.
func (v *SubscriptionView) Source() *domain.Subscription { return v.source }

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
	path, err := s.resellerPath(ctx, a, resellerID)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	return s.cachedSubscriptionPage(ctx, resellerID, path, false, q)
}

// subscriptionViews computes the view of each subscription: which accounts are on
// credit hold, the orders in flight and the switch targets are read once per page,
// each plan once from the plan cache, and each service term once.
func (s *Service) subscriptionViews(ctx context.Context, c *store.Conn, subs []*domain.Subscription) ([]*SubscriptionView, error) {
	facts, err := s.viewFactsOf(ctx, c, subs)
	if err != nil {
		return nil, err
	}
	held, err := creditHeld(ctx, c, subs)
	if err != nil {
		return nil, err
	}
	return s.viewsFrom(subs, facts, held, false), nil
}

// creditHeld reads which accounts of subs are on credit hold, one query for all.
func creditHeld(ctx context.Context, c *store.Conn, subs []*domain.Subscription) (map[int64]bool, error) {
	accountIDs := make([]int64, len(subs))
	for i, sub := range subs {
		accountIDs[i] = sub.AccountID
	}
	return c.FindCreditHeldAccounts(ctx, distinct(accountIDs))
}

// viewFacts is what the views of a page of subscriptions are computed from, besides
// the accounts' credit hold and today: read once per page, and kept with a cached
// page (see cached_subscriptions.go), which nobody changes.
type viewFacts struct {
	plans   map[int64]*domain.Plan        // by id
	terms   map[int64]domain.TermSettings // by plan id
	targets map[int64]bool                // plans with active plans to switch to
	pending map[int64]domain.PendingOrder // the orders in flight, by subscription id
}

// viewFactsOf reads the facts of subs: each plan once from the plan cache, each
// service term once, the switch targets and the orders in flight in one query each.
func (s *Service) viewFactsOf(ctx context.Context, c *store.Conn, subs []*domain.Subscription) (viewFacts, error) {
	f := viewFacts{plans: map[int64]*domain.Plan{}, terms: map[int64]domain.TermSettings{},
		targets: map[int64]bool{}, pending: map[int64]domain.PendingOrder{}}
	byTerm := map[int64]domain.TermSettings{}
	var planIDs []int64
	subIDs := make([]int64, len(subs))
	for i, sub := range subs {
		subIDs[i] = sub.ID
		if _, ok := f.plans[sub.PlanID]; ok {
			continue
		}
		plan, err := s.planByID(ctx, c, sub.PlanID)
		if err != nil {
			return f, err
		}
		f.plans[plan.ID], planIDs = plan, append(planIDs, plan.ID)
		t, ok := byTerm[plan.ServiceTermID]
		if !ok {
			if t, err = c.PlanTermSettings(ctx, plan); err != nil {
				return f, err
			}
			byTerm[plan.ServiceTermID] = t
		}
		f.terms[plan.ID] = t
	}
	targets, err := c.FindSwitchTargetsOf(ctx, planIDs)
	if err != nil {
		return f, err
	}
	for id, list := range targets {
		f.targets[id] = len(list) > 0
	}
	flying, err := c.FindInFlightOrders(ctx, subIDs)
	if err != nil {
		return f, err
	}
	for id, o := range flying {
		f.pending[id] = domain.PendingOrder{Kind: o.Kind, Status: o.Status}
	}
	return f, nil
}

// withRows returns f with the orders in flight of the rows fresh read again
// (flying, by subscription id) in place of those f held for them, and false when a
// row's plan is not among f's: then f's facts are no longer those of the rows. f's
// maps are not changed; the plans, terms and switch targets are shared.
func (f viewFacts) withRows(fresh []*domain.Subscription, flying map[int64]*domain.Order) (viewFacts, bool) {
	pending := maps.Clone(f.pending)
	if pending == nil {
		pending = make(map[int64]domain.PendingOrder, len(flying))
	}
	for _, sub := range fresh {
		if _, ok := f.plans[sub.PlanID]; !ok {
			return f, false
		}
		delete(pending, sub.ID)
		if o, ok := flying[sub.ID]; ok {
			pending[sub.ID] = domain.PendingOrder{Kind: o.Kind, Status: o.Status}
		}
	}
	f.pending = pending
	return f, true
}

// viewsFrom computes the views of subs from their facts, which of their accounts are
// on credit hold (held) and today's date from the clock. With shared the rows
// belong to a cached page: the views point at them, never change them
// (readResources copies a row before it adds resources), and name them as their
// Source.
func (s *Service) viewsFrom(subs []*domain.Subscription, f viewFacts, held map[int64]bool,
	shared bool) []*SubscriptionView {
	return viewsOn(s.today(s.clock.Now()), subs, f, held, shared, nil)
}

// viewsOn is viewsFrom on the day today. known, when not nil, holds the ability of
// each of subs on that day with those facts and holds, computed before (see
// pageAbilities); otherwise each is computed.
func viewsOn(today domain.Date, subs []*domain.Subscription, f viewFacts, held map[int64]bool,
	shared bool, known []domain.Ability) []*SubscriptionView {
	out := make([]*SubscriptionView, len(subs))
	views := make([]SubscriptionView, len(subs))
	for i, sub := range subs {
		plan := f.plans[sub.PlanID]
		var ability domain.Ability
		if known != nil {
			ability = known[i]
		} else {
			ability = domain.SubscriptionAbility(abilityInput(sub, plan, f.terms[plan.ID], held[sub.AccountID],
				f.pending[sub.ID], f.targets[plan.ID], today))
		}
		views[i] = SubscriptionView{Subscription: sub, Ability: ability, Terms: f.terms[plan.ID],
			plan: plan, resourcesUnread: shared}
		if shared {
			views[i].source = sub
		}
		out[i] = &views[i]
	}
	return out
}

// abilityInput is what the ability of sub on plan (with its service term's settings
// terms) depends on today: creditHold whether its account is on credit hold, pending
// its order in flight, targets whether the plan has active plans to switch to.
func abilityInput(sub *domain.Subscription, plan *domain.Plan, terms domain.TermSettings, creditHold bool,
	pending domain.PendingOrder, targets bool, today domain.Date) domain.AbilityInput {
	return domain.AbilityInput{Status: sub.Status, Rules: plan.BillingType.Rules(), PaymentModel: sub.PaymentModel,
		Trial: sub.Trial, Endless: sub.ExpirationDate.IsZero(), Terms: terms, Today: today,
		StartDate: sub.StartDate, ExpirationDate: sub.ExpirationDate, PaidTo: sub.PaidTo,
		PaidMonthStart: sub.PaidMonthStart(),
		CreditHold:     creditHold, Pending: pending,
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
	// Usage is the units of each resource in use as the vendor last answered, by
	// subscription id and plan resource id (subscription_resources only).
	Usage map[int64]map[int64]int64
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
			usage, err := s.resourceUsage(ctx, c, subs)
			if err != nil {
				return out, err
			}
			out.Usage = usage
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
			// A copy: the row may be a cached page's, which nobody changes.
			row := *v.Subscription
			v.Subscription, v.source = &row, nil
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
