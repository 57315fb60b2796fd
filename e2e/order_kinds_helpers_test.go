package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// okCatalog sells pay-as-you-go plans (flex-basic switches to flex-pro at once;
// flex-other is no switch target), Monthly Commitment plans paid month by month
// (commit switches to commit-big at the renewal) and a non-refund plan whose renewal
// repeats its quantities. Recurring fees are per month.
const okCatalog = `
categories:
  - {key: office, name: Office, public: true}
products:
  - key: seats
    name: Seats
    category: office
    public: true
    integration: {mode: manual, email: ops@vendor.example}
payment_methods:
  - {key: cash, name: Cash}
plans:
  - key: flex-basic
    product: seats
    name: Flex Basic
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
      - {key: 1y, duration: 1, unit: years, recurring_fee: "8.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.00"}
    switch_to:
      - {plan: flex-pro, type: immediate_switch}
  - key: flex-pro
    product: seats
    name: Flex Pro
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "20.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 2, minimum: 2, limit: 100, recurring_fee: "3.00"}
  - key: flex-other
    product: seats
    name: Flex Other
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "1.00"}
  - key: commit
    product: seats
    name: Commit
    status: active
    public: true
    billing_type: monthly_commitment
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
      - {key: 1y, duration: 1, unit: years, recurring_fee: "10.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 0, minimum: 1, limit: 50, recurring_fee: "1.00"}
    switch_to:
      - {plan: commit-big, type: delayed_switch}
  - key: commit-big
    product: seats
    name: Commit Big
    status: active
    public: true
    billing_type: monthly_commitment
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "20.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 0, minimum: 1, limit: 50, recurring_fee: "2.00"}
  - key: fixed
    product: seats
    name: Fixed
    status: active
    public: true
    billing_type: non_refund
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "5.00"}
    resources:
      - {key: seat, name: Seat, unit: unit, measurable: true, included: 1, minimum: 1, limit: 10, recurring_fee: "1.00"}
`

// okStart is the test clock's start: 10 March 2027, 10:00 in Berlin, so a month
// bought today runs to 10 April and is 31 days long.
var okStart = time.Date(2027, 3, 10, 10, 0, 0, 0, time.FixedZone("CET", 3600))

// okEachEngine runs f against a fresh server with a test clock at okStart on every
// engine.
func okEachEngine(t *testing.T, f func(t *testing.T, s *server)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f(t, start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(okStart), nil)))
	})
}

// okWorld is a reseller selling okCatalog with a prepaid and a postpaid account, and
// a sibling reseller selling it too.
type okWorld struct {
	s                             *server
	r, sibling                    *client.Reseller
	plans                         map[string]*client.Plan
	prepaid, postpaid, siblingAcc *client.Account
	sales, marketing              *client.Client
	siblingOwner                  *client.Client
	cash                          int64
}

func okSetup(t *testing.T, s *server) *okWorld {
	t.Helper()
	w := &okWorld{s: s, plans: map[string]*client.Plan{}}
	w.r = mustCreateReseller(t, s.Admin, domain.OperatorID, "Kinds Seller")
	w.sibling = mustCreateReseller(t, s.Admin, domain.OperatorID, "Kinds Sibling")
	cfApply(t, s.Admin, w.r.ID, okCatalog)
	cfApply(t, s.Admin, w.sibling.ID, okCatalog)
	for _, k := range []string{"flex-basic", "flex-pro", "flex-other", "commit", "commit-big", "fixed"} {
		w.plans[k] = atPlan(t, s.Admin, w.r.ID, k)
	}
	w.prepaid = acMustCreate(t, s.Admin, w.r.ID, acPerson("Petra", "Prepaid"))
	w.postpaid = acMustCreate(t, s.Admin, w.r.ID, acPostpaid("Paul", "Postpaid"))
	w.siblingAcc = acMustCreate(t, s.Admin, w.sibling.ID, acPerson("Sid", "Sibling"))
	w.sales = s.client(mustCreateManager(t, s.Admin, w.r.ID, "sales").APIToken)
	w.marketing = s.client(mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	w.siblingOwner = s.client(mustCreateManager(t, s.Admin, w.sibling.ID, "owner").APIToken)
	w.cash = cashMethod(t, s, w.r.ID)
	return w
}

// seat is the id of the seat resource of plan key.
func (w *okWorld) seat(t *testing.T, key string) int64 { return atResource(t, w.plans[key], "seat") }

// period is the id of period pkey of plan key.
func (w *okWorld) period(t *testing.T, key, pkey string) int64 {
	return odPeriod(t, w.plans[key], pkey)
}

// buy makes an active subscription of plan key for period pkey with seats seats for
// account acc, paying the sales order when it is prepaid, and returns its id.
func (w *okWorld) buy(t *testing.T, acc *client.Account, key, pkey string, seats int64) int64 {
	t.Helper()
	ctx := context.Background()
	model := "prepay"
	if acc.ID == w.postpaid.ID {
		model = "postpay"
	}
	in := client.SalesOrderInput{AccountID: acc.ID, PlanID: w.plans[key].ID, PlanPeriodID: w.period(t, key, pkey),
		PaymentModel: model}
	if seats > 0 {
		in.Resources = &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: w.seat(t, key), Quantity: seats}}}
	}
	o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in)
	if err != nil {
		t.Fatalf("buy %s: %v", key, err)
	}
	w.complete(t, o)
	return o.SubscriptionID
}

// complete pays o when it waits for its payment, and waits until it is completed.
func (w *okWorld) complete(t *testing.T, o *client.Order) *client.Order {
	t.Helper()
	if o.Status == "waiting_for_payment" {
		if _, err := w.sales.CompletePayment(context.Background(), w.r.ID, *o.PaymentID, w.cash); err != nil {
			t.Fatalf("pay order %s: %v", o.DocumentID, err)
		}
	}
	return odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
}

// okResource is a subscription resource as include=subscription_resources shows it.
type okResource struct {
	ID             int64
	PlanResourceID int64 `json:"plan_resource_id"`
	Included       int64 `json:"included"`
	Additional     int64 `json:"additional"`
	Quantity       int64 `json:"quantity"`
}

// subscription reads subscription id with its resources.
func (w *okWorld) subscription(t *testing.T, id int64) (*client.Subscription, []okResource) {
	t.Helper()
	var included []client.Resource
	sub, err := w.sales.GetSubscription(context.Background(), w.r.ID, id, &included,
		client.WithInclude("subscription_resources"))
	if err != nil {
		t.Fatalf("get subscription %d: %v", id, err)
	}
	var out []okResource
	for _, r := range included {
		if r.Type != "subscription_resources" {
			continue
		}
		var res okResource
		if err := json.Unmarshal(r.Attributes, &res); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(r.ID), &res.ID); err != nil {
			t.Fatal(err)
		}
		out = append(out, res)
	}
	return sub, out
}

// paidTo reads how far subscription id is paid, which the API does not show.
func (w *okWorld) paidTo(t *testing.T, id int64) string {
	t.Helper()
	sub, err := w.s.DB.Reader().FindSubscriptionByID(context.Background(), 0, id)
	if err != nil {
		t.Fatal(err)
	}
	return sub.PaidTo.String()
}

// quantities is a resources list of one seat quantity of plan key.
func (w *okWorld) seats(t *testing.T, key string, n int64) *client.ResourceList {
	return &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: w.seat(t, key), Quantity: n}}}
}
