package service

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
)

// subscriptionsPage is a cached page of subscriptions: the rows as read, the number
// of all matches and the next cursor, and the facts their views are computed from
// (viewFacts). Nothing changes a page once it is cached: every request builds its
// views from copies of the rows (viewsFrom), so the value is handed out as it is.
type subscriptionsPage struct {
	subs  []*domain.Subscription
	info  domain.PageInfo
	facts viewFacts
	// filter is the list's, with the subtree the page was read in; exact says the
	// page is the list's at state of the reseller's SubscriptionsScope and at
	// generation catalog of the catalogue, no newer: then a later state that only
	// added subscriptions brings it up to date (see refresh).
	filter  store.SubscriptionFilter
	exact   bool
	state   store.ScopeState
	catalog int64
	// held are the rows' accounts on credit hold, read after the generations of the
	// AccountsScope of the rows' resellers: while those stay, no account of the page
	// changed, and held is current.
	held    map[int64]bool
	heldAt  []store.Scope // the AccountsScope of each reseller of the rows
	heldGen int64         // the sum of their generations (GenerationSum)
	heldOK  bool          // each of them had a generation
	// abilities are the rows' abilities on the last day a request computed them
	// with held: the page's rows, facts and holds never change, so only the day
	// can move them. A refresh keeps the pointer with the rows.
	abilities *pageAbilities
	// refreshedAt is when a refresh last brought the page up to date (zero for a
	// page loaded since): a page refreshed within hotPage is read with its
	// scope's state (see subscriptionsPageAt).
	refreshedAt time.Time
}

// hotPage is how long after its last refresh a page's reads expect its scope to
// have moved again: they then read the scope's state with the generations they
// check, where their refresh would read it in a round trip of its own. Past it
// they check the generations alone, shared with other readers (genBatch).
const hotPage = time.Second

// pageAbilities keeps the abilities of a cached page's rows for one day, so that
// the requests of that day copy them instead of computing fifty each. The day's
// value is replaced whole, never changed, so readers need no lock.
type pageAbilities struct {
	last atomic.Pointer[dayAbilities]
}

type dayAbilities struct {
	today     domain.Date
	abilities []domain.Ability // by row, in the page's order
}

// views returns the views of p's rows on today with the credit holds held, which
// are p's own when own: then the abilities come from the day's copy, which the
// first request of the day makes.
func (p subscriptionsPage) views(today domain.Date, held map[int64]bool, own bool) []*SubscriptionView {
	if !own || p.abilities == nil {
		return viewsOn(today, p.subs, p.facts, held, true, nil)
	}
	if day := p.abilities.last.Load(); day != nil && day.today == today {
		return viewsOn(today, p.subs, p.facts, held, true, day.abilities)
	}
	views := viewsOn(today, p.subs, p.facts, held, true, nil)
	day := &dayAbilities{today: today, abilities: make([]domain.Ability, len(views))}
	for i, v := range views {
		day.abilities[i] = v.Ability
	}
	p.abilities.last.Store(day)
	return views
}

func subscriptionsPageRows(p subscriptionsPage) int { return len(p.subs) }

// subscriptionsKey names a cached page: the reseller in the path, whether the page
// is of the resellers strictly below it (child_reseller_subscriptions) or of it and
// everything below, and the list's query.
type subscriptionsKey struct {
	resellerID int64
	below      bool
	query      string
}

