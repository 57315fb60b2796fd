package e2e

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// twCatalog sells three pay-as-you-go desk plans in a circle of immediate switches
// (a → b → c → a), each on a service term with its own proration rule, so a switch
// away from each plan is priced by another rule. Prices are chosen so that a day of a
// 31-day month of plan a costs 1.00: a 31.00, b 62.00, c 93.00 a month, and a seat
// beyond the included one a tenth of that. Every term renews five days before the
// expiration date, graces five days, deletes ten days after a stop, and gives three
// days to pay an order.
const twCatalog = `
categories:
  - {key: office, name: Office, public: true}
products:
  - key: desk
    name: Desk
    category: office
    public: true
    integration: {mode: manual, email: ops@vendor.example}
payment_methods:
  - {key: cash, name: Cash}
service_terms:
  - {key: tw-prorated, name: Prorated, autorenew_point: 5, manual_renew_point: 10, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 3, proration: immediate_prorated}
  - {key: tw-full, name: Full, autorenew_point: 5, manual_renew_point: 10, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 3, proration: immediate_full}
  - {key: tw-next, name: Next, autorenew_point: 5, manual_renew_point: 10, grace_period: 5, stop_period: 10, cancel_unpaid_order_in: 3, proration: next_period}
plans:
  - key: desk-a
    product: desk
    name: Desk A
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    service_term: tw-prorated
    periods:
      - {key: 1m, duration: 1, unit: months, setup_fee: "2.00", recurring_fee: "31.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 1, minimum: 1, limit: 20, recurring_fee: "3.10"}
    switch_to:
      - {plan: desk-b, type: immediate_switch}
  - key: desk-b
    product: desk
    name: Desk B
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    service_term: tw-full
    periods:
      - {key: 1m, duration: 1, unit: months, setup_fee: "5.00", recurring_fee: "62.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 1, minimum: 1, limit: 20, recurring_fee: "6.20"}
    switch_to:
      - {plan: desk-c, type: immediate_switch}
  - key: desk-c
    product: desk
    name: Desk C
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    service_term: tw-next
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "93.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 1, minimum: 1, limit: 20, recurring_fee: "9.30"}
    switch_to:
      - {plan: desk-a, type: immediate_switch}
`

// twWorld is one prepaid customer of a reseller selling twCatalog, on a server whose
// test clock starts at tcStart (31 January 2027, 10:00 in Berlin), and the one
// subscription the test follows.
type twWorld struct {
	t     *testing.T
	s     *server
	rid   int64
	sales *client.Client
	acc   *client.Account
	cash  int64
	plans map[string]*client.Plan
	sub   int64
	// payments counts the payments made so far: each order's payment takes the
	// next number of the reseller's series.
	payments int
	// counts is the last document number given per order prefix.
	counts map[string]int
}

// twEachEngine runs f on a fresh twWorld on every engine.
func twEachEngine(t *testing.T, f func(t *testing.T, w *twWorld)) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		w := &twWorld{t: t, s: s, plans: map[string]*client.Plan{}, counts: map[string]int{}}
		r := mustCreateReseller(t, s.Admin, domain.OperatorID, "Desk Seller")
		w.rid = r.ID
		cfApply(t, s.Admin, w.rid, twCatalog)
		for _, k := range []string{"desk-a", "desk-b", "desk-c"} {
			w.plans[k] = atPlan(t, s.Admin, w.rid, k)
		}
		w.acc = acMustCreate(t, s.Admin, w.rid, acPerson("Dana", "Desk"))
		w.sales = s.client(mustCreateManager(t, s.Admin, w.rid, "sales").APIToken)
		w.cash = cashMethod(t, s, w.rid)
		f(t, w)
	})
}

// at moves the test clock to hour o'clock of day in Berlin, running what falls due.
func (w *twWorld) at(day string, hour int) {
	w.t.Helper()
	psAdvance(w.t, w.s, psAt(day, hour))
}

// seats is a resources list of n seats of plan key.
func (w *twWorld) seats(key string, n int64) *client.ResourceList {
	return &client.ResourceList{Data: []client.ResourceQuantity{
		{PlanResourceID: atResource(w.t, w.plans[key], "seat"), Quantity: n}}}
}

// period is the monthly period of plan key.
func (w *twWorld) period(key string) int64 { return odPeriod(w.t, w.plans[key], "1m") }

