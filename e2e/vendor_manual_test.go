package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/email/emailtest"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestManualProvisioning: a sales order of a product in manual mode is e-mailed to
// the product's address over STARTTLS, and waits: the subscription installing, the
// order provisioning. A manager marks it done: the subscription active, the order
// completed, and a second completion finds nothing waiting. A change order's update
// shows the new quantity beside the old one. A stop marked failed
// leaves stopping_failed with the manager's text; provisioning_retry mails it
// again, under a new Message-ID, and marked done it stops.
func TestManualProvisioning(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := mdStart(t, e, emailtest.Start(t, emailtest.Options{StartTLS: true}), 20*time.Millisecond)
		o := w.sell(t)
		m := w.mail(t, 1)
		sub := w.waiting(t, o.SubscriptionID, "installing", "")
		job := *sub.ProvisioningJobID
		if !m.TLS || strings.Join(m.To, ",") != "ops@vendor.example" || m.Header("To") != "<ops@vendor.example>" {
			t.Errorf("mail to %v (header %q), TLS %v; want ops@vendor.example over TLS", m.To, m.Header("To"), m.TLS)
		}
		if s := m.Header("Subject"); !strings.HasPrefix(s, fmt.Sprintf("Create subscription %d: Mail Hosting, Mail Basic", sub.ID)) {
			t.Errorf("subject %q", s)
		}
		body := m.Body()
		for _, want := range []string{"Operation:      create\n", fmt.Sprintf("Subscription:   %d\n", sub.ID), "mailbox:      3\n",
			fmt.Sprintf("/api/v3/resellers/%d/subscriptions/%d/provisioning_completion", w.r.ID, sub.ID)} {
			if !strings.Contains(body, want) {
				t.Errorf("body lacks %q:\n%s", want, body)
			}
		}
		if id := m.Header("Message-ID"); !strings.HasPrefix(id, "<provision."+job+".") || !strings.HasSuffix(id, "@cascade.example>") {
			t.Errorf("Message-ID %q, want it from job %s", id, job)
		}
		if got := odWaitOrder(t, w.owner, w.r.ID, o.ID, "provisioning"); got.Status != "provisioning" {
			t.Fatalf("order %s", got.Status)
		}

		_, err := w.sales.CompleteSubscriptionProvisioning(ctx, w.r.ID, sub.ID, client.ProvisioningCompletion{Outcome: "done"})
		odErr(t, err, http.StatusForbidden, "forbidden", "")
		done := w.complete(t, sub.ID, "done", "mailboxes made")
		if done.Status != "active" || done.ProvisioningError != nil || done.StartDate == nil {
			t.Fatalf("after done: status %s, error %+v, start %v; want active", done.Status, done.ProvisioningError, done.StartDate)
		}
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		_, err = w.owner.CompleteSubscriptionProvisioning(ctx, w.r.ID, sub.ID, client.ProvisioningCompletion{Outcome: "done"})
		odErr(t, err, http.StatusUnprocessableEntity, "provisioning_not_waiting", "")

		change := w.change(t, sub.ID, 4) // 1 included and 4 more: 5
		update := w.mail(t, 2)
		updating := w.waiting(t, sub.ID, "updating", job)
		if s := update.Header("Subject"); !strings.HasPrefix(s, fmt.Sprintf("Update subscription %d:", sub.ID)) ||
			!strings.Contains(update.Body(), "mailbox:      5 (was 3)\n") {
			t.Errorf("update mail: subject %q, body\n%s", s, update.Body())
		}
		if got := w.complete(t, sub.ID, "done", ""); got.Status != "active" {
			t.Fatalf("after the update: %s", got.Status)
		}
		odWaitOrder(t, w.owner, w.r.ID, change.ID, "completed")
		job = *updating.ProvisioningJobID

		if err := w.owner.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		stop := w.mail(t, 3)
		stopping := w.waiting(t, sub.ID, "stopping", job)
		if s := stop.Header("Subject"); !strings.HasPrefix(s, fmt.Sprintf("Stop subscription %d:", sub.ID)) ||
			!strings.Contains(stop.Body(), "Operation:      stop\n") {
			t.Errorf("stop mail: subject %q, body\n%s", s, stop.Body())
		}
		_, err = w.owner.CompleteSubscriptionProvisioning(ctx, w.r.ID, sub.ID, client.ProvisioningCompletion{Outcome: "failed"})
		odErr(t, err, http.StatusUnprocessableEntity, "required", "/message")
		_, err = w.owner.CompleteSubscriptionProvisioning(ctx, w.r.ID, sub.ID, client.ProvisioningCompletion{Outcome: "maybe"})
		odErr(t, err, http.StatusUnprocessableEntity, "not_in_list", "/outcome")
		failed := w.complete(t, sub.ID, "failed", "The mailbox is locked by a legal hold")
		if e := failed.ProvisioningError; failed.Status != "stopping_failed" || e == nil || e.Code != "manual" ||
			e.Message != "The mailbox is locked by a legal hold" {
			t.Fatalf("after failed: status %s, error %+v; want stopping_failed with the text", failed.Status, e)
		}

		if _, err := w.owner.RetrySubscriptionProvisioning(ctx, w.r.ID, sub.ID); err != nil {
			t.Fatalf("provisioning_retry: %v", err)
		}
		again := w.mail(t, 4)
		if again.Header("Message-ID") == stop.Header("Message-ID") || again.Header("Subject") != stop.Header("Subject") {
			t.Errorf("resent stop: Message-ID %q (first %q), subject %q", again.Header("Message-ID"), stop.Header("Message-ID"), again.Header("Subject"))
		}
		soWait(t, w.owner, w.r.ID, sub.ID, "stopping")
		w.waitCompletable(t, sub.ID)
		if got := w.complete(t, sub.ID, "done", ""); got.Status != "stopped" || got.ProvisioningError != nil {
			t.Fatalf("after the retried stop: %s, error %+v; want stopped", got.Status, got.ProvisioningError)
		}
		if *stopping.ProvisioningJobID == job {
			t.Errorf("the stop kept the create's job %s", job)
		}
	})
}

