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
// with the read before it: on PostgreSQL the INSERTs of the subscription and its
// resources then go with the commit, so the sale's transaction is two round trips
// (the read with BEGIN and the ids, then the writes with COMMIT), and the order and
// payment get the ids taken with it. With the catalogue moved from the generation
// the sale expects, the subscription's INSERT fails with ErrCatalogMoved, which
// aborts the commit sent after it: nothing is written.
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
		// expecting the catalogue at expect; it reports the round trips of the
		// transaction, and the order's and payment's ids.
		sale := func(expect int64) (s *domain.Subscription, o *domain.Order, p *domain.Payment, trips uint64, err error) {
			before := db.RoundTrips()
			err = db.InTx(ctx, func(c *store.Conn) error {
				c.ExpectCatalog(expect)
				if err := c.ReserveSaleIDs(ctx, len(f.plan.Resources), true, true); err != nil {
					return err
				}
				if _, _, err := c.FindAccountWithManagerName(ctx, f.account.ID, 0); err != nil {
					return err
				}
				s = f.subscription(t)
				if err := c.CreateSubscription(ctx, s); err != nil {
					return err
				}
				o = f.order(s, "")
				p = &domain.Payment{}
				return c.ReserveOrderIDs(ctx, o, p)
			})
			return s, o, p, db.RoundTrips() - before, err
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
			if trips != 2 {
				t.Errorf("the sale's transaction took %d round trips, want 2", trips)
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

// TestReservedSaleIDsKeepTheirPlan reserves a sale's ids again and again on one
// PostgreSQL connection: after its first five calls the statement runs its generic
// plan, instead of being planned for its values on every call.
func TestReservedSaleIDsKeepTheirPlan(t *testing.T) {
	db := onePostgresConnection(t)
	if db == nil {
		return
	}
	ctx := context.Background()
	const calls = 12
	for i := range calls {
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.ReserveSaleIDs(ctx, 1+i%3, true, true); err != nil {
				return err
			}
			var one int
			return c.Row(ctx, "SELECT 1", nil, &one) // takes the reservation along
		})
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	keepsGenericPlan(t, db, "the reservation", "%subscription_resources_id_seq%", calls)
}
