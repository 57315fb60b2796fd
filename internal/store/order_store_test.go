package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// osFixture is a catalogue with a plan to buy and an account of the root to buy it.
type osFixture struct {
	k       *ctCatalog
	plan    *domain.Plan
	account *domain.Account
}

func osSeed(t *testing.T, db *store.DB) osFixture {
	t.Helper()
	ctx := context.Background()
	k := ctSeed(t, db)
	plan, err := db.Reader().FindPlanByID(ctx, k.basic.ID)
	if err != nil {
		t.Fatal(err)
	}
	acc := tallyAccount(k.root.ID, "Buyer")
	if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateAccount(ctx, acc) }); err != nil {
		t.Fatalf("create account: %v", err)
	}
	return osFixture{k: k, plan: plan, account: acc}
}

// osSubscription is a subscription of the fixture's account on its plan's first
// period, at the plan's prices.
func (f osFixture) subscription(t *testing.T) *domain.Subscription {
	t.Helper()
	tariff, err := domain.SalesTariff(*f.plan, f.plan.Periods[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	r := f.plan.Resources[0]
	return &domain.Subscription{ResellerID: f.account.ResellerID, AccountID: f.account.ID, PlanID: f.plan.ID,
		PlanPeriodID: tariff.Period.ID, Name: "Mail", Status: domain.SubscriptionStatusOrdered,
		PaymentModel: domain.PaymentModelPrepay, CreditLimitUseSystem: true, Autorenew: true,
		Resources: []domain.SubscriptionResource{{PlanResourceID: r.ID, Included: r.Included, Additional: 3}},
		Prices:    tariff.Snapshot(), Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// order is a sales order of s.
func (f osFixture) order(s *domain.Subscription, doc string) *domain.Order {
	return &domain.Order{ResellerID: s.ResellerID, AccountID: s.AccountID, SubscriptionID: s.ID,
		Kind: domain.SalesOrder, Status: domain.OrderStatusWaitingForPayment, DocumentID: doc,
		PaymentModel: domain.PaymentModelPrepay, Total: 20_500_000, Currency: "USD", CreatedBy: "#1 Jane",
		ExpirationDate: domain.Date{Year: 2026, Month: 3, Day: 4}, PlanID: s.PlanID, PlanPeriodID: s.PlanPeriodID,
		Lines: []domain.OrderLine{{PlanResourceID: s.Resources[0].PlanResourceID, Quantity: 8}},
		QuoteLines: []domain.QuoteLine{
			{Fee: domain.FeeSetup, PlanID: s.PlanID, Quantity: 1, UnitPrice: 5_000_000, Amount: 5_000_000},
			{Fee: domain.FeeRecurring, PlanID: s.PlanID, PlanResourceID: s.Resources[0].PlanResourceID, Quantity: 3,
				UnitPrice: 2_500_000, Months: mustMonths(7, 30), Amount: 1_750_000}},
		Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
}

// created writes a subscription of the fixture (f.subscription) and, with an order
// number doc, its sales order (f.order; nil without one), in one transaction.
func (f osFixture) created(t *testing.T, db *store.DB, doc string) (*domain.Subscription, *domain.Order) {
	t.Helper()
	ctx := context.Background()
	s := f.subscription(t)
	var o *domain.Order
	err := db.InTx(ctx, func(c *store.Conn) error {
		if err := c.CreateSubscription(ctx, s); err != nil || doc == "" {
			return err
		}
		o = f.order(s, doc)
		return c.CreateOrder(ctx, o)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, o
}

func mustMonths(num, den int64) domain.Months {
	m, err := domain.MonthsFraction(num, den)
	if err != nil {
		panic(err)
	}
	return m
}

// TestOrdersRoundTrip writes a subscription, its sales order and the order's payment
// in one transaction, reads each back within its reseller (and not within another),
// updates each under its row lock, and lists them with exact totals.
func TestOrdersRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s := f.subscription(t)
		var (
			o *domain.Order
			p *domain.Payment
		)
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.CreateSubscription(ctx, s); err != nil {
				return err
			}
			o = f.order(s, "SO000001")
			if err := c.CreateOrder(ctx, o); err != nil {
				return err
			}
			p = &domain.Payment{ResellerID: o.ResellerID, AccountID: o.AccountID, Purpose: domain.PaymentForOrder,
				OrderID: o.ID, DocumentID: "000001", Total: o.Total, InitialTotal: o.Total, Currency: "USD",
				Status: domain.PaymentStatusWaitingForPayment, ExpirationDate: o.ExpirationDate,
				Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
			if err := c.CreatePayment(ctx, p); err != nil {
				return err
			}
			o.PaymentID = p.ID
			return c.UpdateOrder(ctx, o)
		})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		r := db.Reader()
		gotS, err := r.FindSubscriptionByID(ctx, f.account.ResellerID, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(gotS.Resources) != 1 || gotS.Resources[0].Quantity() != s.Resources[0].Quantity() ||
			gotS.Prices.Period != s.Prices.Period || fmt.Sprint(gotS.Prices.Resources) != fmt.Sprint(s.Prices.Resources) ||
			!gotS.CreditLimitUseSystem || !gotS.Autorenew || gotS.Status != domain.SubscriptionStatusOrdered {
			t.Errorf("subscription read back as %+v, want %+v", gotS, s)
		}
		gotO, err := r.FindOrderByID(ctx, f.account.ResellerID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gotO.PaymentID != p.ID || gotO.DocumentID != "SO000001" || gotO.ExpirationDate != o.ExpirationDate ||
			!gotO.ProvisioningDate.IsZero() || !gotO.ClosedAt.IsZero() || len(gotO.Lines) != 1 ||
			fmt.Sprint(gotO.QuoteLines) != fmt.Sprint(o.QuoteLines) {
			t.Errorf("order read back as %+v, want %+v", gotO, o)
		}
		gotP, err := r.FindPaymentByID(ctx, f.account.ResellerID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gotP.OrderID != o.ID || gotP.Total != o.Total || gotP.ExternalTotal != nil || gotP.Status != p.Status {
			t.Errorf("payment read back as %+v, want %+v", gotP, p)
		}
		other := f.k.child.ID
		for name, err := range map[string]error{
			"subscription": func() error { _, err := r.FindSubscriptionByID(ctx, other, s.ID); return err }(),
			"order":        func() error { _, err := r.FindOrderByID(ctx, other, o.ID); return err }(),
			"payment":      func() error { _, err := r.FindPaymentByID(ctx, other, p.ID); return err }(),
		} {
			if domain.CodeOf(err) != domain.ErrNotFound {
				t.Errorf("%s of another reseller: err %v, want not found", name, err)
			}
		}

		// Updates need the row read for update.
		err = db.InTx(ctx, func(c *store.Conn) error { return c.UpdateOrder(ctx, gotO) })
		if err == nil {
			t.Error("order updated without its row lock")
		}
		closed := now.Add(3600e9)
		err = db.InTx(ctx, func(c *store.Conn) error {
			o, err := c.FindOrderForUpdate(ctx, f.account.ResellerID, o.ID)
			if err != nil {
				return err
			}
			o.Status, o.ClosedAt, o.UpdatedAt = domain.OrderStatusCompleted, closed, closed
			if err := c.UpdateOrder(ctx, o); err != nil {
				return err
			}
			p, err := c.FindPaymentForUpdate(ctx, f.account.ResellerID, p.ID)
			if err != nil {
				return err
			}
			p.Status, p.ClosedAt, p.PaymentMethodID, p.PaymentMethodName = domain.PaymentStatusCompleted, closed, 0, "Cash"
			if err := c.UpdatePayment(ctx, p); err != nil {
				return err
			}
			s, err := c.FindSubscriptionForUpdate(ctx, f.account.ResellerID, s.ID)
			if err != nil {
				return err
			}
			s.Status, s.StartDate = domain.SubscriptionStatusActive, domain.Date{Year: 2026, Month: 3, Day: 1}
			s.ExpirationDate, s.PaidTo = domain.Date{Year: 2026, Month: 4, Day: 1}, domain.Date{Year: 2026, Month: 4, Day: 1}
			s.Resources[0].Additional = 7
			return c.UpdateSubscription(ctx, s)
		})
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		gotO, _ = r.FindOrderByID(ctx, 0, o.ID)
		gotS, _ = r.FindSubscriptionByID(ctx, 0, s.ID)
		if gotO.Status != domain.OrderStatusCompleted || !gotO.ClosedAt.Equal(closed) {
			t.Errorf("order after update: %s closed %v", gotO.Status, gotO.ClosedAt)
		}
		if gotS.Status != domain.SubscriptionStatusActive || gotS.ExpirationDate.String() != "2026-04-01" ||
			gotS.Resources[0].Additional != 7 {
			t.Errorf("subscription after update: %+v", gotS)
		}

		// Lists: totals from the counters, filters and sorts.
		q := domain.ListQuery{Page: domain.Page{Number: 1, Size: 10}}
		orders, info, err := r.FindOrders(ctx, store.OrderFilter{ResellerID: f.account.ResellerID, Query: q})
		if err != nil || len(orders) != 1 || info.Total != 1 || len(orders[0].QuoteLines) != 2 {
			t.Errorf("orders list: %d rows, total %d, err %v", len(orders), info.Total, err)
		}
		q.Conditions = []domain.Condition{{Field: "status", Op: domain.OpIn, Values: []any{"completed"}}}
		q.Sort = []domain.SortKey{{Field: "closed_at", Desc: true}}
		if orders, info, err = r.FindOrders(ctx, store.OrderFilter{ResellerID: f.account.ResellerID, Query: q}); err != nil || info.Total != 1 {
			t.Errorf("completed orders: %d rows, total %d, err %v", len(orders), info.Total, err)
		}
		subs, info, err := r.FindSubscriptions(ctx, store.SubscriptionFilter{ResellerID: f.account.ResellerID,
			Query: domain.ListQuery{Conditions: []domain.Condition{{Field: "trial", Op: domain.OpIn, Values: []any{false}}}}})
		if err != nil || len(subs) != 1 || info.Total != 1 || len(subs[0].Resources) != 1 {
			t.Errorf("subscriptions list: %d rows, total %d, err %v", len(subs), info.Total, err)
		}
		pays, info, err := r.FindPayments(ctx, store.PaymentFilter{ResellerID: other})
		if err != nil || len(pays) != 0 || info.Total != 0 {
			t.Errorf("payments of another reseller: %d rows, total %d, err %v", len(pays), info.Total, err)
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Error(err)
		}
	})
}

// TestOneOrderInFlight checks that the unique index refuses a second order of a
// subscription while one is in flight, on both engines, and lets one through once
// the first has closed.
func TestOneOrderInFlight(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s := f.subscription(t)
		first := f.order(s, "SO000001")
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.CreateSubscription(ctx, s); err != nil {
				return err
			}
			first.SubscriptionID = s.ID
			return c.CreateOrder(ctx, first)
		})
		if err != nil {
			t.Fatal(err)
		}
		second := f.order(s, "SO000002")
		err = db.InTx(ctx, func(c *store.Conn) error { return c.CreateOrder(ctx, second) })
		var u *store.ErrUnique
		if !errors.As(err, &u) || u.Constraint != store.OrderInFlightIndex {
			t.Fatalf("second order in flight: err %v, want the unique index %s", err, store.OrderInFlightIndex)
		}
		got, err := db.Reader().FindInFlightOrder(ctx, s.ID)
		if err != nil || got.ID != first.ID {
			t.Fatalf("order in flight: %v, %v; want order %d", got, err, first.ID)
		}
		wantFlying := func(want int64) {
			t.Helper()
			flying, err := db.Reader().FindInFlightOrders(ctx, []int64{s.ID, s.ID + 1000})
			if err != nil || len(flying) != 1 || flying[s.ID] == nil || flying[s.ID].ID != want {
				t.Fatalf("orders in flight: %v, %v; want order %d of subscription %d only", flying, err, want, s.ID)
			}
		}
		wantFlying(first.ID)
		err = db.InTx(ctx, func(c *store.Conn) error {
			o, err := c.FindOrderForUpdate(ctx, 0, first.ID)
			if err != nil {
				return err
			}
			o.Status, o.ClosedAt = domain.OrderStatusCancelled, now
			if err := c.UpdateOrder(ctx, o); err != nil {
				return err
			}
			return c.CreateOrder(ctx, second)
		})
		if err != nil {
			t.Fatalf("order after the first closed: %v", err)
		}
		wantFlying(second.ID)
	})
}

// TestDocumentNumbersGapless takes numbers of one series from concurrent
// transactions, every third of which rolls back: the committed documents hold
// exactly 1..n, since a rolled-back number is handed out again. Series of another
// prefix or reseller count on their own.
func TestDocumentNumbersGapless(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		r := mustReseller(t, db, 0, "", "root")
		other := mustReseller(t, db, r.ID, r.Path, "other")
		const clients = 24
		var (
			mu        sync.Mutex
			committed []int64
			wg        sync.WaitGroup
			start     = make(chan struct{})
			rollback  = errors.New("roll back")
		)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var n int64
				err := db.InTx(ctx, func(c *store.Conn) error {
					var err error
					if n, err = c.NextDocumentNumber(ctx, r.ID, "SO"); err != nil {
						return err
					}
					if i%3 == 0 {
						return rollback
					}
					return nil
				})
				if err != nil && !errors.Is(err, rollback) {
					t.Errorf("next number: %v", err)
					return
				}
				if err == nil {
					mu.Lock()
					committed = append(committed, n)
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		sort.Slice(committed, func(i, j int) bool { return committed[i] < committed[j] })
		want := clients - clients/3
		if len(committed) != want {
			t.Fatalf("committed %d numbers, want %d", len(committed), want)
		}
		for i, n := range committed {
			if n != int64(i+1) {
				t.Fatalf("committed numbers %v: want 1..%d without gaps or repeats", committed, want)
			}
		}
		for _, series := range []struct {
			reseller int64
			prefix   string
		}{{r.ID, "RN"}, {other.ID, "SO"}, {r.ID, store.PaymentDocumentPrefix}} {
			var n int64
			err := db.InTx(ctx, func(c *store.Conn) (err error) {
				n, err = c.NextDocumentNumber(ctx, series.reseller, series.prefix)
				return err
			})
			if err != nil || n != 1 {
				t.Errorf("first number of series %d/%q: %d, %v; want 1", series.reseller, series.prefix, n, err)
			}
		}
	})
}
