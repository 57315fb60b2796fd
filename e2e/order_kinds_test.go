package e2e

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestChangeOrder raises the seats of a prepaid subscription (paid, then applied),
// lowers them again (a refund: no payment, applied at once), and changes a postpaid
// one without a payment.
func TestChangeOrder(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		subID := w.buy(t, w.prepaid, "flex-basic", "1m", 3)
		_, res := w.subscription(t, subID)
		if len(res) != 1 || res[0].Quantity != 3 || res[0].Additional != 2 {
			t.Fatalf("resources after the sale = %+v", res)
		}
		seat := res[0].ID
		up := client.ChangeOrderInput{SubscriptionID: subID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: seat, Additional: 4}}}}
		o, err := w.sales.CreateChangeOrder(ctx, w.r.ID, up)
		if err != nil {
			t.Fatal(err)
		}
		// Two more charged seats × 2.00 for the whole month that remains.
		if o.Kind != "change_orders" || o.Type != "ChangeOrder" || o.Status != "waiting_for_payment" ||
			o.Total != "4.0" || o.DocumentID != "CH000001" || o.PaymentID == nil || o.SubscriptionID != subID {
			t.Fatalf("change order = %+v", o)
		}
		_, err = w.sales.CreateChangeOrder(ctx, w.r.ID, up)
		odErr(t, err, 422, "order_in_progress", "")
		if e := (*client.Error)(nil); errors.As(err, &e) && !strings.Contains(e.Errors[0].Detail, "CH000001") {
			t.Errorf("order_in_progress detail %q does not name CH000001", e.Errors[0].Detail)
		}
		w.complete(t, o)
		sub, res := w.subscription(t, subID)
		if sub.Status != "active" || len(res) != 1 || res[0].Quantity != 5 || res[0].Additional != 4 {
			t.Fatalf("after the change: %s, resources %+v", sub.Status, res)
		}

		down := client.ChangeOrderInput{SubscriptionID: subID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: seat, Additional: 1}}}}
		o, err = w.sales.CreateChangeOrder(ctx, w.r.ID, down)
		if err != nil {
			t.Fatal(err)
		}
		if o.Total != "-6.0" || o.PaymentID != nil || o.DocumentID != "CH000002" {
			t.Fatalf("refunding change order = %+v", o)
		}
		w.complete(t, o)
		if _, res = w.subscription(t, subID); res[0].Quantity != 2 {
			t.Fatalf("after the decrease: resources %+v", res)
		}

		postID := w.buy(t, w.postpaid, "flex-basic", "1m", 1)
		_, res = w.subscription(t, postID)
		o, err = w.sales.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: postID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: res[0].ID, Additional: 2}}}})
		if err != nil || o.PaymentID != nil || (o.Status != "provisioning" && o.Status != "completed") {
			t.Fatalf("postpaid change order = %+v, %v", o, err)
		}
		w.complete(t, o)
		if _, res = w.subscription(t, postID); res[0].Quantity != 3 {
			t.Fatalf("postpaid after the change: resources %+v", res)
		}
	})
}

