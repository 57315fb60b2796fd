package e2e

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// vdAttrsPlan is a plan of the vendor's product whose orders carry order attributes.
const vdAttrsPlan = `
  - key: mail-attrs
    product: mail
    name: Mail Custom
    sku: MAIL-ATTR
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.50"}
    order_attributes:
      - {key: domain_name, label: Domain name, type: string, required: true}
      - {key: seats, label: Seats, type: number}
`

// TestVendorPayloadSubscriptionAttributes: the order attributes a sales order was
// made with reach the vendor as the subscription's attributes, on the create and
// on every later call about the subscription; the reseller object carries the
// selling reseller's custom attributes as core_attributes.
func TestVendorPayloadSubscriptionAttributes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStartCatalog(t, e, vdCatalog+vdAttrsPlan, nil, 50*time.Millisecond)
		crm := "A-17"
		if _, err := w.s.Admin.UpdateReseller(ctx, w.r.ID, client.ResellerInput{
			CustomAttributes: map[string]*string{"crm_id": &crm}}); err != nil {
			t.Fatal(err)
		}
		plan := atPlan(t, w.s.Admin, w.r.ID, "mail-attrs")
		task := atValidate(t, w.sales, w.r.ID, plan.ID, w.account.ID, map[string]any{"domain_name": "contoso.example", "seats": 12})
		atWait(t, w.sales, w.r.ID, task.ID)
		o, err := w.owner.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: w.account.ID,
			PlanID: plan.ID, PlanPeriodID: odPeriod(t, plan, "1m"), PaymentModel: "postpay", AsyncTaskID: client.String(task.ID),
			Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, plan, "mailbox"), Quantity: 2}}}})
		if err != nil {
			t.Fatal(err)
		}
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		if err := w.owner.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, sub.ID, "stopped")

		want := vendorkit.Subscription{ID: strconv.FormatInt(sub.ID, 10),
			Attributes: map[string]string{"domain_name": "contoso.example", "seats": "12"}}
		for _, ev := range []vendorkit.Event{vendorkit.EventSubscriptionCreate, vendorkit.EventSubscriptionStop} {
			calls := w.callsOf(ev)
			if len(calls) != 1 {
				t.Fatalf("%s calls: %d, want 1", ev, len(calls))
			}
			var got vendorkit.SubscriptionRequest
			if err := json.Unmarshal(calls[0].body, &got); err != nil {
				t.Fatalf("%s body %s: %v", ev, calls[0].body, err)
			}
			if !reflect.DeepEqual(got.Subscription, want) {
				t.Errorf("%s subscription = %+v, want %+v", ev, got.Subscription, want)
			}
			if got.Reseller.ID != w.r.ID || !reflect.DeepEqual(got.Reseller.CoreAttributes, map[string]string{"crm_id": "A-17"}) {
				t.Errorf("%s reseller = %+v, want reseller %d with core_attributes crm_id", ev, got.Reseller, w.r.ID)
			}
		}
	})
}
