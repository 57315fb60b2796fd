package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestLedgerBackfill: what a database held before the postpaid debt and the carried
// credits (a postpaid subscription owing its order's charges with a debt of 0, a
// negative postpaid invoice with no correction carrying it) breaks the ledger's
// rules until migration 0040 backfills it; run twice, it makes nothing twice.
func TestLedgerBackfill(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s := f.subscription(t)
		s.PaymentModel = domain.PaymentModelPostpay
		o := f.order(s, "SO000001")
		o.PaymentModel, o.Total, o.Status = domain.PaymentModelPostpay, 6_750_000, domain.OrderStatusProvisioning
		inv := &domain.Invoice{ResellerID: f.account.ResellerID, AccountID: f.account.ID, DocumentID: "IN000001",
			OwnDocumentID: "IN000001", Status: domain.InvoiceClosed, PaymentModel: domain.PaymentModelPostpay,
			FromDate: domain.Date{Year: 2031, Month: 2, Day: 1}, ToDate: domain.Date{Year: 2031, Month: 2, Day: 28},
			Total: -5_000_000, Currency: "USD", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.CreateSubscription(ctx, s); err != nil {
				return err
			}
			o.SubscriptionID = s.ID
			if err := c.CreateOrder(ctx, o); err != nil {
				return err
			}
			if err := c.CreateCharges(ctx, domain.ChargesOfOrder(o, s, now, time.UTC)); err != nil {
				return err
			}
			if err := c.CreateInvoices(ctx, []*domain.Invoice{inv}); err != nil {
				return err
			}
			// The credit correction the invoice gathered makes its total.
			return c.CreateCorrection(ctx, &domain.Correction{ResellerID: inv.ResellerID, AccountID: inv.AccountID,
				ManagerID: 1, ApproverID: 1, Status: domain.CorrectionStatusApproved, Total: inv.Total, Currency: "USD",
				IncludedInvoice: true, Target: domain.CorrectionIntoInvoice, InvoiceID: inv.ID, ApprovedAt: now,
				Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}})
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := db.Reader().CheckLedger(ctx); err != nil || len(v) != 2 {
			t.Fatalf("ledger before the backfill: %+v, %v; want the debt and the credit", v, err)
		}
		ms, err := store.Migrations(db.Engine())
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ms, func(m store.Migration) bool { return strings.HasSuffix(m.Name, "_ledger_backfill.sql") })
		if i < 0 {
			t.Fatal("no ledger backfill migration")
		}
		for run := 1; run <= 2; run++ {
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.Script(ctx, ms[i].SQL) }); err != nil {
				t.Fatalf("backfill run %d: %v", run, err)
			}
			if v, err := db.Reader().CheckLedger(ctx); err != nil || len(v) != 0 {
				t.Fatalf("ledger after backfill run %d: %+v, %v", run, v, err)
			}
		}
		got, err := db.Reader().FindSubscriptionByID(ctx, 0, s.ID)
		if err != nil || got.CurrentDebt != 6_750_000 {
			t.Fatalf("subscription %+v, %v; want it owing 6.75", got, err)
		}
	})
}
