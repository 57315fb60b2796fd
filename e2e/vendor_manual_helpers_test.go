package e2e

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/email"
	"github.com/cascade-billing/cascade/internal/email/emailtest"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/internal/syncbuf"
)

// mdCatalog is vdCatalog's product in manual mode, mailed to ops@vendor.example.
var mdCatalog = strings.Replace(vdCatalog, `{mode: automatic, api_path: "{api_path}"}`,
	`{mode: manual, email: ops@vendor.example}`, 1)

// mdWorld is a Cascade server provisioning the product of mdCatalog by e-mail,
// through an SMTP server in the test's process (nil when it has none, and logs the
// messages), sold by reseller r to a postpaid account.
type mdWorld struct {
	s       *server
	smtp    *emailtest.Server
	log     *syncbuf.Buffer
	r       *client.Reseller
	account *client.Account
	owner   *client.Client
	sales   *client.Client
	plan    *client.Plan
}

// mdStart starts the server with provisioning calls on, a retry schedule of retry,
// and SMTP through srv when it is not nil, and applies mdCatalog.
func mdStart(t *testing.T, e storetest.Engine, srv *emailtest.Server, retry ...time.Duration) *mdWorld {
	t.Helper()
	w := &mdWorld{smtp: srv, log: &syncbuf.Buffer{}}
	w.s = start(t, e, "admin-token-"+service.NewToken(), func(c *app.Config) {
		c.Provisioner = nil
		c.Vendor.Retry = retry
		c.LogOutput = w.log
		if srv != nil {
			host, port, err := net.SplitHostPort(srv.Addr)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := strconv.Atoi(port)
			c.SMTP = email.Settings{Host: host, Port: p, From: "Cascade <billing@cascade.example>",
				Timeout: 5 * time.Second, TLS: srv.ClientTLS}
		}
	})
	w.r = mustCreateReseller(t, w.s.Admin, domain.OperatorID, "Manual Seller")
	cfApply(t, w.s.Admin, w.r.ID, mdCatalog)
	w.plan = atPlan(t, w.s.Admin, w.r.ID, "mail-basic")
	w.account = acMustCreate(t, w.s.Admin, w.r.ID, acPostpaid("Mona", "Manual"))
	w.owner = w.s.client(mustCreateManager(t, w.s.Admin, w.r.ID, "owner").APIToken)
	w.sales = w.s.client(mustCreateManager(t, w.s.Admin, w.r.ID, "sales").APIToken)
	return w
}

// sell places a sales order of three mailboxes for a month, postpaid.
func (w *mdWorld) sell(t *testing.T) *client.Order {
	t.Helper()
	return vdSell(t, w.owner, w.r.ID, w.account.ID, w.plan)
}

// mail waits for the n-th message (from 1) the SMTP server accepts.
func (w *mdWorld) mail(t *testing.T, n int) emailtest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := w.smtp.Wait(ctx, n)
	if err != nil {
		t.Fatalf("%d messages, want %d: %v", len(msgs), n, err)
	}
	return msgs[n-1]
}

// waiting waits until subscription id waits for a manager: in status, with the job
// that sent its e-mail as provisioning_job_id, other than the previous job's.
func (w *mdWorld) waiting(t *testing.T, id int64, status string, previousJob string) *client.Subscription {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sub := soWait(t, w.owner, w.r.ID, id, status)
		if sub.ProvisioningJobID != nil && *sub.ProvisioningJobID != previousJob {
			return sub
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription %d never waited with a new job (job %v)", id, sub.ProvisioningJobID)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// complete marks subscription id's waiting operation as c says.
func (w *mdWorld) complete(t *testing.T, id int64, outcome, message string) *client.Subscription {
	t.Helper()
	sub, err := w.owner.CompleteSubscriptionProvisioning(context.Background(), w.r.ID, id,
		client.ProvisioningCompletion{Outcome: outcome, Message: message})
	if err != nil {
		t.Fatalf("complete %s: %v", outcome, err)
	}
	return sub
}

// completeOnceWaiting marks subscription id's operation done as soon as it waits,
// asking again while the answer is that nothing waits yet.
func (w *mdWorld) completeOnceWaiting(t *testing.T, id int64) *client.Subscription {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sub, err := w.owner.CompleteSubscriptionProvisioning(context.Background(), w.r.ID, id,
			client.ProvisioningCompletion{Outcome: "done"})
		var e *client.Error
		if err == nil || !errors.As(err, &e) || e.Errors[0].Code != "provisioning_not_waiting" || time.Now().After(deadline) {
			if err != nil {
				t.Fatalf("complete done: %v", err)
			}
			return sub
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// change places a change order setting the mailboxes beyond the included one of
// subscription id to additional.
func (w *mdWorld) change(t *testing.T, id, additional int64) *client.Order {
	t.Helper()
	var included []client.Resource
	if _, err := w.owner.GetSubscription(context.Background(), w.r.ID, id, &included,
		client.WithInclude("subscription_resources")); err != nil || len(included) != 1 {
		t.Fatalf("subscription %d's resources: %d, %v", id, len(included), err)
	}
	rid, err := strconv.ParseInt(included[0].ID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	o, err := w.owner.CreateChangeOrder(context.Background(), w.r.ID, client.ChangeOrderInput{SubscriptionID: id,
		Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: rid, Additional: additional}}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}
