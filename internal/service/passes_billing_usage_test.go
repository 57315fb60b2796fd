package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/benchseed"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestUsagePassPagesBySubscription charges the storage consumed in February by 35
// subscriptions, in batches of 4 subscriptions (more subscriptions than one batch):
// every subscription is in exactly one batch, in id order, no batch is larger than
// asked, each gets exactly one overuse charge of February, and a fresh run charges
// nothing more. A read of March (the next period) is left for March.
func TestUsagePassPagesBySubscription(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, db, clock, ids := usageWorld(t, e, service.Options{})
		seen := map[int64]int{}
		var last int64
		batches := 0
		onBatch := func(batch []store.ConsumerToBill) {
			batches++
			if len(batch) > 4 {
				t.Errorf("a batch of %d subscriptions, want at most 4", len(batch))
			}
			for _, c := range batch {
				if c.SubscriptionID <= last {
					t.Errorf("subscription %d after %d: the walk is not in id order", c.SubscriptionID, last)
				}
				last = c.SubscriptionID
				seen[c.SubscriptionID]++
			}
		}
		if err := service.RunUsagePass(ctx, s, clock.Now(), 4, onBatch); err != nil {
			t.Fatal(err)
		}
		if batches != 9 {
			t.Errorf("%d batches, want 9 for 35 subscriptions by 4", batches)
		}
		for _, id := range ids {
			if seen[id] != 1 {
				t.Errorf("subscription %d in %d batches, want 1", id, seen[id])
			}
		}
		keys := usageKeys(t, db, ids)
		for _, id := range ids {
			if len(keys[id]) != 1 {
				t.Fatalf("subscription %d has usage charges %v, want one of February", id, keys[id])
			}
			for k := range keys[id] {
				if !strings.HasSuffix(k, ":2031-02-01") {
					t.Errorf("subscription %d charged %s, want February's period", id, k)
				}
			}
		}
		// A fresh run (another process, no memory of the first) charges nothing.
		if err := service.RunUsagePass(ctx, s, clock.Now(), 4, nil); err != nil {
			t.Fatal(err)
		}
		again := usageKeys(t, db, ids)
		for _, id := range ids {
			if len(again[id]) != 1 {
				t.Fatalf("after a second run subscription %d has usage charges %v", id, again[id])
			}
		}
	})
}

// usageWorld is a service on a fresh database of engine e with opts (its logger
// set), 35 subscriptions seeded over 7 accounts, each with storage read in February
// and on into March (saveStorageReads), at 1 March 2031, 12:00 UTC.
func usageWorld(t *testing.T, e storetest.Engine, opts service.Options) (*service.Service, *store.DB, *domain.TestClock, []int64) {
	t.Helper()
	ctx := context.Background()
	clock := domain.NewTestClock(time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC))
	db := storetest.Open(t, e)
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s := service.New(db, clock, opts)
	if _, err := s.Bootstrap(ctx, service.Operator{Name: "Operator", Domain: "operator.example.com", Currency: "USD",
		AdminName: "Administrator", AdminEmail: "admin@operator.example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := benchseed.Seed(ctx, io.Discard, s, db, benchseed.Sizes{Plans: 2, Accounts: 7, Subscriptions: 35}); err != nil {
		t.Fatal(err)
	}
	subs, _, err := db.Reader().FindSubscriptions(ctx, store.SubscriptionFilter{ResellerID: domain.OperatorID,
		Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 1000}}})
	if err != nil || len(subs) != 35 {
		t.Fatalf("%d subscriptions, %v", len(subs), err)
	}
	ids := make([]int64, len(subs))
	feb := time.Date(2031, 2, 10, 0, 0, 0, 0, time.UTC)
	for i, sub := range subs {
		ids[i] = sub.ID
		saveStorageReads(t, db, sub, feb)
	}
	return s, db, clock, ids
}

// TestUsagePassPausesBetweenTransactions runs bill_consumption over 35 subscriptions
// in batches of 10 with a pause of 25 ms: the four transactions are three pauses
// apart, so the run takes 75 ms at least, and still charges each subscription once.
func TestUsagePassPausesBetweenTransactions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, db, clock, ids := usageWorld(t, e, service.Options{BillingPause: 25 * time.Millisecond})
		start := time.Now()
		if err := service.RunUsagePass(ctx, s, clock.Now(), 10, nil); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < 75*time.Millisecond {
			t.Errorf("the run took %s, want three pauses of 25ms at least", took)
		}
		charged := usageKeys(t, db, ids)
		if len(charged) != len(ids) {
			t.Errorf("%d subscriptions charged, want %d", len(charged), len(ids))
		}
		for id, keys := range charged {
			if len(keys) != 1 {
				t.Errorf("subscription %d has usage charges %v, want one", id, keys)
			}
		}
	})
}

// saveStorageReads keeps for sub 990.5 GB of storage read in the ten days from feb
// (billed on 1 March), and 500 GB more in a read that ends on 1 March at 01:00,
// which belongs to March.
func saveStorageReads(t *testing.T, db *store.DB, sub *domain.Subscription, feb time.Time) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Conn) error {
		plan, err := tx.FindPlanByID(ctx, sub.PlanID)
		if err != nil {
			return err
		}
		var storage int64
		for _, r := range plan.Resources {
			if r.Key == "storage" {
				storage = r.ID
			}
		}
		if err := tx.ScheduleVendorReads(ctx, sub.ID, feb, feb); err != nil {
			return err
		}
		// The second read ends an hour after the billing day's midnight: March's.
		mid, end := feb.AddDate(0, 0, 10), time.Date(2031, 3, 1, 1, 0, 0, 0, time.UTC)
		for _, r := range []store.Consumption{{From: feb, To: mid, Quantity: "990.5"}, {From: mid, To: end, Quantity: "500"}} {
			r.SubscriptionID, r.ResourceKey, r.PlanResourceID, r.CreatedAt = sub.ID, "storage", storage, r.To
			if ok, err := tx.SaveConsumption(ctx, sub.ID, r.From, r.To, []store.Consumption{r}); err != nil || !ok {
				return fmt.Errorf("read from %s kept %t: %v", r.From, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("save the reads of subscription %d: %v", sub.ID, err)
	}
}

// usageKeys returns the billing keys of the usage charges of subscriptions ids.
func usageKeys(t *testing.T, db *store.DB, ids []int64) map[int64]map[string]bool {
	t.Helper()
	var out map[int64]map[string]bool
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Conn) error {
		var err error
		out, err = tx.BillingKeysWithPrefix(ctx, ids, domain.UsageKeyPrefix)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
