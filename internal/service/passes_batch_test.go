package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/benchseed"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestRenewalPassWritesInBatches renews 300 subscriptions due on one day, half
// prepaid and half postpaid, in one batch: the pass's statements stay a handful per
// batch, not a dozen per subscription, and what it writes is what one renewal at a
// time writes: one order each, numbered without gaps, a linked payment for each
// prepaid one, the postpaid ones waiting for their expiration date, the list
// counters moved. A second run makes nothing.
func TestRenewalPassWritesInBatches(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		const n = 300
		day := domain.Date{Year: 2031, Month: 1, Day: 12}
		clock := domain.NewTestClock(time.Date(2031, 1, 10, 12, 0, 0, 0, time.UTC))
		db := storetest.Open(t, e)
		s := service.New(db, clock, service.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if _, err := s.Bootstrap(ctx, service.Operator{Name: "Operator", Domain: "operator.example.com", Currency: "USD",
			AdminName: "Administrator", AdminEmail: "admin@operator.example.com"}); err != nil {
			t.Fatal(err)
		}
		err := benchseed.Seed(ctx, io.Discard, s, db, benchseed.Sizes{Plans: 3, Accounts: 7, Subscriptions: n, RenewalDay: day})
		if err != nil {
			t.Fatal(err)
		}
		var renew interface {
			Run(context.Context, time.Time) error
		}
		for _, p := range s.Passes() {
			if p.Name() == "renew_subscriptions" {
				renew = p
			}
		}
		run := func() uint64 {
			t.Helper()
			before := db.Statements()
			if err := renew.Run(ctx, day.Start(time.UTC)); err != nil {
				t.Fatal(err)
			}
			return db.Statements() - before
		}
		// SQLite's multi-row INSERTs are short (store.Conn.bulkRows): more of them.
		limit := uint64(40)
		if e.Name == "sqlite" {
			limit = n / 2
		}
		if got := run(); got > limit {
			t.Errorf("renewing %d subscriptions took %d statements, want at most %d", n, got, limit)
		}
		all, _, err := db.Reader().FindOrders(ctx, store.OrderFilter{ResellerID: domain.OperatorID,
			Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}})
		if err != nil {
			t.Fatal(err)
		}
		subs := map[int64]bool{}
		docs, payments := map[string]bool{}, map[string]bool{}
		for _, o := range all {
			if o.Kind != domain.RenewalOrder {
				continue
			}
			if subs[o.SubscriptionID] {
				t.Fatalf("subscription %d renewed twice", o.SubscriptionID)
			}
			subs[o.SubscriptionID], docs[o.DocumentID] = true, true
			if o.CreatedBy != domain.CreatedBySystem || o.Total <= 0 || len(o.Lines) == 0 || len(o.QuoteLines) == 0 {
				t.Fatalf("renewal order %+v", o)
			}
			switch o.PaymentModel {
			case domain.PaymentModelPrepay:
				p, err := db.Reader().FindPaymentByID(ctx, 0, o.PaymentID)
				if err != nil || o.Status != domain.OrderStatusWaitingForPayment || p.OrderID != o.ID ||
					p.Total != o.Total || p.Status != domain.PaymentStatusWaitingForPayment {
					t.Fatalf("prepaid renewal %+v, payment %+v (%v)", o, p, err)
				}
				payments[p.DocumentID] = true
			default:
				if o.Status != domain.OrderStatusWaitingForProvisioning ||
					o.ProvisioningDate != day.AddDays(benchseed.RenewalAhead) {
					t.Fatalf("postpaid renewal %s, provisioning on %s", o.Status, o.ProvisioningDate)
				}
			}
		}
		if len(subs) != n {
			t.Fatalf("%d subscriptions renewed, want %d", len(subs), n)
		}
		for i := 1; i <= n; i++ {
			if doc := domain.FormatDocumentID(domain.RenewalOrder, int64(i)); !docs[doc] {
				t.Fatalf("no renewal order %s: the numbers have a gap", doc)
			}
		}
		for i := 1; i <= n/2; i++ {
			if doc := fmt.Sprintf("%06d", i); !payments[doc] {
				t.Fatalf("no payment %s among %d: the numbers have a gap", doc, len(payments))
			}
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Fatal(err)
		}
		orders := len(all)
		if got := run(); got > 2 {
			t.Errorf("the second run took %d statements, want at most 2", got)
		}
		if again, _, err := db.Reader().FindOrders(ctx, store.OrderFilter{ResellerID: domain.OperatorID,
			Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}}); err != nil || len(again) != orders {
			t.Fatalf("after a second run %d orders (%v), want %d", len(again), err, orders)
		}
	})
}
