package service

import (
	"context"
	"sync/atomic"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
)

// The service keeps in memory the few reads that are asked for again and again
// between changes, each under the generation of the store scope it was read from
// (see store.Scope and internal/readcache): reseller by id, the accounts of one
// reseller by page, plans by id and by page, account types and classes, and the
// facts of a reseller that never change. Everything else reads the database: an
// aggregate is cached only when a benchmark shows the need.

// The bounds of the caches. A page's cost is its number of rows, so a cache of pages
// holds at most that many objects however the pages are shaped.
const (
	maxCachedResellers     = 5_000  // resellers by id, about 1.5 KB each
	maxCachedResellerFacts = 50_000 // ids, paths and currencies, about 100 bytes each
	maxCachedPages         = 1_000  // pages per cache of pages (accounts, plans)
	maxCachedAccountRows   = 20_000 // accounts over all cached pages, about 1 KB each
	maxCachedPlanRows      = 10_000 // plans over all cached pages, a few KB each
	maxCachedPlans         = 5_000  // plans by id
	// subscriptions over all cached pages, about 1 KB each with their share of the
	// page's facts
	maxCachedSubscriptionRows = 20_000
)

// caches are a Service's read caches.
type caches struct {
	resellers     *readcache.Cache[int64, *domain.Reseller]
	resellerFacts *readcache.Cache[int64, store.ResellerFacts]
	accountPages  *readcache.Cache[string, accountsPage]
	plans         *readcache.Cache[int64, *domain.Plan]
	planPages     *readcache.Cache[string, page[domain.Plan]]
	// products are products with their signing secrets (cached_products.go).
	products *readcache.Cache[int64, catalogProduct]
	// distributors are the resellers of the plans' products, by plan id
	// (cached_vendor_parties.go).
	distributors *readcache.Cache[int64, int64]
	// subscriptionPages are pages of subscriptions (cached_subscriptions.go),
	// handed out as they are: nobody changes them.
	subscriptionPages *readcache.Cache[subscriptionsKey, subscriptionsPage]
	reference         *readcache.Cache[struct{}, accountReference]
	// referenceAt is the reference data last read with its generation, which the
	// account creates rely on without reading the generation (see
	// Service.referenceInMemory).
	referenceAt atomic.Pointer[referenceAt]
}

// referenceAt is reference data and a generation of store.ScopeReference it is at
// least as new as.
type referenceAt struct {
	ref accountReference
	gen int64
}

// page is one page of a list, the number of all its matches and the next cursor.
type page[T any] struct {
	rows []*T
	info domain.PageInfo // the number of all matches and the next page's cursor
}

// accountReference is the installation's account types and classes.
type accountReference struct {
	types   []*domain.AccountType
	classes []*domain.AccountClass
}

func newCaches() *caches {
	return &caches{
		resellers: readcache.New[int64](readcache.Options[*domain.Reseller]{
			MaxEntries: maxCachedResellers, Copy: (*domain.Reseller).Clone}),
		// Facts never change, so they need no copy and no generation.
		resellerFacts: readcache.New[int64](readcache.Options[store.ResellerFacts]{MaxEntries: maxCachedResellerFacts}),
		accountPages: readcache.New[string](readcache.Options[accountsPage]{
			MaxEntries: maxCachedPages, MaxCost: maxCachedAccountRows,
			Cost: func(p accountsPage) int { return len(p.rows) }, Copy: cloneAccountsPage}),
		plans: readcache.New[int64](readcache.Options[*domain.Plan]{
			MaxEntries: maxCachedPlans, Copy: (*domain.Plan).Clone}),
		products:     newProductCache(),
		distributors: newDistributorHints(),
		planPages: readcache.New[string](readcache.Options[page[domain.Plan]]{
			MaxEntries: maxCachedPages, MaxCost: maxCachedPlanRows,
			Cost: pageRows[domain.Plan], Copy: clonePage((*domain.Plan).CloneInto)}),
		subscriptionPages: readcache.New[subscriptionsKey](readcache.Options[subscriptionsPage]{
			MaxEntries: maxCachedPages, MaxCost: maxCachedSubscriptionRows, Cost: subscriptionsPageRows}),
		reference: readcache.New[struct{}](readcache.Options[accountReference]{MaxEntries: 1, Copy: cloneReference}),
	}
}

func pageRows[T any](p page[T]) int { return len(p.rows) }

// clonePage copies a page with cloneInto, its rows in one allocation.
func clonePage[T any](cloneInto func(src, dst *T)) func(page[T]) page[T] {
	return func(p page[T]) page[T] {
		block := make([]T, len(p.rows))
		out := page[T]{rows: make([]*T, len(p.rows)), info: p.info}
		for i, r := range p.rows {
			cloneInto(r, &block[i])
			out.rows[i] = &block[i]
		}
		return out
	}
}

