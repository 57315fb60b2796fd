package service

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// TestVendorDeliveryStatements holds one subscription create delivered to a vendor,
// as the job runner delivers it (claim, the request's reads, the call, the outcome
// with the vendor's answer, the completion), to the statements and round trips it
// needs, and checks that the vendor's answer is kept on the subscription.
func TestVendorDeliveryStatements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		var calls atomic.Int64
		vendorSvc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			if strings.HasSuffix(r.URL.Path, "/user/create") {
				_, _ = w.Write([]byte(`{"id":"user-1"}`))
				return
			}
			n := calls.Add(1)
			_, _ = w.Write([]byte(`{"external_id":"ext-` + string(rune('a'+n%26)) + `","attributes":{"login":"x"}}`))
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
		// One worker, so each completion claims the next event in its transaction.
		runner := jobs.NewRunner(w.db, w.clock, jobs.Options{Workers: 1, Logger: w.s.log})
		for kind, h := range w.s.JobHandlers() {
			runner.Handle(kind, h)
		}
		deliver := func(events int) (statements, trips uint64) {
			t.Helper()
			var orders []*domain.Order
			for range events {
				o, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, in, OrderSource{RequesterIP: "192.0.2.1"})
				if err != nil {
					t.Fatal(err)
				}
				orders = append(orders, o)
			}
			before, tripsBefore, callsBefore := w.db.Statements(), w.db.RoundTrips(), calls.Load()
			if n, err := runner.RunDue(ctx); err != nil || n != events {
				t.Fatalf("ran %d jobs (%v), want %d", n, err, events)
			}
			statements, trips = w.db.Statements()-before, w.db.RoundTrips()-tripsBefore
			if got := calls.Load() - callsBefore; got != int64(events) {
				t.Fatalf("the vendor was called %d times, want %d", got, events)
			}
			for _, o := range orders {
				if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCompleted {
					t.Fatalf("order %d is %s, want completed", o.ID, got.Status)
				}
				sub := w.wantSub(o.SubscriptionID, domain.SubscriptionStatusActive)
				if sub.Vendor.ExternalID == "" || sub.Vendor.Attributes["login"] != "x" || sub.Vendor.JobID == "" ||
					sub.Vendor.Error != nil {
					t.Fatalf("vendor state %+v, want the vendor's answer and the job", sub.Vendor)
				}
			}
			return statements, trips
		}
		// The account's first subscription of the product also tells the vendor of
		// its owner (a job of its own); later ones do not.
		if _, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, in, OrderSource{RequesterIP: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		for {
			n, err := runner.RunDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		for range 8 { // prepare every statement on every connection
			deliver(2)
		}
		// What one more event costs a busy worker, which claims up to four jobs
		// as it completes one (jobs' claimAhead; two events and five take as many
		// claims): the run's reads of the subscription, the order and its lines,
		// and the account with its type's key and its owner's names (four
		// statements), and the generations of the catalogue and of the seller's
		// scope (one statement on PostgreSQL, in the same round trip; on SQLite,
		// read from memory until a commit, then a statement per scope), with
		// which the plan, the product and its secret, the seller and the
		// distributor (here the seller) come from memory; the sales order had no
		// attributes, so nothing more is read for them. Then one transaction: the
		// job's completion, the order's row, the subscription (with its resources
		// in a statement of their own on PostgreSQL), the order's update, the
		// subscription's with the vendor's answer (one statement: a row version
		// less, whose every index PostgreSQL would write), and the scope's move
		// with the commit. What the vendor should hold of the account's users
		// adds two statements: the account's users (the product comes from memory
		// at the catalogue's generation the subscription's update checks), and
		// each user's row, which the vendor holds as active already, held shared.
		// The subscription, postpaid and owing its sale, reads its account's
		// credit limit to review its debt (docs/billing.md, "Postpaid debt and
		// blocking"). On PostgreSQL the transaction takes two round trips: BEGIN
		// with the completion, the locks of the order and the subscription, the
		// resources, the account, its users and the first user's hold
		// (store.Conn.ReadLocked; the account has one user); and the order's
		// update, the subscription's (nothing waits for their answers: a moved
		// catalogue fails the subscription's, and the commit with it) and the
		// scope's move with COMMIT.
		two, twoTrips := deliver(2)
		five, fiveTrips := deliver(5)
		const want, wantTrips = 15, 3
		if got := (five - two) / 3; got != want || (five-two)%3 != 0 {
			t.Errorf("an event more ran %d more statements (2: %d, 5: %d), want %d", got, two, five, want)
		}
		if got := (fiveTrips - twoTrips) / 3; e.Name == "postgres" && (got != wantTrips || (fiveTrips-twoTrips)%3 != 0) {
			t.Errorf("an event more made %d more round trips (2: %d, 5: %d), want %d", got, twoTrips, fiveTrips, wantTrips)
		}
	})
}