// cachedSubscriptionPage returns one page of the subscriptions of the reseller at
// path and everything below it (or, with below, of every reseller strictly below
// it), with their views. Pages are cached under the SubscriptionsScope of the
// reseller, which every write of a subscription or an order in its subtree moves,
// and the catalogue's scope (plans, service terms and switch targets); each
// request then computes the views from the cached rows, reading which of their
// accounts are on credit hold and taking today's date, which a cached page cannot
// know.
func (s *Service) cachedSubscriptionPage(ctx context.Context, resellerID int64, path string, below bool,
	q domain.ListQuery) ([]*SubscriptionView, domain.PageInfo, error) {
	c := s.db.Reader()
	scope := store.SubscriptionsScope(resellerID)
	load := func(ctx context.Context) (subscriptionsPage, error) {
		p := subscriptionsPage{filter: store.SubscriptionFilter{Query: q, Listed: true}, abilities: &pageAbilities{}}
		// The states first: what is read after them is at least as new.
		st, _, err := c.ScopeState(ctx, scope)
		if err != nil {
			return p, err
		}
		catalog, catalogOK, err := c.Generation(ctx, store.ScopeCatalog)
		if err != nil {
			return p, err
		}
		if below {
			p.filter.Below = path
		} else if p.filter.Within, err = c.SubtreeOf(ctx, resellerID, path); err != nil {
			return p, err
		}
		if p.subs, p.info, err = c.FindSubscriptions(ctx, p.filter); err != nil {
			return p, err
		}
		if p.facts, err = s.viewFactsOf(ctx, c, p.subs); err != nil {
			return p, err
		}
		p.heldAt = accountScopes(p.subs)
		if p.heldGen, p.heldOK, err = c.GenerationSum(ctx, p.heldAt...); err != nil {
			return p, err
		}
		if p.held, err = creditHeld(ctx, c, p.subs); err != nil {
			return p, err
		}
		p.catalog = catalog
		var stale []int64
		p.state, p.exact, err = settledState(ctx, c, scope, st, p.unmovedOrStale(&stale))
		if p.exact && err == nil {
			p, p.exact, err = s.withRowsRead(ctx, c, p, stale)
		}
		if p.exact && err == nil {
			p.exact, err = s.unmoved(ctx, c, store.ScopeCatalog, store.ScopeState{Gen: catalog})
			p.exact = p.exact && catalogOK
		}
		return p, err
	}
	// A page whose reseller's subscriptions only grew since (sales orders) keeps its
	// rows when none of the new ones falls within it, and so does a page whose filter
	// and order no change can move a row into or out of, when subscriptions changed
	// since (a row, or its order in flight): those of its own rows are read again
	// (withRowsRead). The plans are the catalogue's, which has not moved (catalog is its
	// generation read with the page's), and the credit holds are read apart (heldNow).
	refresh := func(ctx context.Context, old subscriptionsPage, catalog int64, state *store.StateRead) (
		subscriptionsPage, bool, error) {
		if !old.exact || catalog != old.catalog {
			return subscriptionsPage{}, false, nil
		}
		var read changesRead
		if state != nil {
			read = func(context.Context) (store.ScopeState, []int64, []int64, bool, error) {
				added, changed, ok := state.ChangedSince(old.state)
				return state.State, added, changed, ok, nil
			}
		}
		var stale []int64
		st, added, ok, err := s.onlyAdded(ctx, c, scope, old.state, old.unmovedOrStale(&stale), read,
			func(ids []int64) (store.AddedToPage, error) {
				return c.SubscriptionsAddedToPage(ctx, old.filter, scope, ids, old.info.Next)
			})
		if err != nil || !ok {
			return subscriptionsPage{}, false, err
		}
		p, ok, err := s.withRowsRead(ctx, c, old, stale)
		if err != nil || !ok {
			return subscriptionsPage{}, false, err
		}
		p.info.Total += added.Matching
		p.state = st
		p.refreshedAt = s.clock.Now()
		return p, true, nil
	}
	p, heldSeen, err := s.subscriptionsPageAt(ctx, c, subscriptionsKey{resellerID: resellerID, below: below,
		query: readcache.Key(q)}, load, refresh)
	if err != nil {
		return nil, p.info, err
	}
	held, own, err := s.heldNow(ctx, c, p, heldSeen)
	if err != nil {
		return nil, p.info, err
	}
	return p.views(s.today(s.clock.Now()), held, own), p.info, nil
}

// unmovedOrStale reports, of the subscriptions changed, whether they leave p where
// it is: p's filter and order read only columns no write changes, so a change
// moves no row into the page, out of it or across it, and its total stays. The
// changed rows of p itself it notes in stale (once each), to be read again
// (withRowsRead).
func (p subscriptionsPage) unmovedOrStale(stale *[]int64) func(changed []int64) bool {
	return func(changed []int64) bool {
		if !p.fixedOrder() {
			return false
		}
		for _, sub := range p.subs {
			if slices.Contains(changed, sub.ID) && !slices.Contains(*stale, sub.ID) {
				*stale = append(*stale, sub.ID)
			}
		}
		return true
	}
}

// withRowsRead returns p with its rows stale read again, which the scope's moves
// since p's state changed, with their orders in flight, and false when one of those
// rows is gone: then p must be read again. A row read now is at least as new as p's
// state, and any change of it since that state is declared by a move after it,
// which a later refresh reads again. A change of an order declares its
// subscription changed, so the other rows' orders in flight stand; p's plans are
// the catalogue's at the generation p was read with, which its callers checked
// has not moved, so they stand too, unless a row now has a plan p does not hold
// (a switch), when every fact is read afresh. The rows and facts are new values;
// p's are not changed, and its abilities start afresh.
func (s *Service) withRowsRead(ctx context.Context, c *store.Conn, p subscriptionsPage, stale []int64) (
	subscriptionsPage, bool, error) {
	if len(stale) == 0 {
		return p, true, nil
	}
	fresh, flying, err := c.FindListedRows(ctx, stale)
	if err != nil || len(fresh) != len(stale) {
		return p, false, err
	}
	subs := slices.Clone(p.subs)
	for i, sub := range subs {
		if j := slices.IndexFunc(fresh, func(f *domain.Subscription) bool { return f.ID == sub.ID }); j >= 0 {
			subs[i] = fresh[j]
		}
	}
	facts, ok := p.facts.withRows(fresh, flying)
	if !ok {
		if facts, err = s.viewFactsOf(ctx, c, subs); err != nil {
			return p, false, err
		}
	}
	p.subs, p.facts, p.abilities = subs, facts, &pageAbilities{}
	return p, true, nil
}