// TestChangeOrderRefusals checks the documented 422s of a change order, the roles,
// another branch, and an idempotent replay.
func TestChangeOrderRefusals(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		subID := w.buy(t, w.postpaid, "flex-basic", "1m", 3)
		_, res := w.subscription(t, subID)
		seat := res[0].ID
		change := func(id, additional int64) client.ChangeOrderInput {
			return client.ChangeOrderInput{SubscriptionID: subID,
				Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: id, Additional: additional}}}}
		}
		const at = "/data/attributes/resources/data/0/"
		for _, tc := range []struct {
			name    string
			in      client.ChangeOrderInput
			code    string
			pointer string
			text    string
		}{
			{"unchanged", change(seat, 2), "resource_unchanged", at + "additional",
				"To change the quantity of resource id, specify a value other than already ordered"},
			{"beyond the limit", change(seat, 50), "resource_amount_invalid", at + "additional",
				"There are ordered invalid amount of resources"},
			{"not a resource of the subscription", change(999999, 1), "resource_not_in_plan", at + "resource_id",
				"The resource id is not available for ordering in plan"},
			{"nothing to change", client.ChangeOrderInput{SubscriptionID: subID}, "resource_unchanged",
				"/data/attributes/resources", ""},
			{"unknown subscription", client.ChangeOrderInput{SubscriptionID: 999999,
				Resources: change(seat, 3).Resources}, "subscription_not_found", "/data/attributes/subscription_id", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := w.sales.CreateChangeOrder(ctx, w.r.ID, tc.in)
				odErr(t, err, 422, tc.code, tc.pointer)
				if e := (*client.Error)(nil); tc.text != "" && errors.As(err, &e) && e.Errors[0].Detail != tc.text &&
					e.Errors[0].Title != tc.text {
					t.Errorf("text = %+v, want %q", e.Errors[0], tc.text)
				}
			})
		}
		// A Monthly Commitment subscription may not lower its seats by a change order.
		commitID := w.buy(t, w.postpaid, "commit", "1y", 3)
		_, cres := w.subscription(t, commitID)
		_, err := w.sales.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: commitID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: cres[0].ID, Additional: 1}}}})
		odErr(t, err, 422, "resource_downgrade_not_allowed", at+"additional")
		if sub, _ := w.subscription(t, commitID); sub.Ability["decrease_resources_change_order"] || !sub.Ability["adjust"] {
			t.Errorf("commitment ability = %v", sub.Ability)
		}

		// Roles, branches and the sibling's subscription.
		_, err = w.marketing.CreateChangeOrder(ctx, w.r.ID, change(seat, 3))
		odErr(t, err, 403, "forbidden", "")
		_, err = w.siblingOwner.CreateChangeOrder(ctx, w.r.ID, change(seat, 3))
		odErr(t, err, 404, "reseller_not_found", "")
		_, err = w.siblingOwner.CreateChangeOrder(ctx, w.sibling.ID, change(seat, 3))
		odErr(t, err, 422, "subscription_not_found", "/data/attributes/subscription_id")

		// A replay answers the first order; the key with another body is refused.
		key := client.WithIdempotencyKey(unique("ch-"))
		first, err := w.sales.CreateChangeOrder(ctx, w.r.ID, change(seat, 3), key)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.sales.CreateChangeOrder(ctx, w.r.ID, change(seat, 3), key)
		if err != nil || again.ID != first.ID || again.DocumentID != first.DocumentID {
			t.Fatalf("replay = %+v, %v; want order %d", again, err, first.ID)
		}
		_, err = w.sales.CreateChangeOrder(ctx, w.r.ID, change(seat, 4), key)
		odErr(t, err, 422, "idempotency_key_reused", "")
	})
}

// TestChangeOrdersRace sends 50 change orders of one prepaid subscription at once:
// exactly one is made, the others are refused with order_in_progress, and nothing
// else is left behind: one change order, one payment for it, no gap in the numbers.
func TestChangeOrdersRace(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		subID := w.buy(t, w.prepaid, "flex-basic", "1m", 1)
		_, res := w.subscription(t, subID)
		const clients = 50
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []*client.Order
		)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o, err := w.sales.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: subID,
					Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: res[0].ID,
						Additional: int64(1 + i%10)}}}})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					winners = append(winners, o)
					return
				}
				var e *client.Error
				if !errors.As(err, &e) || e.StatusCode != 422 || e.Errors[0].Code != "order_in_progress" {
					t.Errorf("a losing change order: %v, want 422 order_in_progress", err)
				}
			}()
		}
		wg.Wait()
		if len(winners) != 1 || winners[0].DocumentID != "CH000001" || winners[0].PaymentID == nil {
			t.Fatalf("winners = %+v, want exactly one, CH000001 with a payment", winners)
		}
		orders, err := w.sales.ListOrders(ctx, w.r.ID, &client.ListOptions{Filter: map[string]string{"type": "ChangeOrder"}})
		if err != nil || orders.TotalCount != 1 {
			t.Fatalf("change orders = %+v, %v", orders, err)
		}
		pays, err := w.sales.ListPayments(ctx, w.r.ID, nil)
		if err != nil || pays.TotalCount != 2 { // the sale's and the winner's
			t.Fatalf("payments = %+v, %v", pays, err)
		}
		if err := w.sales.CancelOrder(ctx, w.r.ID, winners[0].ID); err != nil {
			t.Fatal(err)
		}
		next, err := w.sales.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: subID,
			Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: res[0].ID, Additional: 3}}}})
		if err != nil || next.DocumentID != "CH000002" {
			t.Fatalf("the next change order = %+v, %v; want CH000002", next, err)
		}
		if err := s.checkListCounts(); err != nil {
			t.Error(err)
		}
	})
}

