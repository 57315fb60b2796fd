package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestLedgerCheckSeesInvoiceCredits checks the ledger's rule of negative postpaid
// invoices: the credit of one is carried to the next invoice once, neither lost
// nor (the unique index refuses it) carried twice.
func TestLedgerCheckSeesInvoiceCredits(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		inv := &domain.Invoice{ResellerID: f.account.ResellerID, AccountID: f.account.ID, DocumentID: "IN000001",
			OwnDocumentID: "IN000001", Status: domain.InvoiceClosed, PaymentModel: domain.PaymentModelPostpay,
			FromDate: domain.Date{Year: 2031, Month: 2, Day: 1}, ToDate: domain.Date{Year: 2031, Month: 2, Day: 28},
			Total: -5_000_000, Currency: "USD", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		create := func(k *domain.Correction) {
			t.Helper()
			if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateCorrection(ctx, k) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateInvoices(ctx, []*domain.Invoice{inv}) }); err != nil {
			t.Fatal(err)
		}
		// The credit correction the invoice gathered makes its total.
		create(&domain.Correction{ResellerID: inv.ResellerID, AccountID: inv.AccountID, ManagerID: 1,
			ApproverID: 1, Status: domain.CorrectionStatusApproved, Total: inv.Total, Currency: "USD",
			IncludedInvoice: true, Target: domain.CorrectionIntoInvoice, InvoiceID: inv.ID, ApprovedAt: now,
			Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}})
		want := func(what string, n int) {
			t.Helper()
			v, err := db.Reader().CheckLedger(ctx)
			if err != nil || len(v) != n || n == 1 && !strings.Contains(v[0].Text, "carried") {
				t.Fatalf("ledger with %s: %v, %v; want %d violations", what, v, err, n)
			}
		}
		want("the negative invoice's credit lost", 1)
		create(domain.NewInvoiceCreditCorrection(inv, now))
		want("the credit carried", 0)
		err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateCorrection(ctx, domain.NewInvoiceCreditCorrection(inv, now)) })
		if err == nil {
			t.Fatal("the credit carried twice: accepted, want the unique index to refuse it")
		}
		want("the credit carried once, a second refused", 0)
	})
}
