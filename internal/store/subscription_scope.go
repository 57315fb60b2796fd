package store

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/cascade-billing/cascade/internal/domain"
)

// SubscriptionsScope covers what a page of the subscriptions of reseller id and of
// every reseller below it shows, besides the catalogue and the accounts' credit
// hold: the subscriptions of that subtree, their orders (an order in flight changes
// a subscription's ability) and which resellers the subtree holds. Every write of a
// subscription or of an order moves the scope of its reseller and of each reseller
// above it, and a new reseller moves its ancestors' (see touchSubscriptions), so a
// cached page of an upstream reseller sees a write made below it.
func SubscriptionsScope(resellerID int64) Scope {
	return Scope("subscriptions:" + strconv.FormatInt(resellerID, 10))
}

// touchSubscriptions records that the transaction changes the subscriptions (or
// orders) of reseller id: it touches the SubscriptionsScope of the reseller and of
// every reseller above it.
func (c *Conn) touchSubscriptions(ctx context.Context, resellerID int64) error {
	path, err := c.db.paths.of(ctx, c, resellerID)
	if err != nil {
		return err
	}
	touchAlong(c, path)
	return nil
}

// touchSubscriptionAdded records that the transaction creates subscription id of
// reseller resellerID: it touches the SubscriptionsScope of the reseller and of every
// reseller above it as touchAdded does, so each move declares the subscription
// added. A page of those scopes read before shows nothing of it: the subscription,
// its resources and its orders are all new.
func (c *Conn) touchSubscriptionAdded(ctx context.Context, resellerID, id int64) error {
	if c.madeSubscriptions == nil {
		c.madeSubscriptions = make(map[int64]bool, 1)
	}
	c.madeSubscriptions[id] = true
	return c.declareAlong(ctx, resellerID, id)
}

// touchSubscriptionChanged records that the transaction changes what a page shows
// of subscription subID, of reseller resellerID: the subscription's row, or its
// order in flight (which its ability shows). Each move of the scopes along the
// reseller's path declares the subscription changed, so a page that does not show
// it, and whose filter and order cannot move it (see ChangedSince), stays. The
// change of a subscription the transaction created is part of its addition; an
// order of no subscription is an unknown change.
func (c *Conn) touchSubscriptionChanged(ctx context.Context, resellerID, subID int64) error {
	switch {
	case c.madeSubscriptions[subID]:
		return c.declareAlong(ctx, resellerID, 0)
	case subID == 0:
		return c.touchSubscriptions(ctx, resellerID)
	}
	return c.declareAlong(ctx, resellerID, -subID)
}

// declareAlong touches the SubscriptionsScope of every reseller on the path of
// reseller resellerID as touchAdded does, declaring id (unless 0) in each.
func (c *Conn) declareAlong(ctx context.Context, resellerID, id int64) error {
	path, err := c.db.paths.of(ctx, c, resellerID)
	if err != nil {
		return err
	}
	for _, rid := range domain.PathIDs(path) {
		s := SubscriptionsScope(rid)
		c.touchAdded(s)
		if id == 0 {
			continue
		}
		if c.declared == nil {
			c.declared = make(map[Scope][]int64, 2)
		}
		c.declared[s] = append(c.declared[s], id)
	}
	return nil
}

// touchAlong touches the SubscriptionsScope of every reseller on path, the
// reseller's own included.
func touchAlong(c *Conn, path string) {
	for _, id := range domain.PathIDs(path) {
		c.touch(SubscriptionsScope(id))
	}
}

// maxCachedPaths bounds pathCache: about 100 bytes a reseller.
const maxCachedPaths = 50_000

// pathCache maps reseller ids to their paths. A path never changes once its reseller
// exists (resellers do not move), so an entry needs no invalidation; the zero value
// is ready to use.
type pathCache struct {
	mu    sync.Mutex
	paths *lru[int64, string]
}

// of returns the path of reseller id, read on c when it is not in memory.
func (p *pathCache) of(ctx context.Context, c *Conn, id int64) (string, error) {
	p.mu.Lock()
	if p.paths == nil {
		p.paths = newLRU[int64, string](maxCachedPaths)
	}
	path, ok := p.paths.get(id)
	p.mu.Unlock()
	if ok {
		return path, nil
	}
	if err := c.row(ctx, "SELECT path FROM resellers WHERE id = $1", []any{id}, &path); err != nil {
		return "", fmt.Errorf("path of reseller %d: %w", id, err)
	}
	if path == "" { // a reseller whose path its own transaction has yet to write
		return "", fmt.Errorf("path of reseller %d: not written yet", id)
	}
	p.mu.Lock()
	p.paths.add(id, path)
	p.mu.Unlock()
	return path, nil
}

// GenerationSum returns the sum of the generations of scopes, each given once, and
// false when one of them has none yet. Every generation only moves forward, so the
// sum moves whenever one of them does: it serves as the generation of a value read
// from all of them. On PostgreSQL it is one query, where a Generation each would be
// a round trip each, shared with the other callers of the moment (see genBatch).
func (c *Conn) GenerationSum(ctx context.Context, scopes ...Scope) (int64, bool, error) {
	if c.db.version != nil || len(c.touched) > 0 || c.tx != nil {
		var sum int64
		for _, s := range scopes {
			g, ok, err := c.Generation(ctx, s)
			if err != nil || !ok {
				return 0, false, err
			}
			sum += g
		}
		return sum, true, nil
	}
	sums, oks, err := c.GenerationSums(ctx, scopes)
	if err != nil || !oks[0] {
		return 0, false, err
	}
	return sums[0], true, nil
}

// GenerationSums is GenerationSum of each group of scopes, and whether each group's
// scopes all had a generation: on PostgreSQL one query for every group, where a
// GenerationSum each would be a round trip each (shared, see genBatch).
func (c *Conn) GenerationSums(ctx context.Context, groups ...[]Scope) ([]int64, []bool, error) {
	sums, oks := make([]int64, len(groups)), make([]bool, len(groups))
	if !c.generationsAsked() {
		for i, g := range groups {
			var err error
			if sums[i], oks[i], err = c.GenerationSum(ctx, g...); err != nil {
				return nil, nil, err
			}
		}
		return sums, oks, nil
	}
	gens, err := c.db.batch.read(c.lookupCtx(ctx), scopesOf(groups)...)
	if err != nil {
		return nil, nil, err
	}
	sumGroups(gens, groups, sums, oks)
	return sums, oks, nil
}

// generationsAsked says whether c reads generations by asking the database in one
// query (on PostgreSQL, outside a transaction, no scope moved by c), rather than
// from memory or one scope at a time (GenerationSum).
func (c *Conn) generationsAsked() bool {
	return c.db.version == nil && len(c.touched) == 0 && c.tx == nil
}

// scopesOf is every scope of groups, in their order.
func scopesOf(groups [][]Scope) []Scope {
	var all []Scope
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// sumGroups sets sums[i] to the sum of the generations in gens of groups[i]'s
// scopes, and oks[i] to whether each of them had one.
func sumGroups(gens map[Scope]int64, groups [][]Scope, sums []int64, oks []bool) {
	for i, g := range groups {
		oks[i] = true
		for _, s := range g {
			gen, ok := gens[s]
			sums[i], oks[i] = sums[i]+gen, oks[i] && ok
		}
	}
}
