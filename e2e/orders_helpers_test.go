package e2e

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// odCatalog sells a monthly plan with a resource, a plan with order attributes and a
// plan that is free (a trial), and declares two payment methods.
const odCatalog = `
categories:
  - {key: office, name: Office, public: true}
products:
  - key: mail
    name: Mail Hosting
    category: office
    public: true
    integration: {mode: manual, email: ops@vendor.example}
payment_methods:
  - {key: cash, name: Cash}
  - {key: bank_transfer, name: Bank transfer}
plans:
  - key: mail-basic
    product: mail
    name: Mail Basic
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, setup_fee: "5.00", recurring_fee: "10.00"}
      - {key: 1y, duration: 1, unit: years, recurring_fee: "100.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.50"}
      - {key: archive, name: Archive, unit: boolean, included: 0, minimum: 0, limit: 1, recurring_fee: "1.00"}
  - key: mail-attrs
    product: mail
    name: Mail With Domain
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "3.00"}
    order_attributes:
      - {key: domain_name, label: Domain name, type: string, required: true}
`

// odWorld is a reseller selling odCatalog with a prepaid and a postpaid account, and
// a sibling reseller with an account, for the out-of-scope cases.
type odWorld struct {
	s                       *server
	r, sibling              *client.Reseller
	basic, attrs            *client.Plan
	prepaid, postpaid       *client.Account
	siblingAcc              *client.Account
	sales, marketing, owner *client.Client
	siblingOwner            *client.Client
	cash                    int64 // a payment method of r
}

func odSetup(t *testing.T, s *server) *odWorld {
	t.Helper()
	w := &odWorld{s: s}
	w.r = mustCreateReseller(t, s.Admin, domain.OperatorID, "Order Seller")
	w.sibling = mustCreateReseller(t, s.Admin, domain.OperatorID, "Order Sibling")
	cfApply(t, s.Admin, w.r.ID, odCatalog)
	cfApply(t, s.Admin, w.sibling.ID, odCatalog)
	w.basic = atPlan(t, s.Admin, w.r.ID, "mail-basic")
	w.attrs = atPlan(t, s.Admin, w.r.ID, "mail-attrs")
	w.prepaid = acMustCreate(t, s.Admin, w.r.ID, acPerson("Olga", "Prepaid"))
	w.postpaid = acMustCreate(t, s.Admin, w.r.ID, acPostpaid("Pavel", "Postpaid"))
	w.siblingAcc = acMustCreate(t, s.Admin, w.sibling.ID, acPerson("Sam", "Sibling"))
	w.sales = s.client(mustCreateManager(t, s.Admin, w.r.ID, "sales").APIToken)
	w.owner = s.client(mustCreateManager(t, s.Admin, w.r.ID, "owner").APIToken)
	w.marketing = s.client(mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	w.siblingOwner = s.client(mustCreateManager(t, s.Admin, w.sibling.ID, "owner").APIToken)
	w.cash = cashMethod(t, s, w.r.ID)
	return w
}

// period returns the id of the plan's period with the given key.
func odPeriod(t *testing.T, p *client.Plan, key string) int64 {
	t.Helper()
	for _, pp := range p.Periods {
		if pp.Key == key {
			return pp.ID
		}
	}
	t.Fatalf("plan %s has no period %q", p.Key, key)
	return 0
}

// order is a sales order of three mailboxes of mail-basic for one month.
func (w *odWorld) order(t *testing.T, account *client.Account, model string) client.SalesOrderInput {
	return client.SalesOrderInput{AccountID: account.ID, PlanID: w.basic.ID, PlanPeriodID: odPeriod(t, w.basic, "1m"),
		PaymentModel: model, Resources: &client.ResourceList{Data: []client.ResourceQuantity{
			{PlanResourceID: atResource(t, w.basic, "mailbox"), Quantity: 3}}}}
}

// odWaitOrder polls an order until its status is want, and fails the test after a
// few seconds.
func odWaitOrder(t *testing.T, c *client.Client, rid, id int64, want string) *client.Order {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		o, err := c.GetOrder(context.Background(), rid, id, nil)
		if err != nil {
			t.Fatalf("get order %d: %v", id, err)
		}
		if o.Status == want {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %d is %s, want %s", id, o.Status, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// odErr asserts err is an API error with status and code at the pointer (when given).
func odErr(t *testing.T, err error, status int, code, pointer string) {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) || e.StatusCode != status {
		t.Fatalf("err = %v, want status %d %s", err, status, code)
	}
	for _, x := range e.Errors {
		if x.Code == code && (pointer == "" || x.Source != nil && x.Source.Pointer == pointer) {
			return
		}
	}
	t.Fatalf("errors %+v lack %s at %q", e.Errors, code, pointer)
}

// odListParametersSeed buys plan 1 of the operator (seeded by ctListParametersSeed)
// for a new prepaid account of the operator, so that order, subscription and payment
// 1 exist for the reads TestOpenAPIListParameters sends.
func odListParametersSeed(t *testing.T, s *server) {
	t.Helper()
	ctx := context.Background()
	plan, err := s.Admin.GetPlan(ctx, domain.OperatorID, 1)
	if err != nil || len(plan.Periods) == 0 {
		t.Fatalf("plan 1: %+v, %v", plan, err)
	}
	acc := acMustCreate(t, s.Admin, domain.OperatorID, acPerson("List", "Parameters"))
	in := client.SalesOrderInput{AccountID: acc.ID, PlanID: plan.ID, PlanPeriodID: plan.Periods[0].ID,
		PaymentModel: "prepay", Resources: &client.ResourceList{}}
	for _, r := range plan.Resources {
		in.Resources.Data = append(in.Resources.Data,
			client.ResourceQuantity{PlanResourceID: r.ID, Quantity: max(r.Included, r.Minimum)})
	}
	o, err := s.Admin.CreateSalesOrder(ctx, domain.OperatorID, in)
	if err != nil || o.ID != 1 || o.SubscriptionID != 1 || o.PaymentID == nil || *o.PaymentID != 1 {
		t.Fatalf("seeded order = %+v, %v; want order, subscription and payment 1", o, err)
	}
}
