package service

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/jobs"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// Tokyo is nine hours ahead of UTC: its local midnight is 15:00 UTC of the day
// before, so a pass that read days in UTC would act a day late.
var psTokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// psCatalog sells a monthly plan on a term with short periods, the same plan on a
// term whose stops wait for approval, a non-recurring plan and an endless one.
const psCatalog = `service_terms:
  - {key: short, name: Short, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 2}
  - {key: approve, name: Approve, grace_period: 0, stop_period: 10, stop_type: manual}
payment_methods:
  - {key: cash, name: Cash}
categories: [{key: c, name: C}]
products: [{key: p, name: P, category: c, integration: {mode: manual, email: a@b.example}}]
plans:
  - {key: monthly, product: p, name: Monthly, currency: EUR, status: active, service_term: short,
     billing_type: pay_as_you_go, periods: [{key: m, duration: 1, unit: months, recurring_fee: "10.00"}]}
  - {key: approved, product: p, name: Approved, currency: EUR, status: active, service_term: approve,
     billing_type: pay_as_you_go, periods: [{key: m, duration: 1, unit: months, recurring_fee: "10.00"}]}
  - {key: once, product: p, name: Once, currency: EUR, status: active, service_term: short,
     billing_type: non_recurring, periods: [{key: m, duration: 1, unit: months, recurring_fee: "10.00"}]}
  - {key: forever, product: p, name: Forever, currency: EUR, status: active, service_term: short,
     billing_type: pay_as_you_go, periods: [{key: e, unit: endless, recurring_fee: "10.00"}]}
`

// psWorld is a service in Tokyo's zone over a fresh database with psCatalog, a
// prepaid and a postpaid account, and a job runner that delivers provisioning jobs.
type psWorld struct {
	t                 *testing.T
	s                 *Service
	db                *store.DB
	clock             *domain.TestClock
	admin             domain.Actor
	runner            *jobs.Runner
	prepaid, postpaid int64
}

// psStart is 10:00 on 10 March 2031 in Tokyo.
var psStart = time.Date(2031, 3, 10, 10, 0, 0, 0, psTokyo)

func psNewService(t *testing.T, db *store.DB, clock domain.Clock) *Service {
	return psNewServiceWith(db, clock, nil)
}

