package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// rjWorld is a database holding a reseller that sells odCatalog to a postpaid
// account, set up by a server that has stopped again, so that the test's own
// processes can take over.
type rjWorld struct {
	e     storetest.Engine
	token string // the operator administrator's
	r     *client.Reseller
	order client.SalesOrderInput // a postpaid sales order of mail-basic
	db    *store.DB              // the test's own view of the database
}

func rjSetup(t *testing.T, e storetest.Engine) *rjWorld {
	t.Helper()
	token := "admin-token-" + service.NewToken()
	s := start(t, e, token)
	w := odSetup(t, s)
	rw := &rjWorld{e: e, token: token, r: w.r, order: w.order(t, w.postpaid, "postpay")}
	s.stop()
	rw.db = storetest.Open(t, e)
	return rw
}

// provisionJobs returns the provisioning jobs by the subscription they provision.
func (w *rjWorld) provisionJobs(t *testing.T) map[int64][]*domain.Job {
	t.Helper()
	list, err := w.db.Reader().ListJobs(context.Background(), store.JobFilter{Kind: service.JobProvision, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]*domain.Job{}
	for _, j := range list {
		var p struct {
			SubscriptionID int64 `json:"subscription_id"`
		}
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			t.Fatalf("job %s payload %s: %v", j.ID, j.Payload, err)
		}
		out[p.SubscriptionID] = append(out[p.SubscriptionID], j)
	}
	return out
}

// leasedBy returns the running jobs whose lease names process pid.
func (w *rjWorld) leasedBy(t *testing.T, pid int) []*domain.Job {
	t.Helper()
	list, err := w.db.Reader().ListJobs(context.Background(), store.JobFilter{Status: domain.JobStatusRunning, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	var out []*domain.Job
	for _, j := range list {
		if strings.Contains(j.LeaseOwner, fmt.Sprintf(":%d:", pid)) {
			out = append(out, j)
		}
	}
	return out
}

// subscriptionStatus reads a subscription's status from the database.
func (w *rjWorld) subscriptionStatus(t *testing.T, id int64) domain.SubscriptionStatus {
	t.Helper()
	sub, err := w.db.Reader().FindSubscriptionByID(context.Background(), 0, id)
	if err != nil {
		t.Fatal(err)
	}
	return sub.Status
}

// TestKilledBeforeProvisioning buys a plan for a postpaid account on an API-only
// node, whose provisioning job therefore cannot run, kills that node with SIGKILL,
// and starts a worker node on the same database: the order completes and the
// subscription becomes active, by the one job the order wrote.
func TestKilledBeforeProvisioning(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := rjSetup(t, e)
		api := startProcess(t, e.URL, w.token, "--workers=false")
		c := api.client(w.token)
		o, err := c.CreateSalesOrder(ctx, w.r.ID, w.order)
		if err != nil {
			t.Fatal(err)
		}
		// The API-only node leaves the job to a worker node, so nothing moves.
		time.Sleep(500 * time.Millisecond)
		if o, err = c.GetOrder(ctx, w.r.ID, o.ID, nil); err != nil || o.Status != "provisioning" {
			t.Fatalf("order on the API-only node = %+v, %v; want provisioning", o, err)
		}
		if sub, err := c.GetSubscription(ctx, w.r.ID, o.SubscriptionID, nil); err != nil || sub.Status != "installing" {
			t.Fatalf("subscription on the API-only node = %+v, %v; want installing", sub, err)
		}
		jobs := w.provisionJobs(t)[o.SubscriptionID]
		if len(jobs) != 1 || jobs[0].Status != domain.JobStatusPending || jobs[0].Attempts != 0 {
			t.Fatalf("provisioning jobs before the kill = %+v, want one pending", jobs)
		}
		api.kill()

		worker := startProcess(t, e.URL, w.token)
		c = worker.client(w.token)
		rjComplete(t, c, w.r.ID, o.SubscriptionID)
		odWaitOrder(t, c, w.r.ID, o.ID, "completed")
		sub := soWait(t, c, w.r.ID, o.SubscriptionID, "active")
		if sub.StartDate == nil || sub.ExpirationDate == nil {
			t.Errorf("active subscription without its period: %+v", sub)
		}
		jobs = w.provisionJobs(t)[o.SubscriptionID]
		if len(jobs) != 1 || jobs[0].Status != domain.JobStatusCompleted || jobs[0].Attempts != 1 {
			t.Fatalf("provisioning jobs after the restart = %+v, want the one job completed at its first attempt", jobs)
		}
	})
}

