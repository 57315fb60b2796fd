package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestLedgerCheckCountsUnsettledInvoices gives a postpaid subscription a credit
// correction of -5.00 in an invoice without a payment: its debt counts the
// correction until the invoice is settled, and SettleInvoiceDebt settles it once,
// its shares leaving out the account's carried credit (no subscription).
func TestLedgerCheckCountsUnsettledInvoices(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s := f.subscription(t)
		s.PaymentModel = domain.PaymentModelPostpay
		inv := &domain.Invoice{ResellerID: f.account.ResellerID, AccountID: f.account.ID, DocumentID: "IN000001",
			OwnDocumentID: "IN000001", Status: domain.InvoiceClosed, PaymentModel: domain.PaymentModelPostpay,
			FromDate: domain.Date{Year: 2031, Month: 2, Day: 1}, ToDate: domain.Date{Year: 2031, Month: 2, Day: 28},
			Total: -5_000_000, Currency: "USD", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		k := &domain.Correction{ResellerID: inv.ResellerID, AccountID: inv.AccountID, ManagerID: 1,
			ApproverID: 1, Status: domain.CorrectionStatusApproved, Total: inv.Total, Currency: "USD",
			IncludedInvoice: true, Target: domain.CorrectionIntoInvoice, ApprovedAt: now,
			Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		inTx := func(f func(c *store.Conn) error) {
			t.Helper()
			if err := db.InTx(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		inTx(func(c *store.Conn) error {
			if err := c.CreateSubscription(ctx, s); err != nil {
				return err
			}
			if err := c.CreateInvoices(ctx, []*domain.Invoice{inv}); err != nil {
				return err
			}
			k.SubscriptionID, k.InvoiceID = s.ID, inv.ID
			if err := c.CreateCorrection(ctx, k); err != nil {
				return err
			}
			return c.CreateCorrection(ctx, domain.NewInvoiceCreditCorrection(inv, now))
		})
		want := func(what string, n int) {
			t.Helper()
			if v, err := db.Reader().CheckLedger(ctx); err != nil || len(v) != n {
				t.Fatalf("ledger with %s: %v, %v; want %d violations", what, v, err, n)
			}
		}
		want("the correction's debt missing", 1)
		moveBy := func(delta domain.Amount) func(c *store.Conn) error {
			return func(c *store.Conn) error {
				locked, err := c.FindSubscriptionForUpdate(ctx, 0, s.ID)
				if err != nil {
					return err
				}
				return c.AddSubscriptionDebt(ctx, locked, delta)
			}
		}
		inTx(moveBy(-5_000_000))
		want("the correction owed in an unsettled invoice", 0)

		inTx(func(c *store.Conn) error {
			settled, err := c.SettleInvoiceDebt(ctx, inv.ID)
			if err != nil || !settled {
				t.Fatalf("first settling: %v, %v; want settled", settled, err)
			}
			shares, err := c.InvoiceDebtShares(ctx, inv.ID)
			if err != nil || len(shares) != 1 || shares[s.ID] != -5_000_000 {
				t.Fatalf("shares %v, %v; want -5.00 of subscription %d alone", shares, err, s.ID)
			}
			return nil
		})
		want("the invoice settled but the debt not moved", 1)
		inTx(moveBy(5_000_000))
		want("the invoice settled", 0)
		inTx(func(c *store.Conn) error {
			if settled, err := c.SettleInvoiceDebt(ctx, inv.ID); err != nil || settled {
				t.Fatalf("second settling: %v, %v; want nothing to settle", settled, err)
			}
			return nil
		})
	})
}

// TestLedgerCheckSeesUnsettledPaidInvoices: an invoice whose payment is completed
// must be settled, and one whose payment is not must not be.
func TestLedgerCheckSeesUnsettledPaidInvoices(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		inv := &domain.Invoice{ResellerID: f.account.ResellerID, AccountID: f.account.ID, DocumentID: "IN000001",
			OwnDocumentID: "IN000001", Status: domain.InvoiceClosed, PaymentModel: domain.PaymentModelPostpay,
			FromDate: domain.Date{Year: 2031, Month: 2, Day: 1}, ToDate: domain.Date{Year: 2031, Month: 2, Day: 28},
			Currency: "USD", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		p := &domain.Payment{ResellerID: inv.ResellerID, AccountID: inv.AccountID, Purpose: domain.PaymentForInvoice,
			DocumentID: "000001", Currency: "USD", Status: domain.PaymentStatusCompleted,
			Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		settle := func() {
			t.Helper()
			if err := db.InTx(ctx, func(c *store.Conn) error {
				_, err := c.SettleInvoiceDebt(ctx, inv.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		err := db.InTx(ctx, func(c *store.Conn) error {
			if err := c.CreateInvoices(ctx, []*domain.Invoice{inv}); err != nil {
				return err
			}
			p.InvoiceID = inv.ID
			return c.CreatePayment(ctx, p)
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.Reader().CheckLedger(ctx)
		if err != nil || len(v) != 1 || !strings.Contains(v[0].Text, "not settled") {
			t.Fatalf("ledger with a paid invoice not settled: %v, %v", v, err)
		}
		settle()
		if v, err := db.Reader().CheckLedger(ctx); err != nil || len(v) != 0 {
			t.Fatalf("ledger with the paid invoice settled: %v, %v", v, err)
		}
	})
}