// fixedOrder reports whether p's filter and order read only columns no write
// changes, so that no change moves a row into p, out of it or across it.
func (p subscriptionsPage) fixedOrder() bool {
	q := p.filter.Query
	for _, c := range q.Conditions {
		if !fixedSubscriptionField[c.Field] {
			return false
		}
	}
	for _, k := range q.Sort {
		if !fixedSubscriptionField[k.Field] {
			return false
		}
	}
	return true
}

// fixedSubscriptionField names the filter and sort fields of subscriptions that
// keep their value for a subscription's life.
var fixedSubscriptionField = map[string]bool{"id": true, "reseller_id": true, "account_id": true, "created_at": true}

// accountScopes returns the AccountsScope of each reseller of subs, once each.
func accountScopes(subs []*domain.Subscription) []store.Scope {
	var out []store.Scope
	seen := map[int64]bool{}
	for _, sub := range subs {
		if !seen[sub.ResellerID] {
			seen[sub.ResellerID] = true
			out = append(out, store.AccountsScope(sub.ResellerID))
		}
	}
	return out
}

// heldNow returns which accounts of p's rows are on credit hold: p's own answer while
// the accounts of its rows' resellers stayed as they were (own), and otherwise a new
// read. seen is the sum of the generations of those accounts' scopes when the
// request read it already (heldSeen).
func (s *Service) heldNow(ctx context.Context, c *store.Conn, p subscriptionsPage, seen heldSeen) (
	held map[int64]bool, own bool, err error) {
	if !p.heldOK || len(p.heldAt) == 0 {
		held, err = creditHeld(ctx, c, p.subs)
		return held, false, err
	}
	gen, ok := seen.gen, seen.ok
	if !slices.Equal(seen.at, p.heldAt) {
		if gen, ok, err = c.GenerationSum(ctx, p.heldAt...); err != nil {
			return nil, false, err
		}
	}
	if !ok || gen != p.heldGen {
		held, err = creditHeld(ctx, c, p.subs)
		return held, false, err
	}
	return p.held, true, nil
}

// heldSeen is the sum of the generations of the scopes at (gen; ok when each had
// one), read with the page's own generations.
type heldSeen struct {
	at  []store.Scope
	gen int64
	ok  bool
}

// subscriptionsPageAt answers key from the cache while neither the reseller's
// subscriptions nor the catalogue moved since it was read, and otherwise refreshes
// or loads it (the sum of the two generations moves whenever either does; see
// store.Conn.GenerationSum). Without a generation for either scope the page is read
// every time. With them it reads the generations of the account scopes whose credit
// holds the page held last kept (heldNow), in the same query on PostgreSQL, and
// for a page refreshed within hotPage the scope's state too, which the refresh
// then uses. refresh is given the catalogue's generation read with them: both
// generations only move forward, so every caller that reads the same sum read the
// same catalogue generation too.
func (s *Service) subscriptionsPageAt(ctx context.Context, c *store.Conn, key subscriptionsKey,
	load func(context.Context) (subscriptionsPage, error),
	refresh func(ctx context.Context, old subscriptionsPage, catalog int64, state *store.StateRead) (
		subscriptionsPage, bool, error),
) (subscriptionsPage, heldSeen, error) {
	var (
		seen  heldSeen
		state *store.StateRead
		sums  []int64
		oks   []bool
		asked bool
		err   error
	)
	held, ok := s.caches.subscriptionPages.Peek(key)
	if ok && held.heldOK {
		seen.at = held.heldAt
	}
	scope := store.SubscriptionsScope(key.resellerID)
	if ok && held.exact && s.clock.Now().Sub(held.refreshedAt) < hotPage {
		var r store.StateRead
		r, sums, oks, asked, err = c.StateWithSums(ctx, scope, []store.Scope{store.ScopeCatalog}, seen.at)
		if err != nil {
			return subscriptionsPage{}, seen, err
		}
		if asked {
			state = &r
			sums = append([]int64{r.State.Gen}, sums...)
			oks = append([]bool{r.Found}, oks...)
		}
	}
	if !asked {
		sums, oks, err = c.GenerationSums(ctx, []store.Scope{scope}, []store.Scope{store.ScopeCatalog}, seen.at)
		if err != nil {
			return subscriptionsPage{}, seen, err
		}
	}
	seen.gen, seen.ok = sums[2], oks[2]
	if !oks[0] || !oks[1] {
		p, err := load(ctx)
		return p, heldSeen{}, err
	}
	catalog := sums[1]
	p, err := s.caches.subscriptionPages.GetOrRefresh(ctx, key, sums[0]+catalog, load,
		func(ctx context.Context, old subscriptionsPage) (subscriptionsPage, bool, error) {
			return refresh(ctx, old, catalog, state)
		})
	return p, seen, err
}
