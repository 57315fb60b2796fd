package service

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/internal/syncbuf"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// TestProvisionGroupFallsBackAlone moves the catalogue while a group of
// provisioning jobs asks the vendor, so the transaction applying their outcomes
// together fails on the plan the group read: each outcome is then applied alone,
// on the plan read afresh, without asking the vendor again. Every order completes
// with the vendor's answer, and the vendor hears each event once.
func TestProvisionGroupFallsBackAlone(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		var logged syncbuf.Buffer
		d := newVendorDelivery(t, e, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
		w := d.w
		moved := strings.Replace(d.catalogue, "name: Monthly", "name: Monthly plan", 1)
		first := d.calls.Load() + 1
		// Of ClaimAhead+1 events, the first runs alone and the others as one
		// group, whose third call moves the catalogue.
		d.during = func(n int64) {
			if n == first+3 {
				if _, err := w.s.ApplyCatalog(ctx, w.admin, domain.OperatorID, []byte(moved), false); err != nil {
					t.Errorf("move the catalogue: %v", err)
				}
			}
		}
		d.deliver(t, jobs.ClaimAhead+1)
		if got := strings.Count(logged.String(), "outcomes applied one by one"); got != 1 {
			t.Errorf("the group's outcomes fell back to being applied alone %d times, want once; log:\n%s", got,
				logged.String())
		}
		if plan := w.plan("monthly"); plan.Name != "Monthly plan" {
			t.Errorf("the plan is named %q, want the moved catalogue's name", plan.Name)
		}
	})
}

// TestTimeForACall checks when a group of provisioning jobs starts one more
// vendor call: only while its run has a call's timeout left.
func TestTimeForACall(t *testing.T) {
	settings := vendor.DefaultSettings()
	s := &Service{opts: Options{VendorCalls: &settings}}
	within := func(d time.Duration) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		t.Cleanup(cancel)
		return ctx
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name string
		ctx  context.Context
		want bool
	}{
		{"no deadline", context.Background(), true},
		{"a call's timeout and more left", within(settings.Timeout + time.Minute), true},
		{"less than a call's timeout left", within(settings.Timeout / 2), false},
		{"cancelled", cancelled, false},
	} {
		if got := s.timeForACall(c.ctx); got != c.want {
			t.Errorf("%s: time for a call = %t, want %t", c.name, got, c.want)
		}
	}
	if !(&Service{}).timeForACall(within(time.Second)) {
		t.Error("without vendor calls, a run with time left has time for a call")
	}
}
