package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorIntegrationCheck: the integration check of a product runs as an async
// task whose results list each step: all passed against a good service; against a
// service that fails creates, the create step fails with the vendor's text and the
// update is skipped; with the secret rotated behind the service's back, the first
// step fails on the signature. The check needs the admin or owner role, the
// reseller's own product, and a product in automatic mode.
func TestVendorIntegrationCheck(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e)
		productID := cfState(t, w.s, w.r.ID).Products["mail"].ID
		check := func() *client.AsyncTaskResults {
			t.Helper()
			task, err := w.owner.StartIntegrationCheck(ctx, w.r.ID, productID)
			if err != nil {
				t.Fatal(err)
			}
			done, err := w.owner.WaitAsyncTask(ctx, w.r.ID, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			if done.Status != client.AsyncTaskCompleted || done.Results == nil {
				t.Fatalf("check task: %+v", done)
			}
			return done.Results
		}
		statuses := func(r *client.AsyncTaskResults) string {
			var out []string
			for _, s := range r.Steps {
				out = append(out, s.Step+"="+s.Status)
			}
			return strings.Join(out, ",")
		}

		good := check()
		if !good.Ready || good.Summary != "Your integration is ready to use" ||
			statuses(good) != "check=passed,subscription_create=passed,subscription_update=passed" {
			t.Fatalf("check of a good service: %+v", good)
		}
		for _, ev := range []vendorkit.Event{vendorkit.EventCheck, vendorkit.EventSubscriptionCreate, vendorkit.EventSubscriptionUpdate} {
			if calls := w.callsOf(ev); len(calls) != 1 || !calls[0].signed {
				t.Errorf("%s calls: %+v, want one signed", ev, calls)
			}
		}
		if subs, err := w.vendor.Subscriptions(ctx); err != nil || len(subs) != 0 {
			t.Errorf("the dry run left subscriptions %v (%v)", subs, err)
		}

		w.vendor.Faults.Add(vendorsvc.Fault{Events: []vendorkit.Event{vendorkit.EventSubscriptionCreate},
			Status: 500, Message: "storage is read-only"})
		broken := check()
		if broken.Ready || statuses(broken) != "check=passed,subscription_create=failed,subscription_update=skipped" ||
			broken.Steps[1].Message != "HTTP 500: storage is read-only" || !strings.HasPrefix(broken.Summary, "The check found errors") {
			t.Fatalf("check of a broken service: %+v", broken)
		}
		w.vendor.Faults.Clear()

		if _, err := w.owner.RotateProductSecret(ctx, w.r.ID, productID); err != nil {
			t.Fatal(err)
		}
		unsigned := check()
		if unsigned.Ready || statuses(unsigned) != "check=failed,subscription_create=skipped,subscription_update=skipped" ||
			!strings.Contains(unsigned.Steps[0].Message, "HTTP 401") {
			t.Fatalf("check with a secret the service does not know: %+v", unsigned)
		}

		// Who may check what.
		_, err := w.sales.StartIntegrationCheck(ctx, w.r.ID, productID)
		apiError(t, err, 403)
		other := mustCreateReseller(t, w.s.Admin, domain.OperatorID, "Other Seller")
		cfApply(t, w.s.Admin, other.ID, vsCatalog("https://vault.vendor.example/api"))
		_, err = w.s.Admin.StartIntegrationCheck(ctx, other.ID, productID)
		if got := apiError(t, err, 404).Errors[0].Code; got != "product_not_found" {
			t.Errorf("another reseller's product: %s, want product_not_found", got)
		}
		paper := cfState(t, w.s, other.ID).Products["paper"].ID
		_, err = w.s.Admin.StartIntegrationCheck(ctx, other.ID, paper)
		ae := apiError(t, err, 422).Errors[0]
		if ae.Code != "product_without_vendor_api" || ae.Source == nil || ae.Source.Parameter != "product_id" {
			t.Errorf("a manual product: %+v", ae)
		}
		if want := fmt.Sprintf("product_id %s", "must be in automatic provisioning mode with an API path to be checked"); ae.Detail != want {
			t.Errorf("detail = %q, want %q", ae.Detail, want)
		}
	})
}