// TestRenewalOrder renews a pay-as-you-go subscription at the plan's new prices for a
// year (applied once paid), waits for the expiration date with a Monthly Commitment
// one, and checks the renewal window and fixed quantities of a non-refund one.
func TestRenewalOrder(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		subID := w.buy(t, w.prepaid, "flex-basic", "1m", 3)
		// The plan's yearly price rises before the renewal; the renewal takes it.
		cfApply(t, s.Admin, w.r.ID, strings.Replace(okCatalog, `recurring_fee: "8.00"`, `recurring_fee: "9.00"`, 1))
		year := w.period(t, "flex-basic", "1y")
		o, err := w.sales.CreateRenewalOrder(ctx, w.r.ID, client.RenewalOrderInput{SubscriptionID: subID,
			PlanPeriodID: year, Resources: w.seats(t, "flex-basic", 3)})
		if err != nil {
			t.Fatal(err)
		}
		// 12 months × (9.00 + 2 charged seats × 2.00).
		if o.Kind != "renewal_orders" || o.Type != "RenewalOrder" || o.Total != "156.0" ||
			o.Status != "waiting_for_payment" || o.DocumentID != "RN000001" || o.ProvisioningDate != nil {
			t.Fatalf("renewal order = %+v", o)
		}
		w.complete(t, o)
		sub, res := w.subscription(t, subID)
		if sub.Status != "active" || sub.PlanPeriodID != year || sub.ExpirationDate == nil ||
			*sub.ExpirationDate != "2028-04-10" || res[0].Quantity != 3 {
			t.Fatalf("renewed subscription = %+v, resources %+v", sub, res)
		}
		if got := w.paidTo(t, subID); got != "2028-04-10" {
			t.Errorf("paid to = %s, want 2028-04-10", got)
		}

		// A Monthly Commitment renewal waits for the expiration date.
		commitID := w.buy(t, w.postpaid, "commit", "1m", 2)
		o, err = w.sales.CreateRenewalOrder(ctx, w.r.ID, client.RenewalOrderInput{SubscriptionID: commitID,
			PlanPeriodID: w.period(t, "commit", "1m"), Resources: w.seats(t, "commit", 4)})
		if err != nil || o.Status != "waiting_for_provisioning" || o.ProvisioningDate == nil ||
			*o.ProvisioningDate != "2027-04-10" || o.PaymentID != nil {
			t.Fatalf("delayed renewal = %+v, %v", o, err)
		}

		// A non-refund subscription renews on its expiration date, with its quantities.
		fixedID := w.buy(t, w.prepaid, "fixed", "1m", 1)
		renew := client.RenewalOrderInput{SubscriptionID: fixedID, PlanPeriodID: w.period(t, "fixed", "1m"),
			Resources: w.seats(t, "fixed", 2)}
		_, err = w.sales.CreateRenewalOrder(ctx, w.r.ID, renew)
		odErr(t, err, 403, "forbidden", "")
		// Auto-renew off, so the scheduler makes no renewal of its own on that day.
		if _, err := w.sales.SetSubscriptionAutorenew(ctx, w.r.ID, fixedID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Admin.AdvanceTestClock(ctx, "P1M"); err != nil {
			t.Fatal(err)
		}
		_, err = w.sales.CreateRenewalOrder(ctx, w.r.ID, renew)
		odErr(t, err, 422, "resource_quantity_fixed", "/data/attributes/resources/data/0/quantity")
		var e *client.Error
		if errors.As(err, &e) && !strings.Contains(e.Errors[0].Detail+e.Errors[0].Title,
			"There are ordered invalid amount of resources, quantity must be 1 for plan resource id") {
			t.Errorf("fixed quantity text = %+v", e.Errors[0])
		}
		_, err = w.sales.CreateRenewalOrder(ctx, w.r.ID, client.RenewalOrderInput{SubscriptionID: fixedID,
			PlanPeriodID: w.period(t, "flex-basic", "1m")})
		odErr(t, err, 422, "period_not_in_plan", "/data/attributes/plan_period_id")
		renew.Resources = w.seats(t, "fixed", 1)
		o, err = w.sales.CreateRenewalOrder(ctx, w.r.ID, renew)
		if err != nil || o.Total != "5.0" {
			t.Fatalf("non-refund renewal = %+v, %v", o, err)
		}
		w.complete(t, o)
		if sub, _ := w.subscription(t, fixedID); sub.ExpirationDate == nil || *sub.ExpirationDate != "2027-05-10" {
			t.Fatalf("renewed non-refund subscription = %+v", sub)
		}
	})
}