// waitCompletable waits until subscription id's operation is e-mailed and waiting:
// until then a completion answers provisioning_not_waiting.
func (w *mdWorld) waitCompletable(t *testing.T, id int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := w.owner.Do(context.Background(), "GET", fmt.Sprintf("/api/v3/resellers/%d/subscriptions/%d", w.r.ID, id), nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(resp.Body), `"provisioning_error":null`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription %d never waited again: %s", id, resp.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestManualProvisioningWithoutSMTP: with no SMTP server configured the operation's
// message goes to the log and the operation still waits. Eight completions at once
// apply once: one answers the subscription, seven provisioning_not_waiting. The
// same Idempotency-Key sent again replays the first answer.
func TestManualProvisioningWithoutSMTP(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := mdStart(t, e, nil, 20*time.Millisecond)
		o := w.sell(t)
		sub := w.waiting(t, o.SubscriptionID, "installing", "")
		if log := w.log.String(); !strings.Contains(log, "no SMTP server configured") ||
			!strings.Contains(log, fmt.Sprintf("Create subscription %d", sub.ID)) {
			t.Fatalf("the log lacks the message:\n%s", log)
		}

		var (
			mu       sync.Mutex
			statuses = map[int]int{}
			wg       sync.WaitGroup
		)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				key := client.WithIdempotencyKey(fmt.Sprintf("complete-%d-%d", sub.ID, i))
				_, err := w.owner.CompleteSubscriptionProvisioning(ctx, w.r.ID, sub.ID, client.ProvisioningCompletion{Outcome: "done"}, key)
				status := http.StatusOK
				if err != nil {
					ce, ok := err.(*client.Error)
					if !ok || len(ce.Errors) == 0 || ce.Errors[0].Code != "provisioning_not_waiting" {
						t.Errorf("completion %d: %v", i, err)
					}
					status = ce.StatusCode
				}
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}(i)
		}
		wg.Wait()
		if statuses[http.StatusOK] != 1 || statuses[http.StatusUnprocessableEntity] != 7 {
			t.Fatalf("statuses %v, want one 200 and seven 422", statuses)
		}
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		soWait(t, w.owner, w.r.ID, sub.ID, "active")

		// A retry with the key of the one that applied answers as it did.
		for i := 0; i < 8; i++ {
			key := client.WithIdempotencyKey(fmt.Sprintf("complete-%d-%d", sub.ID, i))
			got, err := w.owner.CompleteSubscriptionProvisioning(ctx, w.r.ID, sub.ID, client.ProvisioningCompletion{Outcome: "done"}, key)
			if err == nil {
				if got.Status != "active" || got.ID != sub.ID {
					t.Fatalf("replayed answer: %+v", got)
				}
				return
			}
		}
		t.Fatalf("no key replayed the completion that applied")
	})
}

// TestManualProvisioningSMTPRetry: an SMTP server that turns the first two
// connections away gets the message on the third attempt of the retry schedule,
// once; one that never takes it fails the operation with the SMTP error's text.
func TestManualProvisioningSMTPRetry(t *testing.T) {
	t.Run("Recovers", func(t *testing.T) {
		storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
			w := mdStart(t, e, emailtest.Start(t, emailtest.Options{Busy: 2}), 20*time.Millisecond, 20*time.Millisecond, 20*time.Millisecond)
			o := w.sell(t)
			w.mail(t, 1)
			sub := w.waiting(t, o.SubscriptionID, "installing", "")
			if n, away := len(w.smtp.Messages()), w.smtp.TurnedAway(); n != 1 || away != 2 {
				t.Fatalf("%d messages after %d turned away, want 1 after 2", n, away)
			}
			// The retries showed the job already, so the wait is known only once
			// the job that sent the message has recorded it.
			if got := w.completeOnceWaiting(t, sub.ID); got.Status != "active" {
				t.Fatalf("after done: %s", got.Status)
			}
			if n := len(w.smtp.Messages()); n != 1 {
				t.Fatalf("%d messages, want 1", n)
			}
		})
	})
	t.Run("ErrDown", func(t *testing.T) {
		storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
			w := mdStart(t, e, emailtest.Start(t, emailtest.Options{Busy: 1000}), 20*time.Millisecond, 20*time.Millisecond)
			o := w.sell(t)
			sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "installation_failed")
			if e := sub.ProvisioningError; e == nil || !strings.Contains(e.Message, "421") || !strings.Contains(e.Message, "try again later") {
				t.Fatalf("provisioning_error %+v, want the SMTP answer", e)
			}
			odWaitOrder(t, w.owner, w.r.ID, o.ID, "provisioning_failed")
			if away := w.smtp.TurnedAway(); away != 3 {
				t.Errorf("%d attempts, want 3 (the first and two retries)", away)
			}
			_, err := w.owner.CompleteSubscriptionProvisioning(context.Background(), w.r.ID, sub.ID, client.ProvisioningCompletion{Outcome: "done"})
			odErr(t, err, http.StatusUnprocessableEntity, "provisioning_not_waiting", "")
		})
	})
}
