package service

import (
	"context"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
)

// Every vendor call needs the product of the subscription's plan and the product's
// signing secret. Both are catalogue rows (a secret is written only under
// LockCatalogs, which moves store.ScopeCatalog), so they are kept in memory like
// the plans, under the catalogue's generation: a delivering worker reads the
// generation once and the plan, the product and the secret come from memory.

// maxCachedProducts bounds the products kept by id, about 1 KB each.
const maxCachedProducts = 5_000

// catalogProduct is a product with its signing secret; secret is empty when the
// product has none (it never was in automatic mode).
type catalogProduct struct {
	product *domain.Product
	secret  string
}

func newProductCache() *readcache.Cache[int64, catalogProduct] {
	return readcache.New[int64](readcache.Options[catalogProduct]{MaxEntries: maxCachedProducts,
		Copy: cloneCatalogProduct})
}

// cloneCatalogProduct copies p, so a caller that changes its product changes no
// other caller's.
func cloneCatalogProduct(p catalogProduct) catalogProduct {
	cp := *p.product
	if p.product.Category != nil {
		cat := *p.product.Category
		cp.Category = &cat
	}
	return catalogProduct{product: &cp, secret: p.secret}
}

// loadCatalogProduct reads product id and its secret on c.
func loadCatalogProduct(ctx context.Context, c *store.Conn, id int64) (catalogProduct, error) {
	p, err := c.FindProductByID(ctx, id)
	if err != nil {
		return catalogProduct{}, err
	}
	secret, err := c.FindProductSecret(ctx, id)
	if err != nil && domain.CodeOf(err) != domain.ErrNotFound {
		return catalogProduct{}, err
	}
	return catalogProduct{product: p, secret: secret}, nil
}

// productByID returns product id with its secret, read on c, from memory while the
// catalogue's generation stays.
func (s *Service) productByID(ctx context.Context, c *store.Conn, id int64) (catalogProduct, error) {
	return cached(ctx, c, s.caches.products, store.ScopeCatalog, id,
		func(ctx context.Context, c *store.Conn) (catalogProduct, error) {
			return loadCatalogProduct(ctx, c, id)
		})
}

// planProductAt returns plan planID and its product with the product's secret,
// read on c, from memory while the catalogue stays at generation gen, read by the
// caller (ok false: the catalogue has none, and nothing is kept).
func (s *Service) planProductAt(ctx context.Context, c *store.Conn, planID, gen int64, ok bool) (*domain.Plan,
	catalogProduct, error) {
	var err error
	loadPlan := func(ctx context.Context) (*domain.Plan, error) { return c.FindPlanByID(ctx, planID) }
	var plan *domain.Plan
	if ok {
		plan, err = s.caches.plans.Get(ctx, planID, gen, loadPlan)
	} else {
		plan, err = loadPlan(ctx)
	}
	if err != nil {
		return nil, catalogProduct{}, err
	}
	loadProduct := func(ctx context.Context) (catalogProduct, error) {
		return loadCatalogProduct(ctx, c, plan.ProductID)
	}
	var p catalogProduct
	if ok {
		p, err = s.caches.products.Get(ctx, plan.ProductID, gen, loadProduct)
	} else {
		p, err = loadProduct(ctx)
	}
	return plan, p, err
}
