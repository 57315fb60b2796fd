package e2e

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorProvisioning: a sales order of a product in automatic mode is created on
// the vendor's service by a signed call; the subscription shows the vendor's id and
// attributes and the job that carried it; a stop and an activation reach the
// vendor too.
func TestVendorProvisioning(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 50*time.Millisecond)
		o := w.sell(t)
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		if sub.ExternalID == nil || sub.ProvisioningJobID == nil || sub.ProvisioningError != nil {
			t.Fatalf("provisioned subscription: external_id %v, job %v, error %+v", sub.ExternalID, sub.ProvisioningJobID, sub.ProvisioningError)
		}
		vs := w.vendorSubscription(t, *sub.ExternalID)
		if vs.SubscriptionID != strconv.FormatInt(sub.ID, 10) || vs.Resources["mailbox"] != 3 || vs.PlanSKU != "MAIL-1M" ||
			vs.TenantID != w.account.ID || vs.ResellerID != strconv.FormatInt(w.r.ID, 10) {
			t.Errorf("the vendor's subscription: %+v", vs)
		}
		if sub.VendorAttributes["login_url"] != vs.Attributes["login_url"] || sub.VendorAttributes["login_url"] == "" {
			t.Errorf("vendor_attributes = %v, want the vendor's %v", sub.VendorAttributes, vs.Attributes)
		}
		creates := w.callsOf(vendorkit.EventSubscriptionCreate)
		if len(creates) != 1 || !creates[0].signed || creates[0].eventID != *sub.ProvisioningJobID {
			t.Fatalf("create calls %+v, want one signed under event id %s", creates, *sub.ProvisioningJobID)
		}

		if err := w.owner.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		stopped := soWait(t, w.owner, w.r.ID, sub.ID, "stopped")
		if got := w.vendorSubscription(t, *sub.ExternalID).Status; got != "stopped" {
			t.Errorf("the vendor's status after a stop: %q", got)
		}
		if stopped.ProvisioningJobID == nil || *stopped.ProvisioningJobID == *sub.ProvisioningJobID {
			t.Errorf("provisioning_job_id after the stop = %v, want the stop's job", stopped.ProvisioningJobID)
		}
		if err := w.owner.ActivateSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, sub.ID, "active")
		if got := w.vendorSubscription(t, *sub.ExternalID).Status; got != "active" {
			t.Errorf("the vendor's status after an activation: %q", got)
		}
		for _, ev := range []vendorkit.Event{vendorkit.EventSubscriptionStop, vendorkit.EventSubscriptionActivate} {
			if calls := w.callsOf(ev); len(calls) != 1 || !calls[0].signed {
				t.Errorf("%s calls: %+v, want one signed", ev, calls)
			}
		}
	})
}

// TestVendorRetriesUnderOneEvent: a vendor that does the work and then answers 500,
// twice, is called a third time under the same event id; it replays its first
// answer, so the work is done once, and the order completes.
func TestVendorRetriesUnderOneEvent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := vdStart(t, e, 50*time.Millisecond, 50*time.Millisecond, 50*time.Millisecond)
		w.vendor.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate},
			Status: http.StatusInternalServerError, Times: 2, AfterEffect: true})
		o := w.sell(t)
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		creates := w.callsOf(vendorkit.EventSubscriptionCreate)
		if len(creates) != 3 {
			t.Fatalf("%d create calls, want 3 (two answered 500)", len(creates))
		}
		for _, c := range creates {
			if c.eventID != creates[0].eventID || !c.signed {
				t.Errorf("create call %+v: want event id %s, signed", c, creates[0].eventID)
			}
		}
		if n := w.vendor.Handled(vendorkit.EventSubscriptionCreate); n != 1 {
			t.Errorf("the vendor created %d times, want 1", n)
		}
		if sub.ExternalID == nil || w.vendorSubscription(t, *sub.ExternalID).Status != "active" {
			t.Errorf("external_id %v", sub.ExternalID)
		}
		// GET /metrics counts the three calls and the job's three runs by how
		// each ended, and times them.
		metricsWait(t, w.s, map[string]float64{
			`cascade_vendor_calls_total{event="subscription.create",outcome="retryable"}`: 2,
			`cascade_vendor_calls_total{event="subscription.create",outcome="success"}`:   1,
			`cascade_vendor_call_duration_seconds_count{event="subscription.create"}`:     3,
			`cascade_job_runs_total{kind="provision",outcome="retry"}`:                    2,
			`cascade_job_runs_total{kind="provision",outcome="completed"}`:                1,
			`cascade_job_run_duration_seconds_count{kind="provision"}`:                    3,
		})
	})
}

// TestVendorRefusalAndRetry: a vendor that refuses a create with a 4xx fails it at
// once: the subscription installation_failed with the vendor's text, the order
// provisioning_failed. Once the vendor is mended, an owner's provisioning_retry
// sends it again and the subscription becomes active; a sales manager may not.
func TestVendorRefusalAndRetry(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 50*time.Millisecond, 50*time.Millisecond)
		w.vendor.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate},
			Status: http.StatusUnprocessableEntity, Message: "no mailboxes left in this region"})
		o := w.sell(t)
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "provisioning_failed")
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "installation_failed")
		pe := sub.ProvisioningError
		if pe == nil || pe.Code != "422" || pe.Message != "no mailboxes left in this region" || pe.At == "" || sub.ExternalID != nil {
			t.Fatalf("provisioning_error %+v, external_id %v", pe, sub.ExternalID)
		}
		if n := len(w.callsOf(vendorkit.EventSubscriptionCreate)); n != 1 {
			t.Errorf("%d create calls for a refusal, want 1", n)
		}
		_, err := w.sales.RetrySubscriptionProvisioning(ctx, w.r.ID, sub.ID)
		apiError(t, err, http.StatusForbidden)

		w.vendor.Faults.Clear()
		// The job fails just after the refusal is applied; wait for it to be retryable.
		deadline := time.Now().Add(10 * time.Second)
		var retried bool
		for !retried {
			_, err := w.owner.RetrySubscriptionProvisioning(ctx, w.r.ID, sub.ID)
			switch {
			case err == nil:
				retried = true
			case time.Now().After(deadline):
				t.Fatalf("provisioning_retry: %v", err)
			default:
				apiError(t, err, http.StatusConflict)
				time.Sleep(20 * time.Millisecond)
			}
		}
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		sub = soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		if sub.ProvisioningError != nil || sub.ExternalID == nil {
			t.Errorf("after the retry: error %+v, external_id %v", sub.ProvisioningError, sub.ExternalID)
		}
		creates := w.callsOf(vendorkit.EventSubscriptionCreate)
		if len(creates) != 2 || creates[1].eventID != creates[0].eventID {
			t.Errorf("create calls %+v, want two under one event id", creates)
		}
		_, err = w.owner.RetrySubscriptionProvisioning(ctx, w.r.ID, sub.ID)
		if e := apiError(t, err, http.StatusConflict); e == nil {
			t.Error("a retry of an active subscription was accepted")
		}
	})
}
