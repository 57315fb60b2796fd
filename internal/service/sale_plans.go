package service

import (
	"context"
	"errors"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/readcache"
	"github.com/cascade-billing/cascade/internal/store"
)

// Sales orders check and price against the catalogue held in memory: a plan with
// its service term's settings and whether it asks for order attributes, each under
// the generation of store.ScopeCatalog it was read at. The transaction then writes
// the subscription only while the catalogue is still at that generation
// (store.Conn.ExpectCatalog), so a sale reads neither the catalogue nor its
// generation; when it has moved, the sale runs again on the catalogue read afresh.

// maxCachedSalePlans bounds the plans held for sales, a few KB each.
const maxCachedSalePlans = 5_000

// salePlan is what a sales order needs of the catalogue for one plan.
type salePlan struct {
	plan       *domain.Plan
	terms      domain.TermSettings
	attributes bool  // the plan asks for order attributes
	gen        int64 // the generation of ScopeCatalog it is current at; 0 for none
}

func newSalePlans() *readcache.Cache[int64, salePlan] {
	return readcache.New[int64](readcache.Options[salePlan]{MaxEntries: maxCachedSalePlans,
		Copy: func(p salePlan) salePlan {
			p.plan = p.plan.Clone()
			return p
		}})
}

// errNotHeld stands for a plan not in memory.
var errNotHeld = errors.New("not held")

// salePlan returns plan id for a sale: the one memory holds, whatever its
// generation, unless fresh; otherwise read after the catalogue's generation on the
// read pool, and kept. A catalogue without a generation yet is read every time, and
// the value's gen is 0: the sale then checks nothing.
func (s *Service) salePlan(ctx context.Context, id int64, fresh bool) (salePlan, error) {
	if !fresh {
		p, err := s.salePlans.Get(ctx, id, 0, func(context.Context) (salePlan, error) { return salePlan{}, errNotHeld })
		if !errors.Is(err, errNotHeld) {
			return p, err
		}
	}
	return s.currentSalePlan(ctx, s.db.Reader(), id)
}

// currentSalePlan returns plan id as salePlan does, current at the catalogue's
// generation read on c, which may be a write transaction: held in memory at that
// generation, or read on c and kept.
func (s *Service) currentSalePlan(ctx context.Context, c *store.Conn, id int64) (salePlan, error) {
	gen, ok, err := c.Generation(ctx, store.ScopeCatalog)
	if err != nil {
		return salePlan{}, err
	}
	load := func(ctx context.Context) (salePlan, error) {
		p := salePlan{gen: gen}
		var err error
		if p.plan, err = c.FindPlanByID(ctx, id); err != nil {
			return p, err
		}
		if p.terms, err = c.PlanTermSettings(ctx, p.plan); err != nil {
			return p, err
		}
		attrs, err := c.FindOrderAttributes(ctx, id)
		p.attributes = len(attrs) > 0
		return p, err
	}
	if !ok {
		return load(ctx)
	}
	return s.salePlans.Get(ctx, id, gen, load)
}