// TestProlongOrder pays the next month of Monthly Commitment subscriptions: prepaid
// (paid, then paid-to moves a month), postpaid (at once), and postpaid with more
// seats (waits for the paid-to date); pay-as-you-go has no prolong orders.
func TestProlongOrder(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		subID := w.buy(t, w.prepaid, "commit", "1y", 2)
		if got := w.paidTo(t, subID); got != "2027-04-10" {
			t.Fatalf("paid to after the sale = %s", got)
		}
		o, err := w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: subID})
		if err != nil {
			t.Fatal(err)
		}
		// One month of 10.00 and two seats × 1.00, at the locked prices.
		if o.Kind != "prolong_orders" || o.Type != "ProlongOrder" || o.Total != "12.0" ||
			o.Status != "waiting_for_payment" || o.DocumentID != "PO000001" {
			t.Fatalf("prolong order = %+v", o)
		}
		w.complete(t, o)
		if got := w.paidTo(t, subID); got != "2027-05-10" {
			t.Errorf("paid to after the prolongation = %s, want 2027-05-10", got)
		}
		// The next month may be paid only once this one has begun.
		_, err = w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: subID})
		odErr(t, err, 403, "forbidden", "")

		postID := w.buy(t, w.postpaid, "commit", "1y", 2)
		o, err = w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: postID})
		if err != nil || o.PaymentID != nil {
			t.Fatalf("postpaid prolong order = %+v, %v", o, err)
		}
		w.complete(t, o)
		if got := w.paidTo(t, postID); got != "2027-05-10" {
			t.Errorf("postpaid paid to = %s, want 2027-05-10", got)
		}

		moreID := w.buy(t, w.postpaid, "commit", "1y", 2)
		o, err = w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: moreID,
			Resources: w.seats(t, "commit", 5)})
		if err != nil || o.Status != "waiting_for_provisioning" || o.ProvisioningDate == nil ||
			*o.ProvisioningDate != "2027-04-10" || o.Total != "15.0" {
			t.Fatalf("prolong order with more seats = %+v, %v", o, err)
		}
		_, err = w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: moreID,
			Resources: w.seats(t, "commit", 51)})
		odErr(t, err, 422, "order_in_progress", "")

		flexID := w.buy(t, w.postpaid, "flex-basic", "1m", 1)
		_, err = w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: flexID})
		odErr(t, err, 403, "forbidden", "")
		other := w.buy(t, w.postpaid, "commit", "1y", 1)
		_, err = w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: other,
			Resources: w.seats(t, "commit", 51)})
		odErr(t, err, 422, "resource_amount_invalid", "/data/attributes/resources/data/0/quantity")
		_, err = w.sales.CreateProlongOrder(ctx, w.r.ID, client.ProlongOrderInput{SubscriptionID: other,
			Resources: w.seats(t, "flex-basic", 2)})
		odErr(t, err, 422, "resource_not_in_plan", "/data/attributes/resources/data/0/plan_resource_id")
	})
}