func cloneReference(r accountReference) accountReference {
	out := accountReference{types: make([]*domain.AccountType, len(r.types)),
		classes: make([]*domain.AccountClass, len(r.classes))}
	for i, t := range r.types {
		cp := *t
		out.types[i] = &cp
	}
	for i, cl := range r.classes {
		cp := *cl
		out.classes[i] = &cp
	}
	return out
}

// cached answers key from cache while scope's generation is the one its value was
// read at, and otherwise reads it with load on c, once for every caller asking at
// the same time. The generation is read first, so the value is at least as new. A
// scope without a generation, or one c's transaction changes, is read every time.
func cached[K comparable, V any](ctx context.Context, c *store.Conn, cache *readcache.Cache[K, V], scope store.Scope,
	key K, load func(context.Context, *store.Conn) (V, error)) (V, error) {
	gen, ok, err := c.Generation(ctx, scope)
	if err != nil {
		var zero V
		return zero, err
	}
	read := func(ctx context.Context) (V, error) { return load(ctx, c) }
	if !ok {
		return read(ctx)
	}
	return cache.Get(ctx, key, gen, read)
}

// resellerByID returns the reseller with the given id as its API object shows it.
func (s *Service) resellerByID(ctx context.Context, id int64) (*domain.Reseller, error) {
	return cached(ctx, s.db.Reader(), s.caches.resellers, store.ResellerScope(id), id,
		func(ctx context.Context, c *store.Conn) (*domain.Reseller, error) { return c.FindResellerByID(ctx, id) })
}

// resellerFacts returns the path, parent and currency of a reseller. They never
// change once the reseller exists (resellers do not move, and the currency is fixed
// at creation), so a value in memory is current by construction, inside a write
// transaction too, and needs no generation.
func (s *Service) resellerFacts(ctx context.Context, id int64) (store.ResellerFacts, error) {
	return s.caches.resellerFacts.Get(ctx, id, 0, func(ctx context.Context) (store.ResellerFacts, error) {
		return s.db.Reader().FindResellerFacts(ctx, id)
	})
}

// planByID returns a plan with its periods and resources, read on c, which may be a
// write transaction (see accountReference for why the value is then current).
func (s *Service) planByID(ctx context.Context, c *store.Conn, id int64) (*domain.Plan, error) {
	return cached(ctx, c, s.caches.plans, store.ScopeCatalog, id,
		func(ctx context.Context, c *store.Conn) (*domain.Plan, error) { return c.FindPlanByID(ctx, id) })
}

// planPage returns one page of the plans a filter selects.
func (s *Service) planPage(ctx context.Context, f store.PlanFilter) ([]*domain.Plan, domain.PageInfo, error) {
	p, err := cached(ctx, s.db.Reader(), s.caches.planPages, store.ScopeCatalog, readcache.Key(f),
		func(ctx context.Context, c *store.Conn) (page[domain.Plan], error) {
			rows, info, err := c.FindPlans(ctx, f)
			return page[domain.Plan]{rows: rows, info: info}, err
		})
	return p.rows, p.info, err
}

// accountReference returns the account types and classes. Account writes read them
// on the read pool just before their transaction, not inside it, so that on SQLite
// the check of their generation is not made while holding the one write lock.
// Cascade never writes these tables: they change only by a migration or an operator's
// SQL, which moves the reference scope, and a write that read them a moment before
// such a change is as if it had committed a moment earlier.
func (s *Service) accountReference(ctx context.Context, c *store.Conn) (accountReference, error) {
	load := func(ctx context.Context, c *store.Conn) (accountReference, error) {
		types, err := c.FindAccountTypes(ctx)
		if err != nil {
			return accountReference{}, err
		}
		classes, err := c.FindAccountClasses(ctx)
		return accountReference{types: types, classes: classes}, err
	}
	gen, ok, err := c.Generation(ctx, store.ScopeReference)
	if err != nil || !ok {
		if err != nil {
			return accountReference{}, err
		}
		return load(ctx, c)
	}
	ref, err := s.caches.reference.Get(ctx, struct{}{}, gen, func(ctx context.Context) (accountReference, error) {
		return load(ctx, c)
	})
	if err == nil {
		// The value is at least as new as gen, so a write that finds the reference
		// data still at gen knows it to be current (store.Conn.ExpectReference).
		s.caches.referenceAt.Store(&referenceAt{ref: cloneReference(ref), gen: gen})
	}
	return ref, err
}

// referenceInMemory returns the reference data last read and the generation it is
// current at, if any was read: a write that validates against it must have
// store.Conn.ExpectReference check that generation, and on
// store.ErrReferenceMoved run again with accountReference.
func (s *Service) referenceInMemory() (accountReference, int64, bool) {
	r := s.caches.referenceAt.Load()
	if r == nil {
		return accountReference{}, 0, false
	}
	return cloneReference(r.ref), r.gen, true
}
