package e2e

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// vqCatalog is vdCatalog with the product's synchronous questions on (resource
// validation and order attributes from the vendor), a yearly period, a plan to
// switch to and a Monthly Commitment plan to prolong.
const vqCatalog = `
categories:
  - {key: office, name: Office, public: true}
products:
  - key: mail
    name: Mail Hosting
    category: office
    public: true
    integration: {mode: automatic, api_path: "{api_path}", allow_resource_validation: true, allow_order_attributes: true}
plans:
  - key: mail-basic
    product: mail
    name: Mail Basic
    sku: MAIL-1M
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
      - {key: 1y, duration: 1, unit: years, recurring_fee: "100.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.50"}
    switch_to:
      - {plan: mail-pro, type: immediate_switch}
  - key: mail-pro
    product: mail
    name: Mail Pro
    sku: MAIL-PRO
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "20.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 2, minimum: 2, limit: 100, recurring_fee: "3.00"}
  - key: mail-commit
    product: mail
    name: Mail Commit
    sku: MAIL-C
    status: active
    public: true
    billing_type: monthly_commitment
    currency: USD
    periods:
      - {key: 1y, duration: 1, unit: years, recurring_fee: "10.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 0, minimum: 1, limit: 50, recurring_fee: "1.00"}
`

// vqStart is vdStart with vqCatalog.
func vqStart(t *testing.T, e storetest.Engine) *vdWorld {
	t.Helper()
	return vdStartCatalog(t, e, vqCatalog, nil, 50*time.Millisecond)
}

// mailboxResource returns the id of the mailbox subscription resource of
// subscription id, as a change order names it.
func (w *vdWorld) mailboxResource(t *testing.T, id int64) okResource {
	t.Helper()
	_, res := (&okWorld{sales: w.owner, r: w.r}).subscription(t, id)
	for _, r := range res {
		if r.PlanResourceID == atResource(t, w.plan, "mailbox") {
			return r
		}
	}
	t.Fatalf("subscription %d has no mailbox resource: %+v", id, res)
	return okResource{}
}

// orderCount returns how many orders reseller r has.
func (w *vdWorld) orderCount(t *testing.T) int {
	t.Helper()
	p, err := w.owner.ListOrders(context.Background(), w.r.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p.TotalCount
}

// vdUnreachable applies catalog (vqCatalog's shape) with the API path at a loopback
// port nothing listens on, and returns that address.
func (w *vdWorld) vdUnreachable(t *testing.T, catalog string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	cfApply(t, w.s.Admin, w.r.ID, strings.Replace(catalog, "{api_path}", "http://"+closed+"/cascade", 1))
	return closed
}

// sellPlan places a postpaid sales order of n mailboxes of plan key for period pkey
// and returns its subscription once active.
func (w *vdWorld) sellPlan(t *testing.T, key, pkey string, n int64) *client.Subscription {
	t.Helper()
	p := atPlan(t, w.s.Admin, w.r.ID, key)
	o, err := w.owner.CreateSalesOrder(context.Background(), w.r.ID, client.SalesOrderInput{AccountID: w.account.ID,
		PlanID: p.ID, PlanPeriodID: odPeriod(t, p, pkey), PaymentModel: "postpay",
		Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, p, "mailbox"), Quantity: n}}}})
	if err != nil {
		t.Fatal(err)
	}
	return soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
}
