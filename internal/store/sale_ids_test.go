package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestReservedSaleIDs writes a sale's subscription with the ids ReserveSaleIDs took
// with the read before it: on PostgreSQL the subscription's INSERT then goes with
// its resources', one round trip for both, and the order and payment get the ids
// taken with it. With the catalogue moved from the generation the sale expects,
// the INSERT sent along answers ErrCatalogMoved before anything can commit, and
// nothing is written.
func TestReservedSaleIDs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		gen, _, err := db.Reader().Generation(ctx, store.ScopeCatalog)
		if err != nil {
			t.Fatal(err)
		}
		pg := e.Name == "postgres"
		// sale reserves the ids, reads the account, and creates a subscription
		// expecting the catalogue at expect; it reports the round trips the
		// subscription's create made, and the order's and payment's ids.
		sale := func(expect int64) (s *domain.Subscription, o *domain.Order, p *domain.Payment, trips uint64, err error) {
			err = db.InTx(ctx, func(c *store.Conn) error {
				c.ExpectCatalog(expect)
				if err := c.ReserveSaleIDs(ctx, true, true); err != nil {
					return err
				}
				if _, _, err := c.FindAccountWithManagerName(ctx, f.account.ID, 0); err != nil {
					return err
				}
				s = f.subscription(t)
				before := db.RoundTrips()
				if err := c.CreateSubscription(ctx, s); err != nil {
					return err
				}
				trips = db.RoundTrips() - before
				o = f.order(s, "")
				p = &domain.Payment{}
				return c.ReserveOrderIDs(ctx, o, p)
			})
			return s, o, p, trips, err
		}

		// A statement a connection runs for the first time costs a round trip more,
		// to prepare it: sell once on every connection first.
		for range 16 {
			if _, _, _, _, err := sale(gen); err != nil {
				t.Fatal(err)
			}
		}
		s, o, p, trips, err := sale(gen)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Reader().FindSubscriptionByID(ctx, 0, s.ID)
		if err != nil {
			t.Fatalf("the sale's subscription %d: %v", s.ID, err)
		}
		if len(got.Resources) != len(s.Resources) || s.Resources[0].ID == 0 || got.Resources[0].ID != s.Resources[0].ID {
			t.Errorf("resources written %+v, created %+v", got.Resources, s.Resources)
		}
		if pg {
			if trips != 1 {
				t.Errorf("the subscription and its resources took %d round trips, want 1", trips)
			}
			if o.ID == 0 || p.ID == 0 {
				t.Errorf("order id %d, payment id %d: want the ids reserved with the subscription's", o.ID, p.ID)
			}
		}

		moved, _, _, _, err := sale(gen + 1)
		if !errors.Is(err, store.ErrCatalogMoved) {
			t.Fatalf("a sale on a moved catalogue: %v, want ErrCatalogMoved", err)
		}
		if _, err := db.Reader().FindSubscriptionByID(ctx, 0, moved.ID); domain.CodeOf(err) != domain.ErrNotFound {
			t.Errorf("subscription %d of the refused sale: %v, want not found", moved.ID, err)
		}
	})
}
