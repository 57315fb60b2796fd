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

// vendorDelivery is a service whose product calls a vendor service on loopback
// that answers every call, with a sales order's input for its plan and a runner
// of one worker, so each completion claims the next events in its transaction.
type vendorDelivery struct {
	w         *psWorld
	catalogue string // as applied
	in        domain.SalesOrderInput
	runner    *jobs.Runner
	calls     atomic.Int64 // the subscription calls the vendor answered
	// during, when set, is called with the number of each subscription call as
	// the vendor answers it.
	during func(n int64)
}

// newVendorDelivery returns a vendorDelivery on e; change, when not nil, changes
// the service's options.
func newVendorDelivery(t *testing.T, e storetest.Engine, change func(*Options)) *vendorDelivery {
	ctx := context.Background()
	d := &vendorDelivery{}
	vendorSvc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/user/create") {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":"user-1"}`))
			return
		}
		n := d.calls.Add(1)
		if d.during != nil {
			d.during(n)
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"external_id":"ext-` + string(rune('a'+n%26)) + `","attributes":{"login":"x"}}`))
	}))
	t.Cleanup(vendorSvc.Close)
	d.catalogue = strings.Replace(soCatalog, `{mode: manual, email: a@b.example}`,
		`{mode: automatic, api_path: "`+vendorSvc.URL+`"}`, 1)
	settings := vendor.DefaultSettings()
	settings.Addresses.AllowPrivate = true
	d.w = psSetupWithOptions(t, e, d.catalogue, func(o *Options) {
		o.VendorCalls, o.VendorAddresses = &settings, settings.Addresses
		if change != nil {
			change(o)
		}
	})
	plan := d.w.plan("monthly")
	if _, err := d.w.s.RotateProductSecret(ctx, d.w.admin, domain.OperatorID, plan.ProductID); err != nil {
		t.Fatal(err)
	}
	account, model := d.w.postpaid, "postpay"
	d.in = domain.SalesOrderInput{AccountID: &account, PlanID: &plan.ID, PlanPeriodID: &plan.Periods[0].ID,
		PaymentModel: &model}
	for _, r := range plan.Resources {
		if r.Minimum > 0 {
			d.in.Resources = append(d.in.Resources, domain.ResourceOrder{PlanResourceID: r.ID, Quantity: r.Minimum})
		}
	}
	d.runner = d.w.s.RegisterJobs(jobs.NewRunner(d.w.db, d.w.clock, jobs.Options{Workers: 1, Logger: d.w.s.log}))
	// The account's first subscription of the product also tells the vendor of
	// its owner (a job of its own); later ones do not.
	d.deliver(t, 1)
	return d
}

