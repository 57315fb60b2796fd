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

// TestBillingPassFinishesAKilledRun bills 7 accounts' postpaid charges of one
// month: a run killed after its first batch leaves that batch's invoices, and the
// next run issues the others, each period invoiced once, numbered without gaps,
// every charge in exactly one invoice whose total is the sum of its charges. A
// third run makes nothing.
func TestBillingPassFinishesAKilledRun(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock := domain.NewTestClock(time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC))
		db := storetest.Open(t, e)
		s := service.New(db, clock, service.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if _, err := s.Bootstrap(ctx, service.Operator{Name: "Operator", Domain: "operator.example.com", Currency: "USD",
			AdminName: "Administrator", AdminEmail: "admin@operator.example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := benchseed.Seed(ctx, io.Discard, s, db, benchseed.Sizes{Plans: 2, Accounts: 7, Subscriptions: 35}); err != nil {
			t.Fatal(err)
		}
		subs, _, err := db.Reader().FindSubscriptions(ctx, store.SubscriptionFilter{ResellerID: domain.OperatorID,
			Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}})
		if err != nil {
			t.Fatal(err)
		}
		var (
			charges []*domain.Charge
			want    = map[int64]domain.Amount{} // per account
		)
		for i, sub := range subs {
			for k := range 2 {
				amount := domain.Amount(int64(i+1)*1_000_000 + int64(k)*250_000)
				charges = append(charges, &domain.Charge{ResellerID: sub.ResellerID, AccountID: sub.AccountID,
					SubscriptionID: sub.ID, BillingKey: fmt.Sprintf("2031-02/%d", k), Type: domain.ChargeRecurring,
					Status: domain.ChargeBlocked, PaymentModel: domain.PaymentModelPostpay, Quantity: 1, UnitPrice: amount,
					Currency: "USD", Amount: amount, ResellerCurrency: "USD", OperateFrom: domain.Date{Year: 2031, Month: 2, Day: 1},
					OperateTo: domain.Date{Year: 2031, Month: 2, Day: 28}, CreatedAt: clock.Now(), UpdatedAt: clock.Now()})
				want[sub.AccountID] += amount
			}
		}
		if err := db.InTx(ctx, func(tx *store.Conn) error { return tx.InsertCharges(ctx, charges) }); err != nil {
			t.Fatal(err)
		}
		accounts, err := db.Reader().AccountsToInvoice(ctx, domain.Date{}, 0, 100)
		if err != nil || len(accounts) != len(want) {
			t.Fatalf("accounts to invoice %v, %v; want %d", accounts, err, len(want))
		}
		now := clock.Now()
		// The run killed after its first batch of three accounts.
		first := []int64{accounts[0].ID, accounts[1].ID, accounts[2].ID}
		if err := service.BillAccounts(ctx, s, first, now); err != nil {
			t.Fatal(err)
		}
		var pass interface {
			Run(context.Context, time.Time) error
		}
		for _, p := range s.Passes() {
			if p.Name() == "bill_accounts" {
				pass = p
			}
		}
		for range 2 {
			if err := pass.Run(ctx, now); err != nil {
				t.Fatal(err)
			}
		}
		page := domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}
		invoices, info, err := db.Reader().FindInvoices(ctx, store.Subtree{ResellerID: domain.OperatorID,
			Path: domain.ResellerPath("", domain.OperatorID)}, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(invoices) != len(want) || info.Total != len(want) {
			t.Fatalf("%d invoices (total %d), want one per account, %d", len(invoices), info.Total, len(want))
		}
		ids := make([]int64, len(invoices))
		numbers := map[string]bool{}
		for i, inv := range invoices {
			ids[i] = inv.ID
			numbers[inv.OwnDocumentID] = true
			if inv.Total != want[inv.AccountID] || inv.PaymentID == 0 || inv.FromDate != (domain.Date{Year: 2031, Month: 2, Day: 1}) {
				t.Errorf("invoice %+v, want total %s", inv, want[inv.AccountID])
			}
		}
		for n := 1; n <= len(want); n++ {
			if doc := domain.DocumentNumber(domain.InvoiceDocumentPrefix, int64(n)); !numbers[doc] {
				t.Errorf("no invoice numbered %s: %v", doc, numbers)
			}
		}
		links, err := db.Reader().FindInvoiceLinks(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		gathered := 0
		for _, l := range links {
			gathered += len(l.ChargeIDs)
		}
		if gathered != len(charges) {
			t.Fatalf("invoices gather %d charges, want %d", gathered, len(charges))
		}
		if left, err := db.Reader().AccountsToInvoice(ctx, domain.Date{}, 0, 100); err != nil || len(left) != 0 {
			t.Fatalf("accounts still to invoice %v, %v", left, err)
		}
	})
}

