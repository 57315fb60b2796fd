package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestChargesOnce writes an order's charges, reads them back exactly, moves them
// under their rows' locks with the account's money, and makes them again: the
// unique key of subscription and billing key refuses the copy, and the ledger
// check finds nothing wrong until money moves without a charge behind it.
func TestChargesOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		s := f.subscription(t)
		o := f.order(s, "SO000001")
		o.Total = 6_750_000
		rate, err := domain.ParseRate("1.08")
		if err != nil {
			t.Fatal(err)
		}
		o.PlanCurrency, o.CurrencyRate = "EUR", rate
		charge := func(c *store.Conn) error {
			return c.CreateCharges(ctx, domain.ChargesOfOrder(o, s, now, time.UTC))
		}
		err = db.InTx(ctx, func(c *store.Conn) error {
			if err := c.CreateSubscription(ctx, s); err != nil {
				return err
			}
			o.SubscriptionID = s.ID
			if err := c.CreateOrder(ctx, o); err != nil {
				return err
			}
			return charge(c)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Reader().FindChargesOfOrders(ctx, []int64{o.ID})
		if err != nil || len(got) != 2 {
			t.Fatalf("charges of the order: %v, %v", got, err)
		}
		setup, seats := got[0], got[1]
		if setup.Type != domain.ChargeSetup || setup.Amount != 5_000_000 || setup.Status != domain.ChargeNew ||
			setup.BillingKey != domain.OrderChargeKey(o.ID, 1) || setup.Currency != "EUR" || setup.ResellerCurrency != "USD" ||
			setup.CurrencyRate.String() != "1.08" || !setup.Duration.IsZero() {
			t.Fatalf("setup charge = %+v", setup)
		}
		if seats.Type != domain.ChargeRecurring || seats.Amount != 1_750_000 || seats.Duration.String() != "7/30" ||
			seats.SubscriptionResourceID != s.Resources[0].ID || seats.Quantity != 3 || seats.UnitPrice != 2_500_000 {
			t.Fatalf("seats charge = %+v", seats)
		}
		if domain.ChargeTotal(got) != o.Total {
			t.Fatalf("charges total %s, order %s", domain.ChargeTotal(got), o.Total)
		}

		err = db.InTx(ctx, charge)
		var u *store.ErrUnique
		if !errors.As(err, &u) || u.Constraint != store.ChargeBillingKeyIndex {
			t.Fatalf("the order's charges again: %v, want the unique index %s", err, store.ChargeBillingKeyIndex)
		}

		// Moving a charge the transaction did not lock is refused.
		err = db.InTx(ctx, func(c *store.Conn) error {
			return c.MoveCharges(ctx, got, domain.ChargeBlocked, domain.Date{}, now)
		})
		if err == nil {
			t.Fatal("charges moved without their rows' locks")
		}
		err = db.InTx(ctx, func(c *store.Conn) error {
			locked, err := c.FindOrderChargesForUpdate(ctx, o.ID, domain.ChargeNew)
			if err != nil || len(locked) != 2 {
				return errors.Join(err, errors.New("want both charges new"))
			}
			if err := c.MoveCharges(ctx, locked, domain.ChargeBlocked, domain.Date{}, now); err != nil {
				return err
			}
			a, err := c.FindAccountForUpdate(ctx, f.account.ID)
			if err != nil {
				return err
			}
			return c.MoveAccountMoney(ctx, a, 0, o.Total, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := db.Reader().CheckLedger(ctx); err != nil || len(v) != 0 {
			t.Fatalf("ledger after blocking the charges: %v, %v", v, err)
		}
		page, _, err := db.Reader().FindCharges(ctx, store.ChargeFilter{Within: store.Subtree{ResellerID: f.account.ResellerID,
			Path: f.k.root.Path, Leaf: true}, Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 10},
			Conditions: []domain.Condition{{Field: "status", Op: domain.OpIn, Values: []any{"blocked"}}}}})
		if err != nil || len(page) != 2 {
			t.Fatalf("blocked charges of the reseller: %v, %v", page, err)
		}

		err = db.InTx(ctx, func(c *store.Conn) error {
			a, err := c.FindAccountForUpdate(ctx, f.account.ID)
			if err != nil {
				return err
			}
			return c.MoveAccountMoney(ctx, a, 1_000_000, 0, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := db.Reader().CheckLedger(ctx); err != nil || len(v) != 1 || v[0].AccountID != f.account.ID {
			t.Fatalf("ledger after a stray movement: %v, %v; want one violation of account %d", v, err, f.account.ID)
		}
	})
}

// TestLedgerCheckSeesInvoiceTotals checks the ledger's rule of invoices: one whose
// total is not the sum of its charges and corrections is reported.
func TestLedgerCheckSeesInvoiceTotals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		db := storetest.Open(t, e)
		f := osSeed(t, db)
		inv := &domain.Invoice{ResellerID: f.account.ResellerID, AccountID: f.account.ID, DocumentID: "IN000001",
			OwnDocumentID: "IN000001", Status: domain.InvoiceClosed, PaymentModel: domain.PaymentModelPrepay,
			FromDate: domain.Date{Year: 2031, Month: 2, Day: 1}, ToDate: domain.Date{Year: 2031, Month: 2, Day: 28},
			Total: 5_000_000, Currency: "USD", Timestamps: domain.Timestamps{CreatedAt: now, UpdatedAt: now}}
		if err := db.InTx(ctx, func(c *store.Conn) error { return c.CreateInvoices(ctx, []*domain.Invoice{inv}) }); err != nil {
			t.Fatal(err)
		}
		v, err := db.Reader().CheckLedger(ctx)
		if err != nil || len(v) != 1 || v[0].AccountID != f.account.ID {
			t.Fatalf("ledger with an invoice of 5.00 and nothing in it: %v, %v; want one violation of account %d",
				v, err, f.account.ID)
		}
	})
}