// psNewServiceWith is psNewService with its options changed by change, when not nil.
func psNewServiceWith(db *store.DB, clock domain.Clock, change func(*Options)) *Service {
	opts := Options{PasswordCost: bcrypt.MinCost, Location: psTokyo,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if change != nil {
		change(&opts)
	}
	return New(db, clock, opts)
}

func psSetup(t *testing.T, e storetest.Engine) *psWorld {
	t.Helper()
	return psSetupWith(t, e, psCatalog)
}

// psSetupWith is psSetup over catalogue.
func psSetupWith(t *testing.T, e storetest.Engine, catalogue string) *psWorld {
	t.Helper()
	return psSetupWithOptions(t, e, catalogue, nil)
}

// psSetupWithOptions is psSetupWith on a service whose options change changes.
func psSetupWithOptions(t *testing.T, e storetest.Engine, catalogue string, change func(*Options)) *psWorld {
	t.Helper()
	ctx := context.Background()
	w := &psWorld{t: t, db: storetest.Open(t, e), clock: domain.NewTestClock(psStart)}
	w.s = psNewServiceWith(w.db, w.clock, change)
	token, err := w.s.Bootstrap(ctx, Operator{Name: "Operator", Domain: "operator.example.com", Currency: "EUR",
		AdminName: "Administrator", AdminEmail: "admin@operator.example.com"})
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	if w.admin, err = w.s.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.ApplyCatalog(ctx, w.admin, domain.OperatorID, []byte(catalogue), false); err != nil {
		t.Fatalf("apply the catalogue: %v", err)
	}
	w.prepaid = w.account("Prepaid", "")
	w.postpaid = w.account("Postpaid", "postpay")
	w.runner = w.s.RegisterJobs(jobs.NewRunner(w.db, w.clock, jobs.Options{Logger: w.s.log}))
	return w
}

func (w *psWorld) account(name, class string) int64 {
	w.t.Helper()
	typ, email := int64(2), name+"@example.com"
	c := domain.AccountChange{AccountTypeID: &typ, FirstName: &name, LastName: &name, Email: &email}
	if class != "" {
		c.AccountClassKey = &class
	}
	acc, err := w.s.CreateAccount(context.Background(), w.admin, domain.OperatorID, c)
	if err != nil {
		w.t.Fatalf("create account %s: %v", name, err)
	}
	return acc.ID
}

// order buys plan key for the account; provisioning is the delayed date, if any.
func (w *psWorld) order(account int64, model, key, provisioning string) *domain.Order {
	w.t.Helper()
	ctx := context.Background()
	plans, _, err := w.db.Reader().FindPlans(ctx, store.PlanFilter{ResellerID: domain.OperatorID,
		Query: domain.ListQuery{Page: domain.Page{Number: 1, Size: 50}}})
	if err != nil {
		w.t.Fatal(err)
	}
	var plan *domain.Plan
	for _, p := range plans {
		if p.Key == key {
			plan = p
		}
	}
	if plan == nil {
		w.t.Fatalf("no plan %s", key)
	}
	in := domain.SalesOrderInput{AccountID: &account, PlanID: &plan.ID, PlanPeriodID: &plan.Periods[0].ID,
		PaymentModel: &model}
	if provisioning != "" {
		in.ProvisioningDate = &provisioning
	}
	o, err := w.s.CreateSalesOrder(ctx, w.admin, domain.OperatorID, in, OrderSource{})
	if err != nil {
		w.t.Fatalf("sales order of %s: %v", key, err)
	}
	return o
}

// at moves the clock to the local moment of day in Tokyo.
func (w *psWorld) at(day string, hour, min, sec int) time.Time {
	w.t.Helper()
	d, err := domain.ParseDate(day)
	if err != nil {
		w.t.Fatal(err)
	}
	now := time.Date(d.Year, d.Month, d.Day, hour, min, sec, 0, psTokyo)
	w.clock.Set(now)
	return now
}

// pass returns the lifecycle pass called name.
func (w *psWorld) pass(name string) jobs.Pass {
	w.t.Helper()
	for _, p := range w.s.Passes() {
		if p.Name() == name {
			return p
		}
	}
	w.t.Fatalf("no pass %s", name)
	return nil
}

// run runs the pass at now, then delivers the jobs due.
func (w *psWorld) run(name string, now time.Time) {
	w.t.Helper()
	if err := w.pass(name).Run(context.Background(), now); err != nil {
		w.t.Fatalf("run %s at %s: %v", name, now, err)
	}
	if _, err := w.runner.RunDue(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

// wantNext checks the next instant the pass has work after after.
func (w *psWorld) wantNext(name string, after, want time.Time) {
	w.t.Helper()
	got, ok, err := w.pass(name).NextDue(context.Background(), after)
	switch {
	case err != nil:
		w.t.Fatalf("%s next due: %v", name, err)
	case want.IsZero() && ok:
		w.t.Fatalf("%s next due %s, want none", name, got)
	case !want.IsZero() && (!ok || !got.Equal(want)):
		w.t.Fatalf("%s next due %s (%v), want %s", name, got, ok, want)
	}
}

func (w *psWorld) orderOf(id int64) *domain.Order {
	w.t.Helper()
	o, err := w.db.Reader().FindOrderByID(context.Background(), 0, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

func (w *psWorld) sub(id int64) *domain.Subscription {
	w.t.Helper()
	s, err := w.db.Reader().FindSubscriptionByID(context.Background(), 0, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *psWorld) wantSub(id int64, want domain.SubscriptionStatus) *domain.Subscription {
	w.t.Helper()
	s := w.sub(id)
	if s.Status != want {
		w.t.Fatalf("subscription %d is %s, want %s", id, s.Status, want)
	}
	return s
}

// schedule reads the schedule columns of subscription id.
func (w *psWorld) schedule(id int64) store.SubscriptionSchedule {
	w.t.Helper()
	var sched store.SubscriptionSchedule
	err := w.db.InTx(context.Background(), func(tx *store.Conn) error {
		if _, err := tx.FindSubscriptionForUpdate(context.Background(), 0, id); err != nil {
			return err
		}
		var err error
		sched, err = tx.FindSubscriptionSchedule(context.Background(), id)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return sched
}

// provisionJobs counts the provisioning jobs of subscription sub by operation.
func (w *psWorld) provisionJobs(sub int64) map[domain.ProvisionOp]int {
	w.t.Helper()
	js, err := w.db.Reader().ListJobs(context.Background(), store.JobFilter{Kind: JobProvision, Limit: 100000})
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[domain.ProvisionOp]int{}
	for _, j := range js {
		var p provisionPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			w.t.Fatal(err)
		}
		if p.SubscriptionID == sub {
			out[p.Op]++
		}
	}
	return out
}

// active buys the plan key for the postpaid account on day at 10:00 and provisions it.
func (w *psWorld) active(key string) *domain.Subscription {
	w.t.Helper()
	o := w.order(w.postpaid, "postpay", key, "")
	if _, err := w.runner.RunDue(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	return w.sub(o.SubscriptionID)
}

// edit changes subscription id through the store, as a manager's operation would.
func (w *psWorld) edit(id int64, f func(s *domain.Subscription)) {
	w.t.Helper()
	err := w.db.InTx(context.Background(), func(tx *store.Conn) error {
		s, err := tx.FindSubscriptionForUpdate(context.Background(), 0, id)
		if err != nil {
			return err
		}
		f(s)
		return tx.UpdateSubscription(context.Background(), s)
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// dueKeys is what the pass's query finds due at now: what a node that found them
// before another node acted holds.
func (w *psWorld) dueKeys(q store.DueQuery, through domain.Date) []store.DueKey {
	w.t.Helper()
	keys, err := w.db.Reader().DueRows(context.Background(), q, through, store.DueKey{}, PassBatch)
	if err != nil {
		w.t.Fatal(err)
	}
	return keys
}

func TestPassExpireUnpaidOrders(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetup(t, e)
		const name = "expire_unpaid_orders"
		o := w.order(w.prepaid, "prepay", "monthly", "")
		late := w.order(w.prepaid, "prepay", "monthly", "")
		if o.Status != domain.OrderStatusWaitingForPayment || o.ExpirationDate.String() != "2031-03-12" {
			t.Fatalf("order %s expiring %s, want waiting_for_payment until 2031-03-12", o.Status, o.ExpirationDate)
		}
		w.wantNext(name, w.at("2031-03-10", 10, 0, 0), time.Date(2031, 3, 13, 0, 0, 0, 0, psTokyo))

		// Payable on its expiration date, to the last second of the local day.
		w.run(name, w.at("2031-03-12", 23, 59, 59))
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusWaitingForPayment {
			t.Fatalf("on its expiration date the order is %s", got.Status)
		}

		// Another node found both due at midnight, but the second was paid meanwhile.
		midnight := w.at("2031-03-13", 0, 0, 0) // 2031-03-12 15:00 UTC
		keys := w.dueKeys(store.DueUnpaidOrders, domain.DateOf(midnight, psTokyo).AddDays(-1))
		if len(keys) != 2 {
			t.Fatalf("due keys %v, want both orders", keys)
		}
		methods, err := w.db.Reader().FindPaymentMethodsOf(ctx, []int64{domain.OperatorID})
		if err != nil || len(methods) == 0 {
			t.Fatalf("payment methods: %v", err)
		}
		if _, err := w.s.CompletePayment(ctx, w.admin, domain.OperatorID, late.PaymentID,
			PaymentCompletion{PaymentMethodID: &methods[0].ID}); err != nil {
			t.Fatalf("complete the payment: %v", err)
		}
		lp := w.pass(name).(*lifecyclePass)
		if err := lp.runBatch(ctx, midnight, keys); err != nil {
			t.Fatal(err)
		}
		got := w.orderOf(o.ID)
		if got.Status != domain.OrderStatusCancelled || !got.ClosedAt.Equal(midnight) {
			t.Fatalf("order %s closed %s, want cancelled at %s", got.Status, got.ClosedAt, midnight)
		}
		p, err := w.db.Reader().FindPaymentByID(ctx, 0, o.PaymentID)
		if err != nil || p.Status != domain.PaymentStatusCancelled {
			t.Fatalf("payment %+v, %v; want cancelled", p, err)
		}
		w.wantSub(o.SubscriptionID, domain.SubscriptionStatusDeleted)
		if got := w.orderOf(late.ID); got.Status == domain.OrderStatusCancelled {
			t.Fatal("the order paid meanwhile was cancelled")
		}

		// Again for the same instant: nothing changes.
		before := w.orderOf(o.ID)
		w.run(name, midnight)
		if after := w.orderOf(o.ID); after.UpdatedAt != before.UpdatedAt || after.Status != before.Status {
			t.Fatalf("a second run changed the order: %+v", after)
		}
		w.wantNext(name, midnight, time.Time{})
	})
}

func TestPassStartDelayedOrders(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := psSetup(t, e)
		const name = "start_delayed_orders"
		o := w.order(w.postpaid, "postpay", "monthly", "2031-03-12")
		other := w.order(w.postpaid, "postpay", "monthly", "2031-03-12")
		if o.Status != domain.OrderStatusWaitingForProvisioning {
			t.Fatalf("order %s, want waiting_for_provisioning", o.Status)
		}
		w.wantNext(name, w.at("2031-03-10", 10, 0, 0), time.Date(2031, 3, 12, 0, 0, 0, 0, psTokyo))

		w.run(name, w.at("2031-03-11", 23, 59, 59))
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusWaitingForProvisioning {
			t.Fatalf("the day before its date the order is %s", got.Status)
		}

		// Another node found both at midnight and moved the second before this one.
		midnight := w.at("2031-03-12", 0, 0, 0)
		keys := w.dueKeys(store.DueDelayedOrders, domain.DateOf(midnight, psTokyo))
		if len(keys) != 2 {
			t.Fatalf("due keys %v, want both", keys)
		}
		other2 := psNewService(t, w.db, w.clock)
		for _, p := range other2.Passes() {
			if p.Name() == name {
				if err := p.Run(ctx, midnight); err != nil {
					t.Fatal(err)
				}
			}
		}
		lp := w.pass(name).(*lifecyclePass)
		if err := lp.runBatch(ctx, midnight, keys); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{o.ID, other.ID} {
			got := w.orderOf(id)
			if got.Status != domain.OrderStatusProvisioning {
				t.Fatalf("order %d is %s, want provisioning", id, got.Status)
			}
			if n := w.provisionJobs(got.SubscriptionID); n[domain.ProvisionOpCreate] != 1 {
				t.Fatalf("subscription %d has create jobs %v, want one", got.SubscriptionID, n)
			}
		}
		w.wantSub(o.SubscriptionID, domain.SubscriptionStatusInstalling)
		w.run(name, midnight) // delivers the jobs; the pass does nothing again
		if got := w.orderOf(o.ID); got.Status != domain.OrderStatusCompleted {
			t.Fatalf("order %s, want completed", got.Status)
		}
		sub := w.wantSub(o.SubscriptionID, domain.SubscriptionStatusActive)
		if sub.StartDate.String() != "2031-03-12" || sub.ExpirationDate.String() != "2031-04-12" {
			t.Fatalf("period %s to %s, want 2031-03-12 to 2031-04-12", sub.StartDate, sub.ExpirationDate)
		}
		if n := w.provisionJobs(o.SubscriptionID); n[domain.ProvisionOpCreate] != 1 {
			t.Fatalf("create jobs %v after a second run, want one", n)
		}
		w.wantNext(name, midnight, time.Time{})
	})
}

// TestPassSubscriptionLifecycle takes an auto-renewing subscription through grace,
// stop and deletion, and one whose auto-renew is off straight to its stop.
func TestPassSubscriptionLifecycle(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetup(t, e)
		const end, grace, del = "end_subscription_periods", "end_subscription_graces", "delete_stopped_subscriptions"
		renewing := w.active("monthly")
		off := w.active("monthly")
		w.edit(off.ID, func(s *domain.Subscription) { s.Autorenew = false })
		delivered := w.active("once")
		endless := w.active("forever")
		if !renewing.Autorenew || renewing.ExpirationDate.String() != "2031-04-10" {
			t.Fatalf("subscription %+v, want auto-renewing until 2031-04-10", renewing)
		}
		w.wantSub(delivered.ID, domain.SubscriptionStatusDelivered)
		if !endless.ExpirationDate.IsZero() {
			t.Fatalf("endless subscription expires %s", endless.ExpirationDate)
		}
		w.wantNext(end, psStart, time.Date(2031, 4, 10, 0, 0, 0, 0, psTokyo))

		w.run(end, w.at("2031-04-09", 23, 59, 59))
		w.wantSub(renewing.ID, domain.SubscriptionStatusActive)
		w.wantSub(off.ID, domain.SubscriptionStatusActive)

		expiry := w.at("2031-04-10", 0, 0, 0)
		w.run(end, expiry)
		w.wantSub(renewing.ID, domain.SubscriptionStatusGraced)
		if s := w.schedule(renewing.ID); s.GraceEndsOn.String() != "2031-04-15" {
			t.Fatalf("grace ends on %s, want 2031-04-15", s.GraceEndsOn)
		}
		// Auto-renew off: stopped on the expiration date.
		w.wantSub(off.ID, domain.SubscriptionStatusStopped)
		if s := w.schedule(off.ID); s.StoppedOn.String() != "2031-04-10" || s.DeleteOn.String() != "2031-04-20" {
			t.Fatalf("stopped %s, deleted on %s; want 2031-04-10 and 2031-04-20", s.StoppedOn, s.DeleteOn)
		}
		w.wantSub(delivered.ID, domain.SubscriptionStatusDelivered)
		w.wantSub(endless.ID, domain.SubscriptionStatusActive)
		w.run(end, expiry) // idempotent
		if n := w.provisionJobs(off.ID); n[domain.ProvisionOpStop] != 1 {
			t.Fatalf("stop jobs %v, want one", n)
		}
		w.wantNext(end, expiry, time.Time{})
		w.wantNext(grace, expiry, time.Date(2031, 4, 15, 0, 0, 0, 0, psTokyo))
		w.wantNext(del, expiry, time.Date(2031, 4, 20, 0, 0, 0, 0, psTokyo))

		w.run(grace, w.at("2031-04-14", 23, 59, 59))
		w.wantSub(renewing.ID, domain.SubscriptionStatusGraced)
		graceEnd := w.at("2031-04-15", 0, 0, 0)
		w.run(grace, graceEnd)
		w.run(grace, graceEnd)
		w.wantSub(renewing.ID, domain.SubscriptionStatusStopped)
		if n := w.provisionJobs(renewing.ID); n[domain.ProvisionOpStop] != 1 {
			t.Fatalf("stop jobs %v, want one", n)
		}
		w.wantNext(del, graceEnd, time.Date(2031, 4, 20, 0, 0, 0, 0, psTokyo))

		w.run(del, w.at("2031-04-19", 23, 59, 59))
		w.wantSub(off.ID, domain.SubscriptionStatusStopped)
		first := w.at("2031-04-20", 0, 0, 0)
		w.run(del, first)
		w.run(del, first)
		w.wantSub(off.ID, domain.SubscriptionStatusDeleted)
		w.wantSub(renewing.ID, domain.SubscriptionStatusStopped)
		w.wantNext(del, first, time.Date(2031, 4, 25, 0, 0, 0, 0, psTokyo))
		w.run(del, w.at("2031-04-25", 0, 0, 0))
		w.wantSub(renewing.ID, domain.SubscriptionStatusDeleted)
		for _, id := range []int64{renewing.ID, off.ID} {
			if n := w.provisionJobs(id); n[domain.ProvisionOpStop] != 1 || n[domain.ProvisionOpDelete] != 1 {
				t.Fatalf("subscription %d jobs %v, want one stop and one delete", id, n)
			}
		}
		w.wantNext(del, w.clock.Now(), time.Time{})
	})
}

// TestPassManualStop waits for a manager's approval of the stop when the service term
// says manual; a declined stop is not asked for again in the same period.
func TestPassManualStop(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		w := psSetup(t, e)
		const end = "end_subscription_periods"
		sub := w.active("approved")
		expiry := w.at("2031-04-10", 0, 0, 0)
		w.run(end, expiry)
		got := w.wantSub(sub.ID, domain.SubscriptionStatusWaitingForManualApprove)
		if got.AwaitingApproval != domain.ProvisionOpStop || got.Autorenew {
			t.Fatalf("awaiting %q, autorenew %v; want a stop, auto-renew off", got.AwaitingApproval, got.Autorenew)
		}
		if n := w.provisionJobs(sub.ID); n[domain.ProvisionOpStop] != 0 {
			t.Fatalf("stop jobs %v before the approval", n)
		}
		w.edit(sub.ID, func(s *domain.Subscription) {
			if err := s.Apply(domain.SubscriptionEvent{Kind: domain.SubscriptionEventDecline}, domain.BillingPayAsYouGo.Rules()); err != nil {
				t.Fatal(err)
			}
		})
		w.wantSub(sub.ID, domain.SubscriptionStatusActive)
		w.run(end, w.at("2031-04-11", 0, 0, 0))
		w.wantSub(sub.ID, domain.SubscriptionStatusActive)
		w.wantNext(end, w.clock.Now(), time.Time{})
	})
}
