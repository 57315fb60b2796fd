package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
)

// accountsPage is a cached page of one reseller's accounts with the state of the
// reseller's accounts scope it is exactly the page of, when it is known: then a
// later state that only added accounts (store.Conn.AddedSince) brings it up
// to date by asking where the added accounts fall, instead of reading it again.
type accountsPage struct {
	page[domain.Account]
	exact bool             // the page is the list's at state, no newer
	state store.ScopeState // valid when exact
}

func cloneAccountsPage(p accountsPage) accountsPage {
	p.page = clonePage((*domain.Account).CloneInto)(p.page)
	return p
}

// accountPage returns one page of the accounts a filter selects. Pages of one
// reseller's accounts are cached under that reseller's accounts scope; lists of a
// whole subtree are not (their scope would be every reseller in it).
//
// Account creates move the scope on, but mostly leave a given page as it was: a new
// account is outside a filter of past dates, or sorts after the page. So a page
// held for an older state is refreshed when the moves since only added accounts:
// one query counts how many of them the filter selects (the total grows by that)
// and how many fall within the page's rows; with none within, the rows stay.
func (s *Service) accountPage(ctx context.Context, f store.AccountFilter) ([]*domain.Account, domain.PageInfo, error) {
	c := s.db.Reader()
	if f.ResellerID == 0 || f.Below != "" {
		return c.FindAccounts(ctx, f)
	}
	scope := store.AccountsScope(f.ResellerID)
	gen, ok, err := c.Generation(ctx, scope)
	if err != nil {
		return nil, domain.PageInfo{}, err
	}
	if !ok {
		return c.FindAccounts(ctx, f)
	}
	// A load or a refresh reads the scope's state, shard by shard, again: what it
	// files is the page of that state, at least as new as gen.
	load := func(ctx context.Context) (accountsPage, error) {
		st, _, err := c.ScopeState(ctx, scope)
		if err != nil {
			return accountsPage{}, err
		}
		rows, info, err := c.FindAccounts(ctx, f)
		if err != nil {
			return accountsPage{}, err
		}
		p := accountsPage{page: page[domain.Account]{rows: rows, info: info}, state: st}
		p.exact, err = s.unmoved(ctx, c, scope, st)
		return p, err
	}
	refresh := func(ctx context.Context, old accountsPage) (accountsPage, bool, error) {
		if !old.exact {
			return accountsPage{}, false, nil
		}
		// The scope's state and where what it added falls, in one round trip where
		// the engine allows (store.Conn.AccountsStateAdded).
		var places store.AddedPlaces
		read := func(ctx context.Context) (st store.ScopeState, added, changed []int64, ok bool, err error) {
			st, added, changed, ok, places, err = c.AccountsStateAdded(ctx, f, scope, old.state, old.info.Next)
			return st, added, changed, ok, err
		}
		st, added, ok, err := s.onlyAdded(ctx, c, scope, old.state, nil, read, func(ids []int64) (store.AddedToPage, error) {
			if counted, ok := places.Count(ids); ok {
				return counted, nil
			}
			return c.AccountsAddedToPage(ctx, f, scope, ids, old.info.Next)
		})
		if err != nil || !ok {
			return accountsPage{}, false, err
		}
		p := old
		p.info.Total += added.Matching
		p.state = st
		return p, true, nil
	}
	p, err := s.caches.accountPages.GetOrRefresh(ctx, readcache.Key(f), gen, load, refresh)
	return p.rows, p.info, err
}

// onlyAdded tells how a page, exactly the list's at state old of scope, changed
// since: when the moves of scope since only added rows, and changed none but rows
// that unmovedBy (nil: none) says leave the page as it is, it returns the scope's
// state st now and what count (given the added rows' ids) says of the added rows,
// and true when none of them falls within the page, which then holds the list's
// rows at st with its total moved by added.Matching. Otherwise it returns false,
// and the page must be read again. read, unless nil, reads the state and what
// changed since old in place of store.Conn.StateChangedSince.
func (s *Service) onlyAdded(ctx context.Context, c *store.Conn, scope store.Scope, old store.ScopeState,
	unmovedBy func(changed []int64) bool, read changesRead, count func(ids []int64) (store.AddedToPage, error)) (
	store.ScopeState, store.AddedToPage, bool, error) {
	var none store.AddedToPage
	keeps := func(ids, changed []int64, ok bool, err error) ([]int64, bool, error) {
		if err != nil || !ok || len(changed) == 0 {
			return ids, ok, err
		}
		return ids, unmovedBy != nil && unmovedBy(changed), nil
	}
	// The state now and what changed since old, in one read.
	if read == nil {
		read = func(ctx context.Context) (store.ScopeState, []int64, []int64, bool, error) {
			return c.StateChangedSince(ctx, scope, old)
		}
	}
	st, ids, changed, ok, err := read(ctx)
	if ids, ok, err = keeps(ids, changed, ok, err); err != nil || !ok {
		return st, none, false, err
	}
	if len(ids) == 0 {
		// Nothing was added, and what changed leaves the page: it is the list's at
		// st as it stands, and nothing else was read that must be of st.
		return st, none, true, nil
	}
	added, err := count(ids)
	if err != nil || added.Within > 0 {
		return st, none, false, err
	}
	// The count must be of the state st exactly, as the old page was of its own: it
	// is, unless something other than more such moves (which leave the rows counted
	// as they were) moved the scope meanwhile. The count's statement may have seen
	// the scope's generation itself, or the count read nothing.
	still := added.FromIDs || added.ScopeRead && added.ScopeGen == st.Gen
	if !added.FromIDs && !added.ScopeRead {
		still, err = s.unmoved(ctx, c, scope, st)
	}
	if err != nil || !still {
		if err != nil {
			return st, none, false, err
		}
		// What moved the scope since st, in one read as above.
		_, later, laterChanged, ok, err := c.StateChangedSince(ctx, scope, st)
		if _, ok, err := keeps(later, laterChanged, ok, err); err != nil || !ok {
			return st, none, false, err
		}
	}
	return st, added, true, nil
}

// changesRead reads a scope's state now with what was added and changed since a
// state, as store.Conn.StateChangedSince does.
type changesRead func(ctx context.Context) (st store.ScopeState, added, changed []int64, ok bool, err error)

// settledState returns the state of scope that a page read since state st of it is
// exactly the list's at, and false when there is none: st when the scope has not
// moved since, and the state now when every move since changed only rows that
// unmovedBy (nil: none) says leave the page as it is, and added none. A page read
// while other rows of its scope changed (a delivery moves the scope hundreds of
// times a second) is then exact and is kept by later moves of the same kind
// (onlyAdded), instead of being read again by every request. An added row may
// have been read or not, so its move leaves no state the page is exact at.
func settledState(ctx context.Context, c *store.Conn, scope store.Scope, st store.ScopeState,
	unmovedBy func(changed []int64) bool) (store.ScopeState, bool, error) {
	now, added, changed, ok, err := c.StateChangedSince(ctx, scope, st)
	switch {
	case err != nil || !ok:
		return st, false, err
	case now.Gen == st.Gen:
		return st, true, nil
	case len(added) > 0 || len(changed) > 0 && (unmovedBy == nil || !unmovedBy(changed)):
		return st, false, nil
	}
	return now, true, nil
}

// unmoved reports whether scope is still at state st: then whatever was read since
// st was read is exactly of st.
func (s *Service) unmoved(ctx context.Context, c *store.Conn, scope store.Scope, st store.ScopeState) (bool, error) {
	now, ok, err := c.Generation(ctx, scope)
	return ok && now == st.Gen, err
}