// TestBillingPassBoundsItsTransactions bills accounts with 2 to 12 charges each:
// every transaction holds at most billingCharges charges (an account with more
// alone), whatever the accounts per batch allow, so the pass's memory and the
// length of its transactions do not grow with the charges of an account, and every
// charge still lands in its account's one invoice.
func TestBillingPassBoundsItsTransactions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock := domain.NewTestClock(time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC))
		db := storetest.Open(t, e)
		s := service.New(db, clock, service.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if _, err := s.Bootstrap(ctx, service.Operator{Name: "Operator", Domain: "operator.example.com", Currency: "USD",
			AdminName: "Administrator", AdminEmail: "admin@operator.example.com"}); err != nil {
			t.Fatal(err)
		}
		if err := benchseed.Seed(ctx, io.Discard, s, db, benchseed.Sizes{Plans: 2, Accounts: 6, Subscriptions: 6}); err != nil {
			t.Fatal(err)
		}
		subs, _, err := db.Reader().FindSubscriptions(ctx, store.SubscriptionFilter{ResellerID: domain.OperatorID,
			Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}})
		if err != nil {
			t.Fatal(err)
		}
		perAccount := map[int64]int{}
		var charges []*domain.Charge
		for i, sub := range subs {
			// 2, 4, ... 12 charges: the largest accounts exceed a transaction's bound.
			for k := range 2 * (i + 1) {
				charges = append(charges, &domain.Charge{ResellerID: sub.ResellerID, AccountID: sub.AccountID,
					SubscriptionID: sub.ID, BillingKey: fmt.Sprintf("2031-02/%d", k), Type: domain.ChargeRecurring,
					Status: domain.ChargeBlocked, PaymentModel: domain.PaymentModelPostpay, Quantity: 1, UnitPrice: 1_000_000,
					Currency: "USD", Amount: 1_000_000, ResellerCurrency: "USD", OperateFrom: domain.Date{Year: 2031, Month: 2, Day: 1},
					OperateTo: domain.Date{Year: 2031, Month: 2, Day: 28}, CreatedAt: clock.Now(), UpdatedAt: clock.Now()})
				perAccount[sub.AccountID]++
			}
		}
		if err := db.InTx(ctx, func(tx *store.Conn) error { return tx.InsertCharges(ctx, charges) }); err != nil {
			t.Fatal(err)
		}
		const bound = 10
		restore := service.SetBillingCharges(bound)
		defer restore()
		billed := map[int64]bool{}
		batches := 0
		err = service.RunBillingPass(ctx, s, clock.Now(), 100, func(ids []int64) {
			batches++
			held := 0
			for _, id := range ids {
				if billed[id] {
					t.Errorf("account %d billed twice", id)
				}
				billed[id] = true
				held += perAccount[id]
			}
			if held > bound && len(ids) > 1 {
				t.Errorf("a transaction holds %d charges of %d accounts, want at most %d (or one account)", held, len(ids), bound)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(billed) != len(perAccount) || batches < 4 {
			t.Errorf("%d accounts billed in %d transactions, want all %d in at least 4", len(billed), batches, len(perAccount))
		}
		invoices, _, err := db.Reader().FindInvoices(ctx, store.Subtree{ResellerID: domain.OperatorID,
			Path: domain.ResellerPath("", domain.OperatorID)}, domain.ListQuery{Page: domain.Page{Number: 1, Size: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range invoices {
			if want := domain.Amount(perAccount[inv.AccountID]) * 1_000_000; inv.Total != want {
				t.Errorf("invoice of account %d: %s, want %s", inv.AccountID, inv.Total, want)
			}
		}
		if len(invoices) != len(perAccount) {
			t.Errorf("%d invoices, want %d", len(invoices), len(perAccount))
		}
	})
}

// TestBillingPassSkipsDaysNoPlanBillsOn runs the pass on a day before the billing
// day of every plan: no charge is due, and the pass must not walk the accounts with
// charges waiting (it did, taking every plan to bill on the 1st as well, so each
// day's first run read every charge still to invoice). On the billing day it bills
// them all.
func TestBillingPassSkipsDaysNoPlanBillsOn(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock := domain.NewTestClock(time.Date(2031, 1, 31, 12, 0, 0, 0, time.UTC))
		db := storetest.Open(t, e)
		s := service.New(db, clock, service.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if _, err := s.Bootstrap(ctx, service.Operator{Name: "Operator", Domain: "operator.example.com", Currency: "USD",
			AdminName: "Administrator", AdminEmail: "admin@operator.example.com"}); err != nil {
			t.Fatal(err)
		}
		day := domain.Date{Year: 2031, Month: 2, Day: 2}
		if err := benchseed.Seed(ctx, io.Discard, s, db, benchseed.Sizes{Plans: 2, Accounts: 4, Subscriptions: 8,
			BillingDay: day}); err != nil {
			t.Fatal(err)
		}
		walked := 0
		count := func(ids []int64) { walked += len(ids) }
		// 1 February: the 1st, but no plan bills on it.
		if err := service.RunBillingPass(ctx, s, time.Date(2031, 2, 1, 0, 0, 0, 0, time.UTC), 100, count); err != nil {
			t.Fatal(err)
		}
		if walked != 0 {
			t.Errorf("the pass walked %d accounts on a day no plan bills on, want none", walked)
		}
		if err := service.RunBillingPass(ctx, s, day.Start(time.UTC), 100, count); err != nil {
			t.Fatal(err)
		}
		if left, err := db.Reader().AccountsToInvoice(ctx, domain.Date{}, 0, 100); err != nil || len(left) != 0 || walked != 4 {
			t.Errorf("on the billing day the pass walked %d accounts, left %v (%v); want all 4 billed", walked, left, err)
		}
	})
}
