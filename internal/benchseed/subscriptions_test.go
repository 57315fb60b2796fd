package benchseed

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

func TestSeedSubscriptions(t *testing.T) {
	// Small transactions, so 450 rows cross several of them, the last partial.
	subTxRows = 200
	t.Cleanup(func() { subTxRows = 5_000 })
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		_, db, s := bootstrapped(t, e, time.Date(2031, 1, 31, 12, 0, 0, 0, time.UTC), "USD")
		admin, err := s.OperatorActor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := Seed(ctx, &out, s, db, Sizes{Subscriptions: 1}); err == nil || !strings.Contains(err.Error(), "--bench-plans") {
			t.Errorf("subscriptions without plans and accounts: %v", err)
		}
		const n = 450
		if err := Seed(ctx, &out, s, db, Sizes{Plans: 3, Accounts: 7, Subscriptions: n}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "seeded 450 subscriptions in") {
			t.Errorf("output = %q", out.String())
		}
		// The counters that answer list totals agree with the rows.
		if err := db.CheckListCounts(ctx); err != nil {
			t.Fatal(err)
		}
		all := domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}
		subs, info, err := s.FindSubscriptions(ctx, admin, domain.OperatorID, all)
		if err != nil || info.Total != n || len(subs) != 50 {
			t.Fatalf("subscriptions: %d of %d (%v), want 50 of %d", len(subs), info.Total, err, n)
		}
		// A page holds its subscriptions' resources once they are asked for.
		if _, err := s.IncludeForSubscriptions(ctx, subs, []string{"subscription_resources"}); err != nil {
			t.Fatal(err)
		}
		accounts := map[int64]bool{}
		for _, sub := range subs {
			accounts[sub.AccountID] = true
			if sub.Status != domain.SubscriptionStatusActive || sub.StartDate.IsZero() ||
				!sub.ExpirationDate.After(sub.StartDate) || len(sub.Resources) != 3 {
				t.Errorf("subscription %+v", sub.Subscription)
			}
		}
		if len(accounts) != 7 {
			t.Errorf("a page of subscriptions holds %d accounts, want all 7", len(accounts))
		}
		orders, info, err := s.FindOrders(ctx, admin, domain.OperatorID, all)
		if err != nil || info.Total != n {
			t.Fatalf("orders: %d (%v), want %d", info.Total, err, n)
		}
		for _, o := range orders {
			if o.Status != domain.OrderStatusCompleted || o.Kind != domain.SalesOrder || o.Total <= 0 ||
				o.ClosedAt.IsZero() || len(o.Lines) != 2 || !strings.HasPrefix(o.DocumentID, "SO000") {
				t.Errorf("order %+v", o)
			}
		}
	})
}

// TestSeedSubscriptionsNothingDue spreads seeded subscriptions over the whole window
// they may have started in: no scheduler pass may have work on them for a week, so a
// benchmark on them measures its requests and not a backlog of renewals.
func TestSeedSubscriptionsNothingDue(t *testing.T) {
	maxSeedStep = seedWindow
	t.Cleanup(func() { maxSeedStep = time.Minute })
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		now := time.Date(2031, 1, 31, 12, 0, 0, 0, time.UTC)
		_, db, s := bootstrapped(t, e, now, "USD")
		var out bytes.Buffer
		if err := Seed(ctx, &out, s, db, Sizes{Plans: 3, Accounts: 7, Subscriptions: 200}); err != nil {
			t.Fatal(err)
		}
		for _, p := range s.Passes() {
			at, ok, err := p.NextDue(ctx, now.Add(-seedWindow))
			if err != nil {
				t.Fatalf("%s: %v", p.Name(), err)
			}
			if ok && at.Before(now.Add(seedWindow)) {
				t.Errorf("pass %s falls due at %s, within a week of the seeding at %s", p.Name(), at, now)
			}
		}
	})
}

func TestSeedRenewingSubscriptions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock, db, s := bootstrapped(t, e, time.Date(2031, 1, 31, 12, 0, 0, 0, time.UTC), "USD")
		var out bytes.Buffer
		// Renewing on 2 March, a period would start on 5 February: later than today.
		err := Seed(ctx, &out, s, db, Sizes{Plans: 3, Accounts: 5, Subscriptions: 1,
			RenewalDay: domain.Date{Year: 2031, Month: 3, Day: 2}})
		if err == nil || !strings.Contains(err.Error(), "choose a later day") {
			t.Fatalf("a renewal day whose periods start later than today: %v", err)
		}
		// 2 February: the periods started on 5 January (a month before 2 + 3 days).
		day := domain.Date{Year: 2031, Month: 2, Day: 2}
		const n = 40
		if err := Seed(ctx, &out, s, db, Sizes{Subscriptions: n, RenewalDay: day}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "seeded 40 subscriptions, renewing on 2031-02-02, in") {
			t.Errorf("output = %q", out.String())
		}
		due, err := db.Reader().DueRows(ctx, store.DueRenewals, day, store.DueKey{}, 1000)
		if err != nil || len(due) != n {
			t.Fatalf("%d renewals due by %s (%v), want %d", len(due), day, err, n)
		}
		if early, err := db.Reader().DueRows(ctx, store.DueRenewals, day.AddDays(-1), store.DueKey{}, 1000); err != nil || len(early) != 0 {
			t.Fatalf("%d renewals due the day before (%v), want none", len(early), err)
		}
		ids := make([]int64, len(due))
		for i, k := range due {
			ids[i] = k.ID
		}
		subs, err := db.Reader().FindSubscriptionsByIDs(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		postpaid := 0
		for _, sub := range subs {
			if sub.PaymentModel == domain.PaymentModelPostpay {
				postpaid++
			}
			if sub.Status != domain.SubscriptionStatusActive || !sub.Autorenew || sub.StartDate.String() != "2031-01-05" ||
				sub.ExpirationDate.String() != "2031-02-05" || sub.CreatedAt.After(clock.Now()) {
				t.Fatalf("subscription %d: %s, auto-renew %v, %s to %s, created %s", sub.ID, sub.Status, sub.Autorenew,
					sub.StartDate, sub.ExpirationDate, sub.CreatedAt)
			}
		}
		if postpaid != n/2 {
			t.Errorf("%d of %d subscriptions postpaid, want half", postpaid, n)
		}
	})
}

