package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorAddressRefusedAtCallTime: an API path on loopback, accepted while the
// installation allowed private addresses, is refused again when the call is made
// after the setting was turned off: the operation fails at once with the refusal as
// its text, and the vendor receives nothing.
func TestVendorAddressRefusedAtCallTime(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStart(t, e, 50*time.Millisecond)
		ownerToken := mustCreateManager(t, w.s.Admin, w.r.ID, "owner").APIToken
		w.s.stop()

		strict := start(t, e, w.s.token, func(c *app.Config) {
			c.Provisioner = nil
			c.Vendor.Retry = []time.Duration{50 * time.Millisecond}
		})
		owner := strict.client(ownerToken)
		o, err := owner.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: w.account.ID,
			PlanID: w.plan.ID, PlanPeriodID: odPeriod(t, w.plan, "1m"), PaymentModel: "postpay",
			Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, w.plan, "mailbox"), Quantity: 3}}}})
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, owner, w.r.ID, o.ID, "provisioning_failed")
		sub := soWait(t, owner, w.r.ID, o.SubscriptionID, "installation_failed")
		pe := sub.ProvisioningError
		if pe == nil || pe.Code != domain.ProvisioningNoAnswer || !strings.Contains(pe.Message, "loopback or private address refused") {
			t.Fatalf("provisioning_error %+v, want the address refusal", pe)
		}
		if calls := w.callsOf(vendorkit.EventSubscriptionCreate); len(calls) != 0 {
			t.Fatalf("the vendor received %d creates, want none", len(calls))
		}
	})
}
