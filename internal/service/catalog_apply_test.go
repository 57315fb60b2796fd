package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// caPlans is a catalogue of n plans of one product.
func caPlans(n int) []byte {
	var sb strings.Builder
	sb.WriteString("categories: [{key: c, name: C}]\nproducts: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]\nplans:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - {key: p%d, product: p, name: P, currency: USD, periods: [{key: m, duration: 1, unit: months}]}\n", i)
	}
	return []byte(sb.String())
}

// caPlanCount is the number of plans the operator owns.
func caPlanCount(t *testing.T, s *Service) int {
	t.Helper()
	st, err := s.db.Reader().LoadCatalog(context.Background(), domain.OperatorID)
	if err != nil {
		t.Fatal(err)
	}
	return len(st.Plans)
}

func TestApplyCatalogWaitsForASlot(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s, admin := mgNewService(t, storetest.Open(t, e), domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)))
		doc := caPlans(3)
		// Every slot busy: an apply waits, and leaves when its caller gives up.
		for range DefaultCatalogApplies {
			s.catalogSlots <- struct{}{}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := s.ApplyCatalog(ctx, admin, domain.OperatorID, doc, false); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("apply with every slot busy: %v, want the caller's deadline", err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("the waiting apply left after %v", took)
		}
		// One slot freed: a waiting apply goes ahead.
		done := make(chan error, 1)
		go func() {
			_, err := s.ApplyCatalog(context.Background(), admin, domain.OperatorID, doc, false)
			done <- err
		}()
		select {
		case err := <-done:
			t.Fatalf("an apply ran with every slot busy: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
		<-s.catalogSlots
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := caPlanCount(t, s); n != 3 {
			t.Errorf("%d plans, want 3", n)
		}
	})
}

// cancellingClock cancels a context the first time it is read once armed: the
// catalogue apply reads the time once, when it starts writing.
type cancellingClock struct {
	domain.Clock
	cancel atomic.Pointer[func()]
}

func (c *cancellingClock) Now() time.Time {
	if f := c.cancel.Swap(nil); f != nil {
		(*f)()
	}
	return c.Clock.Now()
}

func TestApplyCatalogStopsWhenCancelled(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		clock := &cancellingClock{Clock: domain.NewTestClock(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))}
		s, admin := mgNewService(t, storetest.Open(t, e), clock)
		doc := caPlans(10_000)
		wentOn := map[string]time.Duration{}
		for _, when := range []string{"reading", "writing"} {
			ctx, cancel := context.WithCancel(context.Background())
			cancelled := make(chan time.Time, 1)
			stop := func() { cancelled <- time.Now(); cancel() }
			if when == "reading" {
				// As soon as the apply holds its slot, while it reads the file.
				go func() {
					for len(s.catalogSlots) == 0 {
						time.Sleep(50 * time.Microsecond)
					}
					stop()
				}()
			} else {
				// Once the file is checked and the catalogue locked, as writing starts.
				clock.cancel.Store(&stop)
			}
			_, err := s.ApplyCatalog(ctx, admin, domain.OperatorID, doc, false)
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled while %s: %v, want context.Canceled", when, err)
			}
			wentOn[when] = time.Since(<-cancelled)
			if n := caPlanCount(t, s); n != 0 {
				t.Errorf("cancelled while %s, the apply stored %d plans", when, n)
			}
			if len(s.catalogSlots) != 0 {
				t.Errorf("cancelled while %s, the apply kept its slot", when)
			}
		}
		// Nothing holds the catalogue: the next apply goes through, the whole of it.
		// It is also what a cancel must beat, timed on this machine at this moment,
		// whose shared CPUs stretch both alike.
		start := time.Now()
		if _, err := s.ApplyCatalog(context.Background(), admin, domain.OperatorID, doc, false); err != nil {
			t.Fatal(err)
		}
		whole := time.Since(start)
		for when, took := range wentOn {
			if took > whole/2 {
				t.Errorf("cancelled while %s, the apply went on for %v; the whole apply took %v", when, took, whole)
			}
		}
		t.Logf("after a cancel the apply went on for %v; the whole apply took %v", wentOn, whole)
	})
}
