package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// TestVendorEveryLifecycleCall follows one subscription through every operation
// the vendor hears of, against the example vendor service: create, a change of
// quantities and a switch (both updates), the scheduler's renewal, a stop and a
// deletion. After each the vendor holds what Cascade sold, and each operation was
// one signed call under its job's event id. The catalogue is vqCatalog, so the
// change and the switch are validated by the vendor first.
func TestVendorEveryLifecycleCall(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStartCatalog(t, e, vqCatalog, func(c *app.Config) { c.TestClock = true }, 50*time.Millisecond)
		o := w.sell(t)
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		sub := soWait(t, w.owner, w.r.ID, o.SubscriptionID, "active")
		if sub.ExternalID == nil {
			t.Fatal("no external_id after the create")
		}
		vendorSub := func() (sku, status string, mailboxes int64, renewals int) {
			vs := w.vendorSubscription(t, *sub.ExternalID)
			return vs.PlanSKU, vs.Status, vs.Resources["mailbox"], vs.Renewals
		}

		change, err := w.owner.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: sub.ID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{
				{ResourceID: w.mailboxResource(t, sub.ID).ID, Additional: 4}}}})
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, w.owner, w.r.ID, change.ID, "completed")
		soWait(t, w.owner, w.r.ID, sub.ID, "active")
		if sku, _, n, _ := vendorSub(); sku != "MAIL-1M" || n != 5 {
			t.Errorf("after the change the vendor holds %s with %d mailboxes, want MAIL-1M with 5", sku, n)
		}

		pro := atPlan(t, w.s.Admin, w.r.ID, "mail-pro")
		sw, err := w.owner.CreateSwitchOrder(ctx, w.r.ID, client.SwitchOrderInput{SubscriptionID: sub.ID,
			PlanID: pro.ID, PlanPeriodID: odPeriod(t, pro, "1m"), SwitchType: "immediate_switch",
			Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, pro, "mailbox"), Quantity: 2}}}})
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, w.owner, w.r.ID, sw.ID, "completed")
		soWait(t, w.owner, w.r.ID, sub.ID, "active")
		if sku, _, n, _ := vendorSub(); sku != "MAIL-PRO" || n != 2 {
			t.Errorf("after the switch the vendor holds %s with %d mailboxes, want MAIL-PRO with 2", sku, n)
		}

		// The period ends: the scheduler renews the subscription, and the vendor hears of it.
		if _, err := w.s.Admin.AdvanceTestClock(ctx, "P1M"); err != nil {
			t.Fatal(err)
		}
		vcWaitCalls(t, w, vendorkit.EventSubscriptionRenew, 1)
		renewed := soWait(t, w.owner, w.r.ID, sub.ID, "active")
		if renewed.ExpirationDate == sub.ExpirationDate {
			t.Errorf("expiration date after the renewal = %v, want it moved on from %v", renewed.ExpirationDate, sub.ExpirationDate)
		}
		if _, _, _, renewals := vendorSub(); renewals != 1 {
			t.Errorf("the vendor counted %d renewals, want 1", renewals)
		}

		if err := w.owner.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.owner, w.r.ID, sub.ID, "stopped")
		if err := w.owner.DeleteSubscription(ctx, w.r.ID, sub.ID); err != nil {
			t.Fatal(err)
		}
		deleted := soWait(t, w.owner, w.r.ID, sub.ID, "deleted")
		if _, status, _, _ := vendorSub(); status != "deleted" {
			t.Errorf("the vendor's status after the deletion = %q, want deleted", status)
		}

		want := map[vendorkit.Event]int{vendorkit.EventSubscriptionCreate: 1, vendorkit.EventSubscriptionUpdate: 2,
			vendorkit.EventSubscriptionRenew: 1, vendorkit.EventSubscriptionStop: 1, vendorkit.EventSubscriptionDelete: 1}
		for ev, n := range want {
			calls := w.callsOf(ev)
			if len(calls) != n {
				t.Errorf("%s: %d calls, want %d", ev, len(calls), n)
			}
			for _, c := range calls {
				if !c.signed || c.eventID == "" {
					t.Errorf("%s call unsigned or without an event id: %+v", ev, c)
				}
			}
		}
		if last := w.callsOf(vendorkit.EventSubscriptionDelete); len(last) == 1 &&
			(deleted.ProvisioningJobID == nil || last[0].eventID != *deleted.ProvisioningJobID) {
			t.Errorf("the delete call's event id %q is not the deletion's job %v", last[0].eventID, deleted.ProvisioningJobID)
		}
		if got := w.vendorSubscription(t, *sub.ExternalID).SubscriptionID; got != strconv.FormatInt(sub.ID, 10) {
			t.Errorf("the vendor's subscription id = %q, want %d", got, sub.ID)
		}
	})
}

// vcWaitCalls waits until the vendor received n calls of ev.
func vcWaitCalls(t *testing.T, w *vdWorld, ev vendorkit.Event, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(w.callsOf(ev)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d calls after 20s, want %d", ev, len(w.callsOf(ev)), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