// deliver orders events subscriptions and delivers them, checks that the vendor
// was called once for each and that each order completed with the vendor's
// answer kept on its subscription, and returns the statements and round trips
// the delivery took.
func (d *vendorDelivery) deliver(t *testing.T, events int) (statements, trips uint64) {
	t.Helper()
	ctx, w := context.Background(), d.w
	var orders []*domain.Order
	for range events {
		o, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, d.in, OrderSource{RequesterIP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, o)
	}
	before, tripsBefore, callsBefore := w.db.Statements(), w.db.RoundTrips(), d.calls.Load()
	ran := 0
	for {
		n, err := d.runner.RunDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		ran += n
	}
	statements, trips = w.db.Statements()-before, w.db.RoundTrips()-tripsBefore
	if got := d.calls.Load() - callsBefore; got != int64(events) {
		t.Fatalf("the vendor was called %d times for %d events", got, events)
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

// TestVendorDeliveryStatements holds subscription creates delivered to a vendor,
// as the job runner delivers them (claim, the request's reads, the call, the
// outcome with the vendor's answer, the completion), alone and in a group, to the
// statements and round trips they need, and checks that the vendor's answer is
// kept on each subscription.
func TestVendorDeliveryStatements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		d := newVendorDelivery(t, e, nil)
		for range 8 { // prepare every statement on every connection
			d.deliver(t, jobs.ClaimAhead+2)
		}
		// What one more event costs a worker that runs it alone: the run's reads
		// of the subscription, the order and its lines, and the account with its
		// type's key and its owner's names (four statements), and the generations
		// of the catalogue and of the seller's scope (one statement on PostgreSQL,
		// in the same round trip; on SQLite, read from memory until a commit, then
		// a statement per scope), with which the plan, the product and its secret,
		// the seller and the distributor (here the seller) come from memory; the
		// sales order had no attributes, so nothing more is read for them. Then
		// one transaction: the job's completion, the order's row, the subscription
		// (with its resources in a statement of their own on PostgreSQL), the
		// order's update, the subscription's with the vendor's answer (one
		// statement: a row version less, whose every index PostgreSQL would
		// write), and the scope's move with the commit. What the vendor should
		// hold of the account's users adds two statements: the account's users
		// (the product comes from memory at the catalogue's generation the
		// subscription's update checks), and each user's row, which the vendor
		// holds as active already, held shared. The subscription, postpaid and
		// owing its sale, reads its account's credit limit to review its debt
		// (docs/billing.md, "Postpaid debt and blocking"). On PostgreSQL the
		// transaction takes two round trips: BEGIN with the completion, the locks
		// of the order and the subscription, the resources, the account, its
		// users and the first user's hold (store.Conn.ReadLocked; the account has
		// one user); and the order's update, the subscription's (nothing waits for
		// their answers: a moved catalogue fails the subscription's, and the
		// commit with it) and the scope's move with COMMIT.
		//
		// A worker claims its next jobs as it completes one (jobs.ClaimAhead), so
		// of two events the second runs alone, and of ClaimAhead+2 those after the
		// first but the last run as one group (runProvisionGroup): their subjects
		// read in one round trip, the orders' lines in one statement and the
		// generations in another; their outcomes in one transaction of two round
		// trips, where the scope's move and the claim of the next jobs are made
		// once. Each count includes the claim that found nothing after them (on
		// PostgreSQL, with the setting sent ahead of it).
		n := jobs.ClaimAhead
		one, oneTrips := d.deliver(t, 1)
		two, twoTrips := d.deliver(t, 2)
		many, manyTrips := d.deliver(t, n+2)
		const wantTrips = 3
		// On PostgreSQL an event alone takes the 15 above and its claim 2; a
		// group, for each event, the run's three reads, the completion, the seven
		// reads with the locks and the two updates, and once the orders' lines,
		// the generations, the scope's move and the claim with its setting. On
		// SQLite, where the subscription's resources come with its row, one
		// statement less each.
		wantAlone, wantGroup := 16, 11*n+5
		if e.Name == "postgres" {
			wantAlone, wantGroup = 17, 12*n+5
		}
		wantAloneAndGroup(t, "statements", [3]uint64{one, two, many}, wantAlone, wantGroup)
		if e.Name == "postgres" {
			wantAloneAndGroup(t, "round trips", [3]uint64{oneTrips, twoTrips, manyTrips}, wantTrips, wantTrips)
		}
	})
}

// wantAloneAndGroup checks what deliveries of 1, 2 and ClaimAhead+2 events took
// (counts, of what): one event more alone, the second of two, took wantAlone; the
// group of ClaimAhead between the first and the last of the larger delivery,
// wantGroup.
func wantAloneAndGroup(t *testing.T, what string, counts [3]uint64, wantAlone, wantGroup int) {
	t.Helper()
	one, two, many := counts[0], counts[1], counts[2]
	if got := two - one; got != uint64(wantAlone) {
		t.Errorf("an event alone took %d %s (1: %d, 2: %d), want %d", got, what, one, two, wantAlone)
	}
	if got := many - two; got != uint64(wantGroup) {
		t.Errorf("a group of %d events took %d %s (2: %d, %d: %d), want %d", jobs.ClaimAhead, got, what, two,
			jobs.ClaimAhead+2, many, wantGroup)
	}
}