// TestKilledWhileProvisioning kills a worker node (SIGKILL) while it holds the
// lease of provisioning jobs, and starts another: once the dead node's leases end,
// the new node finishes every job, and each order is provisioned exactly once: one
// job per subscription, and a job whose outcome the dead node had already applied
// is not sent to the vendor again.
//
// The node is frozen (SIGSTOP) the moment a job shows as running, so that what the
// test reads is what the node leaves behind when killed; when the jobs it caught
// running had finished in between, the node goes on and the test tries again.
func TestKilledWhileProvisioning(t *testing.T) {
	const orders = 24
	const lease = 2 * time.Second
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := rjSetup(t, e)
		api := startProcess(t, e.URL, w.token, "--workers=false")
		c := api.client(w.token)
		subs := map[int64]int64{} // order id -> subscription id
		for range orders {
			o, err := c.CreateSalesOrder(ctx, w.r.ID, w.order)
			if err != nil {
				t.Fatal(err)
			}
			subs[o.ID] = o.SubscriptionID
		}
		api.kill()

		first := startProcess(t, e.URL, w.token, "--job-lease", lease.String())
		var caught []*domain.Job
		deadline := time.Now().Add(30 * time.Second)
		for len(caught) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("never saw a provisioning job running")
			}
			if len(w.leasedBy(t, first.Pid())) == 0 {
				continue
			}
			first.signal(syscall.SIGSTOP)
			// A commit already on its way to PostgreSQL still lands; then nothing moves.
			time.Sleep(100 * time.Millisecond)
			if caught = w.leasedBy(t, first.Pid()); len(caught) == 0 {
				first.signal(syscall.SIGCONT)
			}
		}
		first.kill()
		// A job whose outcome the dead node applied before it could mark the job done
		// shows the subscription active already.
		applied := map[string]bool{}
		for _, j := range caught {
			var p struct {
				SubscriptionID int64 `json:"subscription_id"`
			}
			json.Unmarshal(j.Payload, &p)
			applied[j.ID] = w.subscriptionStatus(t, p.SubscriptionID) == domain.SubscriptionStatusActive
		}
		t.Logf("killed holding %d running jobs (%d with their outcome applied)", len(caught), countTrue(applied))

		second := startProcess(t, e.URL, w.token, "--job-lease", lease.String())
		c = second.client(w.token)
		for oid, sid := range subs {
			rjComplete(t, c, w.r.ID, sid)
			odWaitOrder(t, c, w.r.ID, oid, "completed")
			if sub, err := c.GetSubscription(ctx, w.r.ID, sid, nil); err != nil || sub.Status != "active" {
				t.Fatalf("subscription %d = %+v, %v; want active", sid, sub, err)
			}
		}
		byID := map[string]*domain.Job{}
		jobs := w.provisionJobs(t)
		for _, sid := range subs {
			if len(jobs[sid]) != 1 {
				t.Fatalf("subscription %d has %d provisioning jobs, want 1", sid, len(jobs[sid]))
			}
			j := jobs[sid][0]
			if j.Status != domain.JobStatusCompleted {
				t.Fatalf("job %s of subscription %d is %s, want completed", j.ID, sid, j.Status)
			}
			byID[j.ID] = j
		}
		if len(jobs) != orders {
			t.Fatalf("provisioning jobs for %d subscriptions, want %d", len(jobs), orders)
		}
		for _, was := range caught {
			j := byID[was.ID]
			if j.Attempts != 2 {
				t.Errorf("job %s killed while running: %d attempts, want 2 (the dead node's and the takeover)", j.ID, j.Attempts)
			}
			if j.FinishedAt.Before(was.LeaseUntil) {
				t.Errorf("job %s finished at %s, before the dead node's lease ended at %s", j.ID, j.FinishedAt, was.LeaseUntil)
			}
			var result struct {
				Skipped bool `json:"skipped"`
				Done    bool `json:"Done"`
				Waiting bool `json:"waiting"` // e-mailed (manual mode), then marked done by rjComplete
			}
			if err := json.Unmarshal(j.Result, &result); err != nil {
				t.Fatalf("job %s result %s: %v", j.ID, j.Result, err)
			}
			// Applied already: the takeover must not provision again; else it must.
			if applied[j.ID] != result.Skipped || result.Skipped == (result.Done || result.Waiting) {
				t.Errorf("job %s (outcome applied before the kill: %v) ended with %s", j.ID, applied[j.ID], j.Result)
			}
		}
	})
}

// rjComplete marks the operation of subscription sid done once it waits for a
// manager: the catalogue's product is in manual mode, which a real process
// provisions by e-mail (logged, as the process has no SMTP server).
func rjComplete(t *testing.T, c *client.Client, rid, sid int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := c.CompleteSubscriptionProvisioning(context.Background(), rid, sid, client.ProvisioningCompletion{Outcome: "done"})
		var ce *client.Error
		if err == nil {
			return
		}
		if !errors.As(err, &ce) || len(ce.Errors) == 0 || ce.Errors[0].Code != "provisioning_not_waiting" || time.Now().After(deadline) {
			t.Fatalf("complete the provisioning of subscription %d: %v", sid, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}
