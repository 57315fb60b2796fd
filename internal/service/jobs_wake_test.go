package service

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestWritesWakeTheRunnerOnlyForJobs holds that a write transaction wakes the job
// runner once it has committed a job, and only then (Service.commit): a woken runner
// claims at once, and a claim that finds nothing is a write transaction of its own.
// A prepaid sale tells the vendor nothing until it is paid; a postpaid one, and the
// payment of the prepaid one, each write their provisioning job; running that job
// writes none.
func TestWritesWakeTheRunnerOnlyForJobs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		var wakes atomic.Int64
		w := psSetupWithOptions(t, e, psCatalog, func(o *Options) { o.JobsEnqueued = func() { wakes.Add(1) } })
		woke := func(what string, want int64) {
			t.Helper()
			if got := wakes.Swap(0); got != want {
				t.Errorf("%s woke the job runner %d times, want %d", what, got, want)
			}
		}
		wakes.Store(0)
		prepaid := w.order(w.prepaid, "prepay", "monthly", "")
		woke("a prepaid sale", 0)
		postpaid := w.order(w.postpaid, "postpay", "monthly", "")
		woke("a postpaid sale", 1)
		if n, err := w.runner.RunDue(context.Background()); err != nil || n != 1 {
			t.Fatalf("ran %d jobs (%v), want the postpaid sale's", n, err)
		}
		w.wantSub(postpaid.SubscriptionID, domain.SubscriptionStatusActive)
		woke("the postpaid sale's provisioning", 0)
		w.pay(prepaid.PaymentID) // and runs its provisioning
		woke("paying the prepaid sale", 1)
		w.wantSub(prepaid.SubscriptionID, domain.SubscriptionStatusActive)
	})
}
