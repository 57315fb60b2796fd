package e2e

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorOrderAttributes: with order attributes from the vendor, the plan's
// attributes are the vendor's (the catalogue declares none), and the validation
// task checks values against them, then asks the vendor: accepted values complete
// the task, a refused one fails it with the vendor's text, a missing required one is
// refused by the platform before the vendor is asked. A vendor that does not
// answer makes the list a 503.
func TestVendorOrderAttributes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vqStart(t, e)
		mailbox := atResource(t, w.plan, "mailbox")
		attrs, err := w.owner.ListOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, []int64{mailbox})
		if err != nil {
			t.Fatal(err)
		}
		if len(attrs) != 2 || attrs[0].Key != "domain" || !attrs[0].Required || attrs[0].Type != "string" ||
			attrs[1].Key != "region" || attrs[1].Type != "list" || len(attrs[1].Values) != 2 {
			t.Fatalf("order attributes = %+v, want the vendor's domain and region", attrs)
		}
		calls := w.callsOf(vendorkit.EventOrderAttributes)
		if len(calls) != 1 || !calls[0].signed {
			t.Fatalf("order attributes calls: %+v, want one signed", calls)
		}

		validate := func(values map[string]any) *client.AsyncTask {
			t.Helper()
			task, err := w.owner.ValidateOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, values)
			if err != nil {
				t.Fatal(err)
			}
			done, err := w.owner.WaitAsyncTask(ctx, w.r.ID, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			return done
		}
		ok := validate(map[string]any{"domain": " example.com ", "region": "eu"})
		if ok.Status != client.AsyncTaskCompleted || ok.Results == nil || !ok.Results.Valid ||
			ok.Results.ApplicationAttributes["domain"] != "example.com" {
			t.Fatalf("accepted values: %+v %+v", ok, ok.Results)
		}
		if got := len(w.callsOf(vendorkit.EventAttributesValidation)); got != 1 {
			t.Fatalf("attributes validation calls = %d, want 1", got)
		}

		refused := validate(map[string]any{"domain": "localhost"})
		if refused.Status != client.AsyncTaskFailed || refused.FailureMessage != "domain: enter a domain name such as example.com" {
			t.Fatalf("refused values: %+v, want failed with the vendor's text", refused)
		}

		missing := validate(map[string]any{"region": "us"})
		if missing.Status != client.AsyncTaskCompleted || missing.Results.Valid || len(missing.Results.Errors) != 1 ||
			missing.Results.Errors[0].Key != "domain" {
			t.Fatalf("missing domain: %+v %+v", missing, missing.Results)
		}
		if got := len(w.callsOf(vendorkit.EventAttributesValidation)); got != 2 {
			t.Fatalf("attributes validation calls = %d, want 2: the platform refused the last values itself", got)
		}

		w.vdUnreachable(t, vqCatalog)
		_, err = w.owner.ListOrderAttributes(ctx, w.r.ID, w.plan.ID, w.account.ID, nil)
		if got := apiError(t, err, 503).Errors[0].Code; got != "vendor_unavailable" {
			t.Errorf("order attributes with the vendor down: %s, want vendor_unavailable", got)
		}
	})
}
