package service

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// TestProvisionChainReadsProductOnce holds the provisioning of a product in manual
// mode, with vendor calls on, to the statements it needs: the vendor provisioner
// takes the plan and the product from memory, and the manual one after it in the
// chain takes them from the request instead of reading them again.
func TestProvisionChainReadsProductOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		settings := vendor.DefaultSettings()
		w := psSetupWithOptions(t, e, soCatalog, func(o *Options) { o.VendorCalls = &settings })
		plan := w.plan("monthly")
		account, model := w.postpaid, "postpay"
		in := domain.SalesOrderInput{AccountID: &account, PlanID: &plan.ID, PlanPeriodID: &plan.Periods[0].ID,
			PaymentModel: &model}
		for _, r := range plan.Resources {
			if r.Minimum > 0 {
				in.Resources = append(in.Resources, domain.ResourceOrder{PlanResourceID: r.ID, Quantity: r.Minimum})
			}
		}
		runner := w.s.RegisterJobs(jobs.NewRunner(w.db, w.clock, jobs.Options{Workers: 1, Logger: w.s.log}))
		deliver := func(events int) uint64 {
			t.Helper()
			for range events {
				if _, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, in, OrderSource{RequesterIP: "192.0.2.1"}); err != nil {
					t.Fatal(err)
				}
			}
			before := w.db.Statements()
			if n, err := runner.RunDue(ctx); err != nil || n != events {
				t.Fatalf("ran %d jobs (%v), want %d", n, err, events)
			}
			return w.db.Statements() - before
		}
		n := jobs.ClaimAhead
		for range 8 { // prepare every statement on every connection
			deliver(n + 2)
		}
		// An event alone: the run's reads with the account as the tenant, the
		// generations of the catalogue and of the resellers (the plan, the product
		// and the e-mail's seller and distributor come from memory; the sales
		// order had no attributes to read), and the transaction that ends the job
		// waiting, with the claim of the worker's next jobs. A busy worker claims
		// its next jobs as it completes one (jobs.ClaimAhead): of two events the
		// second runs alone, and of ClaimAhead+2 those after the first but the
		// last run as one group (runProvisionGroup), whose reads go together, in
		// one round trip on PostgreSQL, the orders' lines in one statement and the
		// generations in another; each job still ends waiting in a transaction of
		// its own.
		one, two, many := deliver(1), deliver(2), deliver(n+2)
		wantAlone, wantGroup := 12, 10*n+2
		if e.Name == "postgres" { // the claim's setting goes ahead of it
			wantAlone, wantGroup = 13, 9*n+4
		}
		wantAloneAndGroup(t, "statements", [3]uint64{one, two, many}, wantAlone, wantGroup)
	})
}
