package store_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestNumberedOrdersGapless writes orders with their payments from concurrent
// transactions, every third of which rolls back after numbering, half of them
// numbered with the commit (CreateNumberedOrderAtCommit) and half at once: the
// committed orders hold exactly SO000001..n and their payments 000001..n, each
// order linked to its own payment and back. Numbers past six digits grow wider.
func TestNumberedOrdersGapless(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		// write numbers and writes an order with its payment, or only the order.
		write := func(withPayment, atCommit bool, fail error) (*domain.Order, *domain.Payment, error) {
			var (
				o *domain.Order
				p *domain.Payment
			)
			err := db.InTx(ctx, func(c *store.Conn) error {
				s := f.subscription(t)
				o = f.order(s, "")
				if withPayment {
					p = &domain.Payment{ResellerID: o.ResellerID, AccountID: o.AccountID,
						Purpose: domain.PaymentForOrder, Total: o.Total, InitialTotal: o.Total, Currency: "USD",
						Status: domain.PaymentStatusWaitingForPayment, ExpirationDate: o.ExpirationDate,
						Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
				}
				create := c.CreateNumberedOrder
				if atCommit {
					if err := c.ReserveOrderIDs(ctx, o, p); err != nil {
						return err
					}
					create = c.CreateNumberedOrderAtCommit
				}
				if err := c.CreateSubscription(ctx, s); err != nil {
					return err
				}
				o.SubscriptionID = s.ID
				if err := create(ctx, o, "SO", p); err != nil {
					return err
				}
				return fail
			})
			return o, p, err
		}
		const clients = 18
		var (
			mu       sync.Mutex
			orders   []*domain.Order
			wg       sync.WaitGroup
			rollback = errors.New("roll back")
		)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var fail error
				if i%3 == 0 {
					fail = rollback
				}
				o, _, err := write(true, i%2 == 0, fail)
				if err != nil && !errors.Is(err, rollback) {
					t.Errorf("numbered order: %v", err)
					return
				}
				if err == nil {
					mu.Lock()
					orders = append(orders, o)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		sort.Slice(orders, func(i, j int) bool { return orders[i].DocumentID < orders[j].DocumentID })
		if want := clients - clients/3; len(orders) != want {
			t.Fatalf("committed %d orders, want %d", len(orders), want)
		}
		r := db.Reader()
		for i, o := range orders {
			wantOrder, wantPayment := domain.DocumentNumber("SO", int64(i+1)), domain.DocumentNumber("", int64(i+1))
			stored, err := r.FindOrderByID(ctx, 0, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			p, err := r.FindPaymentByID(ctx, 0, stored.PaymentID)
			if err != nil {
				t.Fatalf("payment of order %s: %v", o.DocumentID, err)
			}
			if stored.DocumentID != wantOrder || o.DocumentID != wantOrder || p.DocumentID != wantPayment ||
				p.OrderID != o.ID || o.PaymentID != p.ID {
				t.Fatalf("order %d is %s (answered %s) with payment %s of order %d (answered %d), want %s with %s",
					o.ID, stored.DocumentID, o.DocumentID, p.DocumentID, p.OrderID, o.PaymentID, wantOrder, wantPayment)
			}
		}

		// A series past 999,999 grows a digit; an order without a payment takes no
		// payment number.
		err := db.InTx(ctx, func(c *store.Conn) error {
			var last int64
			return c.Row(ctx, `UPDATE document_counters SET last = 999998 WHERE prefix = 'SO' RETURNING last`, nil, &last)
		})
		if err != nil {
			t.Fatal(err)
		}
		if o, _, err := write(false, true, nil); err != nil || o.DocumentID != "SO999999" || o.PaymentID != 0 {
			t.Fatalf("order %+v (%v), want SO999999 without a payment", o, err)
		}
		o, p, err := write(true, false, nil)
		if err != nil || o.DocumentID != "SO1000000" || p.DocumentID != domain.DocumentNumber("", int64(len(orders)+1)) {
			t.Fatalf("order %+v, payment %+v (%v), want SO1000000 and the next payment", o, p, err)
		}
		if stored, err := r.FindOrderByID(ctx, 0, o.ID); err != nil || stored.DocumentID != "SO1000000" {
			t.Fatalf("stored order %+v (%v), want SO1000000", stored, err)
		}
	})
}