func TestSeedBillingSubscriptions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		_, db, s := bootstrapped(t, e, time.Date(2031, 1, 31, 12, 0, 0, 0, time.UTC), "USD")
		// Billed on 2 February; renewing on the 12th, the periods started on 15 January.
		day := domain.Date{Year: 2031, Month: 2, Day: 2}
		const n = 30
		var out bytes.Buffer
		if err := Seed(ctx, &out, s, db, Sizes{Plans: 3, Accounts: 5, Subscriptions: n, BillingDay: day}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "seeded 30 subscriptions, charged for billing on 2031-02-02, in") {
			t.Errorf("output = %q", out.String())
		}
		// Only the billing pass has work on the day: no renewal is due by then.
		if due, err := db.Reader().DueRows(ctx, store.DueRenewals, day, store.DueKey{}, 1000); err != nil || len(due) != 0 {
			t.Fatalf("%d renewals due by %s (%v), want none", len(due), day, err)
		}
		days, err := db.Reader().BillingDays(ctx)
		if err != nil || !slices.Contains(days, 2) {
			t.Fatalf("billing days %v (%v), want 2 among them", days, err)
		}
		accounts, err := db.Reader().AccountsToInvoice(ctx, day, 0, 100)
		if err != nil || len(accounts) != 5 {
			t.Fatalf("%d accounts to invoice on %s (%v), want all 5", len(accounts), day, err)
		}
		// None is due on the billing day before: the periods started after it.
		if early, err := db.Reader().AccountsToInvoice(ctx, day.AddMonths(-1), 0, 100); err != nil || len(early) != 0 {
			t.Fatalf("%d accounts to invoice a month earlier (%v), want none", len(early), err)
		}
		admin := mustActor(t, s)
		charges, info, err := s.FindCharges(ctx, admin, domain.OperatorID, domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}})
		if err != nil || len(charges) < n {
			t.Fatalf("%d charges (%v), want at least one a subscription", len(charges), err)
		}
		subs := map[int64]bool{}
		var total domain.Amount
		for _, c := range charges {
			subs[c.SubscriptionID] = true
			total += c.Amount
			if c.Status != domain.ChargeBlocked || c.PaymentModel != domain.PaymentModelPostpay || c.InvoiceID != 0 ||
				c.OperateFrom.String() != "2031-01-15" {
				t.Errorf("charge %+v", c)
			}
		}
		if len(subs) != n || info.Total != len(charges) {
			t.Errorf("charges of %d subscriptions, %d listed of %d, want %d subscriptions", len(subs), len(charges), info.Total, n)
		}
		orders, _, err := s.FindOrders(ctx, admin, domain.OperatorID, domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}})
		if err != nil {
			t.Fatal(err)
		}
		var ordered domain.Amount
		for _, o := range orders {
			ordered += o.Total
		}
		if total != ordered {
			t.Errorf("the charges sum to %s, the orders to %s", total, ordered)
		}
		if bad, err := db.Reader().CheckLedger(ctx); err != nil || len(bad) != 0 {
			t.Errorf("ledger: %v (%v)", bad, err)
		}
		last := int64(0) // the last seeded subscription
		for id := range subs {
			last = max(last, id)
		}
		checkOwnIDsFollow(t, db, last)
	})
}

// checkOwnIDsFollow checks that the ids the seed took itself leave the tables'
// own numbering past them: a copy of seeded subscription id and of its order,
// created the ordinary way, get new ids after every seeded one. The copy's owing
// the same debt keeps the ledger consistent.
func checkOwnIDsFollow(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	ctx := context.Background()
	subs, err := db.Reader().FindSubscriptionsByIDs(ctx, []int64{id})
	if err != nil || len(subs) != 1 || subs[0].CurrentDebt <= 0 {
		t.Fatalf("seeded subscription %d: %v (%v), want one owing its charges", id, subs, err)
	}
	sub := *subs[0]
	err = db.InTx(ctx, func(tx *store.Conn) error {
		sub.ID, sub.CurrentDebt = 0, 0
		for i := range sub.Resources {
			sub.Resources[i].ID = 0
		}
		if err := tx.CreateSubscription(ctx, &sub); err != nil {
			return err
		}
		o := &domain.Order{ResellerID: sub.ResellerID, AccountID: sub.AccountID, SubscriptionID: sub.ID,
			Kind: domain.SalesOrder, Status: domain.OrderStatusCompleted, PaymentModel: sub.PaymentModel,
			Currency: sub.Prices.Currency, CreatedBy: "System", PlanID: sub.PlanID, PlanPeriodID: sub.PlanPeriodID,
			Timestamps: sub.Timestamps}
		return tx.CreateOrder(ctx, o)
	})
	if err != nil {
		t.Fatalf("a subscription and an order made after the seed: %v", err)
	}
	if sub.ID <= id {
		t.Errorf("a subscription made after the seed got id %d, not after seeded %d", sub.ID, id)
	}
}

func mustActor(t *testing.T, s *service.Service) domain.Actor {
	t.Helper()
	a, err := s.OperatorActor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a
}