// wantOrder checks o is the next order of its prefix (kind's) and costs total.
func (w *twWorld) wantOrder(o *client.Order, kind, prefix, total string) {
	w.t.Helper()
	w.counts[prefix]++
	if doc := fmt.Sprintf("%s%06d", prefix, w.counts[prefix]); o.Type != kind || o.DocumentID != doc {
		w.t.Fatalf("order %s of type %s, want %s %s", o.DocumentID, o.Type, kind, doc)
	}
	// The plans are priced in USD and the reseller sells in EUR without a rate for
	// USD: orders are in EUR at the default rate 1 (docs/billing.md, Currency rates).
	if !twSameMoney(o.Total, total) || o.Currency != "EUR" {
		w.t.Fatalf("order %s costs %s %s, want %s EUR", o.DocumentID, o.Total, o.Currency, total)
	}
}

// pay completes o's payment in cash, checks the payment carries the next number of
// the reseller's payments and o's total, and waits until o is status.
func (w *twWorld) pay(o *client.Order, status string) {
	w.t.Helper()
	if o.Status != "waiting_for_payment" || o.PaymentID == nil {
		w.t.Fatalf("order %s is %s with payment %v, want waiting for payment", o.DocumentID, o.Status, o.PaymentID)
	}
	p, err := w.sales.CompletePayment(context.Background(), w.rid, *o.PaymentID, w.cash)
	if err != nil {
		w.t.Fatalf("pay %s: %v", o.DocumentID, err)
	}
	w.payments++
	if doc := fmt.Sprintf("%06d", w.payments); p.DocumentID != doc || p.Status != "completed" ||
		!twSameMoney(p.Total, o.Total) {
		w.t.Fatalf("payment of %s: %s %s for %s; want %s completed for %s", o.DocumentID, p.DocumentID, p.Status,
			p.Total, doc, o.Total)
	}
	done := odWaitOrder(w.t, w.sales, w.rid, o.ID, status)
	// The order's charges sum to its total, blocked while it waits for its
	// provisioning date and closed (refunds refunded) once it is provisioned.
	charge, refund := "blocked", "waiting_for_refund"
	if status == "completed" {
		charge, refund = "closed", "refunded"
	}
	chWantCharges(w.t, w.sales, w.rid, done, map[string]string{"Charge::Setup": charge, "Charge::Recurring": charge,
		"Charge::Renewal": charge, "Charge::Refund": refund})
	mustLedgerConsistent(w.t, w.s)
}

// want checks the subscription's status, plan and expiration date.
func (w *twWorld) want(status, plan, expires string) *client.Subscription {
	w.t.Helper()
	sub := soWait(w.t, w.sales, w.rid, w.sub, status)
	if sub.ExpirationDate == nil {
		w.t.Fatalf("subscription %d has no expiration date, want %s", w.sub, expires)
	}
	if sub.PlanID != w.plans[plan].ID || *sub.ExpirationDate != expires {
		w.t.Fatalf("subscription %d: plan %d, expires %s; want %s (%d), %s", w.sub, sub.PlanID, *sub.ExpirationDate,
			plan, w.plans[plan].ID, expires)
	}
	return sub
}

// renewal is the automatic renewal of the period that ends on expires: it is made
// five days before, waits for its payment and costs total; paid at once, it waits for
// the expiration date and renews the subscription then, to next.
func (w *twWorld) renewal(plan, expires, next, total string) {
	w.t.Helper()
	w.pay(w.automaticRenewal(expires, total), "waiting_for_provisioning")
	w.at(expires, 0)
	w.want("active", plan, next)
}

// automaticRenewal advances to the day the renewal of the period ending on expires
// falls due and returns the order the scheduler made, checked like wantOrder.
func (w *twWorld) automaticRenewal(expires, total string) *client.Order {
	w.t.Helper()
	end, err := domain.ParseDate(expires)
	if err != nil {
		w.t.Fatal(err)
	}
	due := end.AddDays(-5).String()
	w.at(due, 0)
	renewals := rnOrders(w.t, w.s, w.rid, w.sub, "RenewalOrder")
	if len(renewals) != w.counts["RN"]+1 {
		w.t.Fatalf("on %s: %d renewal orders, want %d", due, len(renewals), w.counts["RN"]+1)
	}
	o := renewals[len(renewals)-1]
	w.wantOrder(&o, "RenewalOrder", "RN", total)
	if o.CreatedBy != "System" || o.ProvisioningDate == nil || *o.ProvisioningDate != expires {
		w.t.Fatalf("renewal %s by %s provisioned on %v, want by System on %s", o.DocumentID, o.CreatedBy,
			o.ProvisioningDate, expires)
	}
	return &o
}

// twSameMoney reports whether two decimal amounts are equal ("37.2" and "37.20").
func twSameMoney(a, b string) bool {
	x, okA := new(big.Rat).SetString(a)
	y, okB := new(big.Rat).SetString(b)
	return okA && okB && x.Cmp(y) == 0
}
