package service

import (
	"context"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// soCatalog sells a monthly plan on a service term with three resources, two of them
// ordered above nothing, as the orders benchmark's plan is.
const soCatalog = `service_terms:
  - {key: short, name: Short, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 2}
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]
plans:
  - key: monthly
    product: p
    name: Monthly
    currency: EUR
    status: active
    service_term: short
    billing_type: csp_monthly
    periods: [{key: m, duration: 1, unit: months, setup_fee: "5.00", recurring_fee: "10.00"}]
    resources:
      - {key: seats, name: Seats, unit: unit, included: 5, minimum: 5, limit: 500, recurring_fee: "2.50"}
      - {key: storage, name: Storage, unit: unit, measurable: true, included: 10, minimum: 10, unlimited: true, overuse_fee: "0.125"}
      - {key: archive, name: Archive, unit: boolean, included: 0, minimum: 0, limit: 1, recurring_fee: "4.00"}
`

// TestSalesOrderStatements holds a sales order to the statements its data needs,
// and on PostgreSQL to the round trips it makes, so a new read or write in the path
// cannot come in unnoticed.
func TestSalesOrderStatements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, soCatalog)
		plan := w.plan("monthly")
		pg := e.Name == "postgres"
		order := func(account int64, model string) func() error {
			in := domain.SalesOrderInput{AccountID: &account, PlanID: &plan.ID, PlanPeriodID: &plan.Periods[0].ID,
				PaymentModel: &model}
			for _, r := range plan.Resources {
				if r.Minimum == 0 {
					continue
				}
				in.Resources = append(in.Resources, domain.ResourceOrder{PlanResourceID: r.ID, Quantity: r.Minimum})
			}
			return func() error {
				_, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, in, OrderSource{RequesterIP: "192.0.2.1"})
				return err
			}
		}
		counted := func(name string, f func() error) (statements, trips uint64) {
			t.Helper()
			before, tripsBefore := w.db.Statements(), w.db.RoundTrips()
			if err := f(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return w.db.Statements() - before, w.db.RoundTrips() - tripsBefore
		}
		for _, tc := range []struct {
			name         string
			want, wantPG uint64 // statements
			trips        uint64 // round trips on PostgreSQL
			run          func() error
		}{
			// The account with the manager's name, the subscription, its resources;
			// on SQLite the order's and the payment's numbers, the order and the
			// payment, on PostgreSQL those three in one statement; with the commit:
			// the order's lines, its link to the payment, the three list counters
			// (one statement) and the move of the subscriptions scope (of the
			// operator, which has no reseller above it). The plan, its term and attributes come from
			// memory, and the subscription's INSERT checks that the catalogue has
			// not moved. On PostgreSQL the first read goes with BEGIN and the ids
			// of the subscription, its resources, the order and the payment from
			// their sequences; the rest with COMMIT: the INSERTs of the subscription
			// and its resources, then the numbering statement, which writes the
			// order already linked to its payment and the order's lines, and the
			// order's charges, one multi-row INSERT.
			{"Prepaid", 11, 8, 2, order(w.prepaid, "prepay")},
			// No payment: the subscription is written installing, with the
			// provisioning job sent with the commit; the order's number and the
			// order (with its lines) are one statement on PostgreSQL, sent with the commit, and the
			// order's id is taken with the subscription's. Its charges,
			// blocked from the start, go with the commit; being postpaid they
			// reserve nothing, so the account is not locked. Its two list counters
			// are one statement.
			{"Postpaid", 10, 9, 2, order(w.postpaid, "postpay")},
		} {
			// A statement a connection runs for the first time costs a round trip
			// more, to prepare it: run each case once on every connection first.
			for range 16 {
				counted(tc.name, tc.run)
			}
			want := tc.want
			if pg {
				want = tc.wantPG
			}
			got, trips := counted(tc.name, tc.run)
			if got != want {
				t.Errorf("%s ran %d statements, want %d", tc.name, got, want)
			}
			if pg && trips != tc.trips {
				t.Errorf("%s made %d round trips, want %d", tc.name, trips, tc.trips)
			}
		}
	})
}

// TestProvisionJobStatements holds the provisioning job of a postpaid sales order,
// as the job runner delivers it (claim, run, outcome, completion), to the statements
// and round trips it needs.
func TestProvisionJobStatements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetupWith(t, e, soCatalog)
		plan := w.plan("monthly")
		account, model := w.postpaid, "postpay"
		in := domain.SalesOrderInput{AccountID: &account, PlanID: &plan.ID, PlanPeriodID: &plan.Periods[0].ID,
			PaymentModel: &model}
		for _, r := range plan.Resources {
			if r.Minimum > 0 {
				in.Resources = append(in.Resources, domain.ResourceOrder{PlanResourceID: r.ID, Quantity: r.Minimum})
			}
		}
		deliver := func() (statements, trips uint64) {
			t.Helper()
			o, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, in, OrderSource{RequesterIP: "192.0.2.1"})
			if err != nil {
				t.Fatal(err)
			}
			before, tripsBefore := w.db.Statements(), w.db.RoundTrips()
			if n, err := w.runner.RunDue(ctx); err != nil || n != 1 {
				t.Fatalf("ran %d jobs (%v), want 1", n, err)
			}
			statements, trips = w.db.Statements()-before, w.db.RoundTrips()-tripsBefore
			if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCompleted {
				t.Fatalf("order %d is %s, want completed", o.ID, got.Status)
			}
			w.wantSub(o.SubscriptionID, domain.SubscriptionStatusActive)
			return statements, trips
		}
		for range 16 { // prepare every statement on every connection
			deliver()
		}
		// RunDue's claim of the job (a transaction of its own); the run's reads of
		// the subscription with its resources, of the order and of its lines,
		// for the provisioner (one round trip on PostgreSQL); the outcome's transaction: the job's completion,
		// the order's row (its lines are those read before), the subscription and
		// on PostgreSQL its resources (on SQLite, which holds the write lock, read
		// with it), the order's update, the subscription's with its automatic
		// days (no resource changed), checking the catalogue that the plan and
		// its terms came from memory at, and the move of the subscriptions scope
		// with the commit, and in it the claim of the worker's next job, which
		// finds none; then RunDue's claim that finds none left and its look for
		// jobs other workers run. The subscription, postpaid and owing its sale,
		// reads its account's credit limit to review its debt (docs/billing.md,
		// "Postpaid debt and blocking"). On PostgreSQL each claim is one round
		// trip (BEGIN, the UPDATE and COMMIT) and the outcome's transaction
		// two: BEGIN with the completion, the locks of the order and the
		// subscription, the resources and the account (store.Conn.ReadLocked); the
		// order's update, the subscription's (a moved catalogue fails it, and with
		// it the commit) and the claim with the commit
		// (store.Conn.ClaimNextJobsAlong). Nothing waits for the answers of the
		// completion, the updates or the claim before the commit. Each
		// of the three claims sends its planner settings in its round trip
		// (store's claimPlan).
		want, wantTrips := uint64(14), uint64(6)
		if e.Name == "postgres" {
			want = 18
		}
		got, trips := deliver()
		if got != want {
			t.Errorf("the provisioning job ran %d statements, want %d", got, want)
		}
		if e.Name == "postgres" && trips != wantTrips {
			t.Errorf("the provisioning job made %d round trips, want %d", trips, wantTrips)
		}
	})
}