// TestSwitchOrder moves a pay-as-you-go subscription to its switchable plan (paid,
// then applied with the new plan's resources and prices), refuses other targets and
// types, and delays a Monthly Commitment switch to the expiration date.
func TestSwitchOrder(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		subID := w.buy(t, w.prepaid, "flex-basic", "1m", 3)
		if sub, _ := w.subscription(t, subID); !sub.Ability["switch_plan"] {
			t.Fatalf("ability = %v, want switch_plan", sub.Ability)
		}
		pro := w.plans["flex-pro"]
		in := client.SwitchOrderInput{SubscriptionID: subID, PlanID: pro.ID, PlanPeriodID: w.period(t, "flex-pro", "1m"),
			SwitchType: "immediate_switch", Resources: w.seats(t, "flex-pro", 4)}
		const plan = "/data/attributes/plan_id"
		for _, tc := range []struct {
			name          string
			edit          func(in *client.SwitchOrderInput)
			code, pointer string
		}{
			{"not switchable", func(in *client.SwitchOrderInput) {
				in.PlanID, in.PlanPeriodID, in.Resources = w.plans["flex-other"].ID, w.period(t, "flex-other", "1m"), nil
			}, "switch_target_refused", plan},
			{"other switch type", func(in *client.SwitchOrderInput) { in.SwitchType = "delayed_switch" },
				"switch_target_refused", plan},
			{"no switch type", func(in *client.SwitchOrderInput) { in.SwitchType = "" },
				"switch_type_required", "/data/attributes/switch_type"},
			{"period of another plan", func(in *client.SwitchOrderInput) { in.PlanPeriodID = w.period(t, "flex-basic", "1m") },
				"period_not_in_plan", "/data/attributes/plan_period_id"},
			{"too many seats", func(in *client.SwitchOrderInput) { in.Resources = w.seats(t, "flex-pro", 101) },
				"resource_amount_invalid", "/data/attributes/resources/data/0/quantity"},
			{"seats missing", func(in *client.SwitchOrderInput) { in.Resources = nil },
				"resource_must_be_ordered", "/data/attributes/resources"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				bad := in
				tc.edit(&bad)
				_, err := w.sales.CreateSwitchOrder(ctx, w.r.ID, bad)
				odErr(t, err, 422, tc.code, tc.pointer)
				var e *client.Error
				if tc.code == "switch_target_refused" && errors.As(err, &e) &&
					!strings.Contains(e.Errors[0].Detail+e.Errors[0].Title, "Can not switch to plan with id") {
					t.Errorf("text = %+v", e.Errors[0])
				}
			})
		}
		o, err := w.sales.CreateSwitchOrder(ctx, w.r.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		// Flex Pro for the month: 20.00 + 2 charged seats × 3.00, less the unused
		// month of Flex Basic: 10.00 + 2 × 2.00.
		if o.Kind != "switch_orders" || o.Type != "SwitchOrder" || o.Total != "12.0" || o.DocumentID != "SW000001" ||
			o.Status != "waiting_for_payment" {
			t.Fatalf("switch order = %+v", o)
		}
		w.complete(t, o)
		sub, res := w.subscription(t, subID)
		if sub.Status != "active" || sub.PlanID != pro.ID || sub.PlanPeriodID != w.period(t, "flex-pro", "1m") ||
			sub.Name != "Flex Pro" || sub.ExpirationDate == nil || *sub.ExpirationDate != "2027-04-10" {
			t.Fatalf("switched subscription = %+v", sub)
		}
		if len(res) != 1 || res[0].PlanResourceID != w.seat(t, "flex-pro") || res[0].Included != 2 || res[0].Quantity != 4 {
			t.Fatalf("switched resources = %+v", res)
		}
		// Flex Pro switches nowhere.
		if sub.Ability["switch_plan"] {
			t.Errorf("ability on Flex Pro = %v", sub.Ability)
		}
		_, err = w.sales.CreateSwitchOrder(ctx, w.r.ID, in)
		odErr(t, err, 403, "forbidden", "")

		// Monthly Commitment switches at the expiration date, only when paid to it.
		monthID := w.buy(t, w.postpaid, "commit", "1m", 2)
		big := client.SwitchOrderInput{SubscriptionID: monthID, PlanID: w.plans["commit-big"].ID,
			PlanPeriodID: w.period(t, "commit-big", "1m"), SwitchType: "delayed_switch", Resources: w.seats(t, "commit-big", 2)}
		o, err = w.sales.CreateSwitchOrder(ctx, w.r.ID, big)
		if err != nil || o.Status != "waiting_for_provisioning" || o.ProvisioningDate == nil ||
			*o.ProvisioningDate != "2027-04-10" || o.PaymentID != nil {
			t.Fatalf("delayed switch = %+v, %v", o, err)
		}
		yearID := w.buy(t, w.postpaid, "commit", "1y", 2)
		big.SubscriptionID = yearID
		_, err = w.sales.CreateSwitchOrder(ctx, w.r.ID, big)
		odErr(t, err, 422, "delayed_switch_refused", "/data/attributes/switch_type")
	})
}
