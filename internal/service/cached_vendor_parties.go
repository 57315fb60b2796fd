package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
)

// Every vendor call names the reseller that sold the subscription and the
// product's reseller as the distributor. Both are kept in memory with the other
// resellers by id (Service.resellerByID), each under its reseller's scope, whose
// generations a delivering worker reads in the one round trip that reads the
// catalogue's: the plan, the product, its secret and both parties then come from
// memory.

// vendorParties are the seller and the distributor of a vendor call.
type vendorParties struct {
	seller, distributor *domain.Reseller
}

// newDistributorHints keeps, by plan id, the reseller of the plan's product: which
// reseller's generation to read with the catalogue's before the plan is known.
// A hint is only a hint (a wrong one costs a read of the right generation
// afterwards); it is filed under the catalogue's generation it was learnt at, so
// the first read after the catalogue moves puts it right.
func newDistributorHints() *readcache.Cache[int64, int64] {
	return readcache.New[int64](readcache.Options[int64]{MaxEntries: maxCachedPlans})
}

// deliveryCatalog returns plan planID, its product with its secret, and the
// seller sellerID and the product's reseller as the distributor, read on c; from
// memory while the catalogue's and the two resellers' generations stay, which are
// read together in one statement (on PostgreSQL, one round trip shared with the
// other callers of the moment; see store.Conn.GenerationSums), unless the run read
// the catalogue's and the seller's with its subscription (read, when not nil).
func (s *Service) deliveryCatalog(ctx context.Context, c *store.Conn, planID, sellerID int64,
	read *sellerGens) (*domain.Plan, catalogProduct, vendorParties, error) {
	var (
		parties  vendorParties
		gens     []int64
		oks      []bool
		err      error
		hint     int64
		hinted   bool
		readWith = read != nil && read.seller == sellerID
	)
	if readWith {
		gens, oks = read.gens, read.oks
	} else {
		groups := sellerGroups(sellerID)
		if hint, hinted = s.caches.distributors.Peek(planID); hinted && hint != sellerID {
			groups = append(groups, []store.Scope{store.ResellerScope(hint)})
		}
		if gens, oks, err = c.GenerationSums(ctx, groups...); err != nil {
			return nil, catalogProduct{}, parties, err
		}
	}
	plan, product, err := s.planProductAt(ctx, c, planID, gens[0], oks[0])
	if err != nil {
		return nil, catalogProduct{}, parties, err
	}
	distributorID := product.product.ResellerID
	if (!hinted || hint != distributorID) && oks[0] {
		_, _ = s.caches.distributors.Get(ctx, planID, gens[0], func(context.Context) (int64, error) {
			return distributorID, nil
		})
	}
	if parties.seller, err = s.resellerAt(ctx, c, sellerID, gens[1], oks[1]); err != nil {
		return nil, catalogProduct{}, parties, err
	}
	switch {
	case distributorID == sellerID:
		parties.distributor = parties.seller
	case hinted && hint == distributorID:
		parties.distributor, err = s.resellerAt(ctx, c, distributorID, gens[2], oks[2])
	default: // the hint was missing or wrong: read the distributor's generation now
		parties.distributor, err = cached(ctx, c, s.caches.resellers, store.ResellerScope(distributorID),
			distributorID, func(ctx context.Context, c *store.Conn) (*domain.Reseller, error) {
				return c.FindResellerByID(ctx, distributorID)
			})
	}
	return plan, product, parties, err
}

// sellerGroups are the groups of scopes whose generations a delivery to a vendor
// of a subscription sold by sellerID reads first: the catalogue's and the seller's.
func sellerGroups(sellerID int64) [][]store.Scope {
	return [][]store.Scope{{store.ScopeCatalog}, {store.ResellerScope(sellerID)}}
}

// sellerGens are the generation sums of sellerGroups(seller), read with the
// subscription a provisioning run delivers (store.Conn.FindProvisionSubject).
type sellerGens struct {
	seller int64
	gens   []int64
	oks    []bool
}

// resellerAt returns reseller id read on c, from memory while its scope stays at
// generation gen (ok false: the scope has none, and nothing is kept).
func (s *Service) resellerAt(ctx context.Context, c *store.Conn, id, gen int64, ok bool) (*domain.Reseller, error) {
	load := func(ctx context.Context) (*domain.Reseller, error) { return c.FindResellerByID(ctx, id) }
	if !ok {
		return load(ctx)
	}
	return s.caches.resellers.Get(ctx, id, gen, load)
}
