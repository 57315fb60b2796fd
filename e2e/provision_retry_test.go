package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// vendorMood is a provisioner whose vendor refuses the operations it is told to,
// and counts what it was asked to do.
type vendorMood struct {
	mu     sync.Mutex
	refuse map[domain.ProvisionOp]string // the vendor's text per refused operation
	calls  map[domain.ProvisionOp]int
}

func (v *vendorMood) Provision(_ context.Context, req service.ProvisionRequest) (service.ProvisionOutcome, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls[req.Op]++
	if msg, ok := v.refuse[req.Op]; ok {
		return service.ProvisionOutcome{Message: msg}, nil
	}
	return service.ProvisionOutcome{Done: true}, nil
}

func (v *vendorMood) set(op domain.ProvisionOp, refusal string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if refusal == "" {
		delete(v.refuse, op)
	} else {
		v.refuse[op] = refusal
	}
}

func (v *vendorMood) count(op domain.ProvisionOp) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.calls[op]
}

// prWaitJob waits until the only provisioning job of op for subscription sub has
// status want, and returns it.
func prWaitJob(t *testing.T, s *server, sub int64, op domain.ProvisionOp, want domain.JobStatus) *domain.Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := s.DB.Reader().ListJobs(context.Background(), store.JobFilter{Kind: service.JobProvision, Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		var mine []*domain.Job
		for _, j := range list {
			var p struct {
				SubscriptionID int64              `json:"subscription_id"`
				Op             domain.ProvisionOp `json:"op"`
			}
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				t.Fatalf("job %s payload %s: %v", j.ID, j.Payload, err)
			}
			if p.SubscriptionID == sub && p.Op == op {
				mine = append(mine, j)
			}
		}
		if len(mine) > 1 {
			t.Fatalf("%d provisioning jobs of %s for subscription %d, want 1", len(mine), op, sub)
		}
		if len(mine) == 1 && mine[0].Status == want {
			return mine[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("provisioning jobs of %s for subscription %d: %+v, want one %s", op, sub, mine, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRetryFailedProvisioning has a vendor refuse to create a subscription: the order
// ends provisioning_failed, the subscription installation_failed, and the job failed
// with the vendor's text, where an operator finds it. Once the vendor is fixed,
// "cascade jobs retry" sends the operation again, and the order completes and the
// subscription becomes active. A refused stop is retried the same way, without an
// order.
func TestRetryFailedProvisioning(t *testing.T) {
	vendor := &vendorMood{refuse: map[domain.ProvisionOp]string{}, calls: map[domain.ProvisionOp]int{}}
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		vendor.set(domain.ProvisionOpCreate, "the vendor's quota of mailboxes is exhausted")
		vendor.set(domain.ProvisionOpStop, "")
		created := vendor.count(domain.ProvisionOpCreate)
		s := start(t, e, "admin-token-"+service.NewToken(), func(c *app.Config) { c.Provisioner = vendor })
		w := odSetup(t, s)

		o, err := w.owner.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.postpaid, "postpay"))
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "provisioning_failed")
		soWait(t, w.owner, w.r.ID, o.SubscriptionID, "installation_failed")
		job := prWaitJob(t, s, o.SubscriptionID, domain.ProvisionOpCreate, domain.JobStatusFailed)
		if !strings.Contains(job.FailureMessage, "the vendor's quota of mailboxes is exhausted") {
			t.Errorf("failure message %q lacks the vendor's text", job.FailureMessage)
		}
		out, err := runCascade(t, e.URL, "jobs", "list", "--status", "failed", "--kind", service.JobProvision)
		if err != nil || !strings.Contains(out, job.ID) || !strings.Contains(out, "the vendor's quota") {
			t.Fatalf("jobs list --status failed: %v\n%s", err, out)
		}

		vendor.set(domain.ProvisionOpCreate, "")
		if out, err := runCascade(t, e.URL, "jobs", "retry", job.ID); err != nil {
			t.Fatalf("jobs retry: %v\n%s", err, out)
		}
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		if sub.StartDate == nil || sub.ExpirationDate == nil {
			t.Errorf("active subscription without its period: %+v", sub)
		}
		job = prWaitJob(t, s, o.SubscriptionID, domain.ProvisionOpCreate, domain.JobStatusCompleted)
		if job.Attempts != 1 {
			t.Errorf("retried job: %d attempts, want 1", job.Attempts)
		}
		if n := vendor.count(domain.ProvisionOpCreate) - created; n != 2 {
			t.Errorf("the vendor was asked to create %d times, want 2 (refused, then retried)", n)
		}

		// A refused stop: no order, the subscription alone goes back to stopping.
		vendor.set(domain.ProvisionOpStop, "the vendor cannot stop this service now")
		if err := w.owner.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, sub.ID, "stopping_failed")
		job = prWaitJob(t, s, sub.ID, domain.ProvisionOpStop, domain.JobStatusFailed)
		vendor.set(domain.ProvisionOpStop, "")
		if out, err := runCascade(t, e.URL, "jobs", "retry", job.ID); err != nil {
			t.Fatalf("jobs retry: %v\n%s", err, out)
		}
		soWait(t, w.owner, w.r.ID, sub.ID, "stopped")
		prWaitJob(t, s, sub.ID, domain.ProvisionOpStop, domain.JobStatusCompleted)
	})
}
