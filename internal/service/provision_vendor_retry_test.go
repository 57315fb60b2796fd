package service

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// TestRetrySubscriptionProvisioningConflicts checks the refusals of a provisioning
// retry: of an operation that has not failed (409 provisioning_not_failed), and of
// a failed one whose retry is queued already (409 provisioning_retrying).
func TestRetrySubscriptionProvisioningConflicts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		vendorSvc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"message":"no mailboxes left"}`))
		}))
		t.Cleanup(vendorSvc.Close)
		catalogue := strings.Replace(soCatalog, `{mode: manual, email: a@b.example}`,
			`{mode: automatic, api_path: "`+vendorSvc.URL+`"}`, 1)
		settings := vendor.DefaultSettings()
		settings.Addresses.AllowPrivate = true
		w := psSetupWithOptions(t, e, catalogue, func(o *Options) {
			o.VendorCalls, o.VendorAddresses = &settings, settings.Addresses
		})
		plan := w.plan("monthly")
		if _, err := w.s.RotateProductSecret(ctx, w.admin, domain.OperatorID, plan.ProductID); err != nil {
			t.Fatal(err)
		}
		account, model := w.postpaid, "postpay"
		in := domain.SalesOrderInput{AccountID: &account, PlanID: &plan.ID, PlanPeriodID: &plan.Periods[0].ID,
			PaymentModel: &model}
		for _, r := range plan.Resources {
			if r.Minimum > 0 {
				in.Resources = append(in.Resources, domain.ResourceOrder{PlanResourceID: r.ID, Quantity: r.Minimum})
			}
		}
		o, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, in, OrderSource{RequesterIP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		wantRefusal := func(want domain.Message) {
			t.Helper()
			_, err := w.s.RetrySubscriptionProvisioning(ctx, w.admin, domain.OperatorID, o.SubscriptionID)
			if domain.CodeOf(err) != domain.ErrConflict || mgMessage(err) != want {
				t.Fatalf("retry: %v, want conflict %s", err, want)
			}
		}
		wantRefusal(domain.MsgProvisioningNotFailed) // the create is still to run

		runner := w.s.RegisterJobs(jobs.NewRunner(w.db, w.clock, jobs.Options{Workers: 1, Logger: w.s.log}))
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		w.wantSub(o.SubscriptionID, domain.SubscriptionStatusInstallationFailed)
		if _, err := w.s.RetrySubscriptionProvisioning(ctx, w.admin, domain.OperatorID, o.SubscriptionID); err != nil {
			t.Fatalf("retry of the failed create: %v", err)
		}
		wantRefusal(domain.MsgProvisioningRetrying)
	})
}
