package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestDueVendorReadsWalkTheirIndex checks that the usage pass finds its due
// subscriptions through the index of the read schedule, not by reading every row.
func TestDueVendorReadsWalkTheirIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		plan, err := db.ExplainDueVendorReads(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if problem := planProblem(e.Name, plan); problem != "" {
			t.Errorf("%s in the plan:\n%s", problem, text)
		}
		if !strings.Contains(text, "subscription_vendor_reads_due") {
			t.Errorf("the plan does not use subscription_vendor_reads_due:\n%s", text)
		}
	})
}

// TestVendorReadClaimedOnceAndPeriodKeptOnce: of two claims of one due read, one
// wins; a period's consumption is kept once, however often it is saved.
func TestVendorReadClaimedOnceAndPeriodKeptOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e)
		ctx := context.Background()
		start := time.Date(2031, 3, 10, 9, 0, 0, 0, time.UTC)
		now, next := start.Add(time.Hour), start.Add(2*time.Hour)
		inTx := func(f func(c *store.Conn) error) {
			t.Helper()
			if err := db.InTx(ctx, f); err != nil {
				t.Fatal(err)
			}
		}
		inTx(func(c *store.Conn) error { return c.ScheduleVendorReads(ctx, 42, now, start) })
		inTx(func(c *store.Conn) error { return c.ScheduleVendorReads(ctx, 42, next, next) }) // kept as it was
		claims := 0
		for range 2 {
			inTx(func(c *store.Conn) error {
				from, ok, err := c.ClaimVendorRead(ctx, 42, now, next)
				if ok {
					claims++
					if !from.Equal(start) {
						t.Errorf("claimed from %s, want %s", from, start)
					}
				}
				return err
			})
		}
		if claims != 1 {
			t.Fatalf("%d claims of one due read, want 1", claims)
		}
		rows := []store.Consumption{{ResourceKey: "traffic", Quantity: "12.125", CreatedAt: now}}
		for i, want := range []bool{true, false} {
			inTx(func(c *store.Conn) error {
				kept, err := c.SaveConsumption(ctx, 42, start, now, rows)
				if kept != want {
					t.Errorf("save %d kept %v, want %v", i+1, kept, want)
				}
				return err
			})
		}
		got, err := db.Reader().FindConsumption(ctx, 42)
		if err != nil || len(got) != 1 || got[0].Quantity != "12.125" || !got[0].From.Equal(start) || !got[0].To.Equal(now) {
			t.Fatalf("consumption %+v, %v; want one row of 12.125", got, err)
		}
	})
}
