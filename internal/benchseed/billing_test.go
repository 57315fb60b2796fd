package benchseed

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestSeedPrepaidBillingSubscriptions: with a prepaid share, that share of every
// account's subscriptions is prepaid, paid by a completed payment and its charges
// closed, the ledger consistent; the billing pass on the billing day then gives every
// account a postpaid invoice with its payment and a prepaid one without.
func TestSeedPrepaidBillingSubscriptions(t *testing.T) {
	subTxRows = 7 // several transactions, each with payments, the last partial
	t.Cleanup(func() { subTxRows = 5_000 })
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		_, db, s := bootstrapped(t, e, time.Date(2031, 1, 31, 12, 0, 0, 0, time.UTC), "USD")
		day := domain.Date{Year: 2031, Month: 2, Day: 2}
		var out bytes.Buffer
		if err := Seed(ctx, &out, s, db, Sizes{Plans: 3, Accounts: 5, Subscriptions: 1, BillingDay: day,
			PrepaidPercent: 101}); err == nil || !strings.Contains(err.Error(), "want 0 to 100") {
			t.Fatalf("a prepaid share of 101%%: %v", err)
		}
		// Five accounts, six rounds: rounds 0, 2 and 4 are prepaid at 50%.
		const n, prepaid = 30, 15
		if err := Seed(ctx, &out, s, db, Sizes{Subscriptions: n, BillingDay: day, PrepaidPercent: 50}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "seeded 30 subscriptions, charged for billing on 2031-02-02 (50% prepaid), in") {
			t.Errorf("output = %q", out.String())
		}
		if err := db.CheckListCounts(ctx); err != nil {
			t.Fatal(err)
		}
		admin := mustActor(t, s)
		all := domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}
		payments, _, err := s.FindPayments(ctx, admin, domain.OperatorID, all)
		if err != nil || len(payments) != prepaid {
			t.Fatalf("%d payments (%v), want one a prepaid subscription, %d", len(payments), err, prepaid)
		}
		numbers := map[string]bool{}
		for _, p := range payments {
			numbers[p.DocumentID] = true
			if p.Status != domain.PaymentStatusCompleted || p.Purpose != domain.PaymentForOrder || p.OrderID == 0 ||
				p.Total <= 0 {
				t.Errorf("payment %+v", p)
			}
		}
		if len(numbers) != prepaid || !numbers["000001"] || !numbers["000015"] {
			t.Errorf("payment numbers %v, want 000001 to 000015", numbers)
		}
		charges, _, err := s.FindCharges(ctx, admin, domain.OperatorID, all)
		if err != nil {
			t.Fatal(err)
		}
		closed := map[int64]bool{}
		for _, c := range charges {
			if c.PaymentModel == domain.PaymentModelPrepay {
				closed[c.SubscriptionID] = true
				if c.Status != domain.ChargeClosed || c.CloseDate.String() != "2031-01-15" {
					t.Errorf("prepaid charge %+v", c)
				}
			}
		}
		if len(closed) != prepaid {
			t.Errorf("closed prepaid charges of %d subscriptions, want %d", len(closed), prepaid)
		}
		if bad, err := db.Reader().CheckLedger(ctx); err != nil || len(bad) != 0 {
			t.Fatalf("ledger after the seed: %v (%v)", bad, err)
		}

		for _, p := range s.Passes() {
			if p.Name() == "bill_accounts" {
				if err := p.Run(ctx, day.Start(time.UTC)); err != nil {
					t.Fatal(err)
				}
			}
		}
		invoices, _, err := db.Reader().FindInvoices(ctx, store.Subtree{ResellerID: domain.OperatorID,
			Path: domain.ResellerPath("", domain.OperatorID)}, all)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[domain.PaymentModel]int{}
		for _, inv := range invoices {
			kinds[inv.PaymentModel]++
			if (inv.PaymentID != 0) != (inv.PaymentModel == domain.PaymentModelPostpay) || inv.Total <= 0 {
				t.Errorf("invoice %+v", inv)
			}
		}
		if kinds[domain.PaymentModelPostpay] != 5 || kinds[domain.PaymentModelPrepay] != 5 {
			t.Errorf("invoices %v, want a postpaid and a prepaid one for each of 5 accounts", kinds)
		}
		if bad, err := db.Reader().CheckLedger(ctx); err != nil || len(bad) != 0 {
			t.Errorf("ledger after the pass: %v (%v)", bad, err)
		}
	})
}
