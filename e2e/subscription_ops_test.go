package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestSubscriptionStopActivate stops an active subscription (stopping, then stopped
// once the built-in provisioner confirms), refuses a second stop and an activation
// of an active one, activates it again, and keeps the reason and comment.
func TestSubscriptionStopActivate(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		sub := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		if sub.Status != "active" || !sub.Ability["stop"] || sub.Ability["activate"] {
			t.Fatalf("bought subscription = %+v", sub)
		}
		odErr(t, w.sales.ActivateSubscription(ctx, w.r.ID, sub.ID, soNote), 403, "forbidden", "")
		if err := w.sales.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		stopped := soWait(t, w.sales, w.r.ID, sub.ID, "stopped")
		if stopped.Ability["stop"] || !stopped.Ability["activate"] || !stopped.Ability["destroy"] {
			t.Errorf("ability of the stopped subscription = %v", stopped.Ability)
		}
		odErr(t, w.sales.StopSubscription(ctx, w.r.ID, sub.ID, soNote), 403, "forbidden", "")
		if err := w.owner.ActivateSubscription(ctx, w.r.ID, sub.ID,
			client.OperationNote{Reason: "paid", Comment: "resume"}); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.sales, w.r.ID, sub.ID, "active")

		ops := soHistory(t, s, sub.ID)
		if len(ops) != 2 || ops[0].Operation != domain.SubscriptionOpStop || ops[0].Reason != "customer request" ||
			ops[0].Comment != "pause for a month" || ops[0].StatusBefore != "active" || ops[0].StatusAfter != "stopping" ||
			ops[0].ManagerID == 0 || ops[1].Operation != domain.SubscriptionOpActivate || ops[1].Reason != "paid" ||
			ops[1].StatusAfter != "activating" {
			t.Errorf("history = %+v", ops)
		}
		// A subscription that is only ordered may not be stopped.
		plan := atPlan(t, w.sales, w.r.ID, "auto")
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: w.prepaid.ID,
			PlanID: plan.ID, PlanPeriodID: plan.Periods[0].ID, PaymentModel: "prepay"})
		if err != nil {
			t.Fatal(err)
		}
		odErr(t, w.sales.StopSubscription(ctx, w.r.ID, o.SubscriptionID, soNote), 403, "forbidden", "")
		odErr(t, w.sales.DeleteSubscription(ctx, w.r.ID, o.SubscriptionID), 403, "forbidden", "")
	})
}

// TestSubscriptionOperationRefusals checks the roles, the branches, the missing
// subscription and every problem of the reason and comment: nothing changes.
func TestSubscriptionOperationRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		sub := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")

		odErr(t, w.marketing.StopSubscription(ctx, w.r.ID, sub.ID, soNote), 403, "forbidden", "")
		odErr(t, w.marketing.DeleteSubscription(ctx, w.r.ID, sub.ID), 403, "forbidden", "")
		_, err := w.marketing.SetSubscriptionAutorenew(ctx, w.r.ID, sub.ID, false)
		odErr(t, err, 403, "forbidden", "")
		odErr(t, w.siblingOwner.StopSubscription(ctx, w.r.ID, sub.ID, soNote), 404, "reseller_not_found", "")
		odErr(t, w.siblingOwner.StopSubscription(ctx, w.sibling.ID, sub.ID, soNote), 404, "subscription_not_found", "")
		odErr(t, w.childSales.ApproveSubscriptionOperation(ctx, w.child.ID, sub.ID), 404, "subscription_not_found", "")
		odErr(t, w.sales.StopSubscription(ctx, w.r.ID, 999999, soNote), 404, "subscription_not_found", "")

		path := fmt.Sprintf("/api/v3/resellers/%d/subscriptions/%d/stop_operation", w.r.ID, sub.ID)
		long := strings.Repeat("x", 256)
		for name, tc := range map[string]struct {
			body     string
			pointers []string
			code     string
		}{
			"both missing":    {`{"data":{"attributes":{}}}`, []string{domain.PtrOperationReason, domain.PtrOperationComment}, "required"},
			"comment missing": {`{"data":{"attributes":{"reason":"r"}}}`, []string{domain.PtrOperationComment}, "required"},
			"blank":           {`{"data":{"attributes":{"reason":"  ","comment":""}}}`, []string{domain.PtrOperationReason, domain.PtrOperationComment}, "blank"},
			"too long":        {`{"data":{"attributes":{"reason":"` + long + `","comment":"c"}}}`, []string{domain.PtrOperationReason}, "too_long"},
			"control":         {`{"data":{"attributes":{"reason":"r","comment":"a\u0001b"}}}`, []string{domain.PtrOperationComment}, "control_character"},
			"not a string":    {`{"data":{"attributes":{"reason":5,"comment":"c"}}}`, []string{domain.PtrOperationReason}, "must_be_string"},
		} {
			t.Run(name, func(t *testing.T) {
				resp, err := w.sales.Do(ctx, "POST", path, []byte(tc.body), client.MediaType)
				if err != nil || resp.StatusCode != 422 {
					t.Fatalf("POST %s = %v %v, want 422", tc.body, resp, err)
				}
				for _, p := range tc.pointers {
					if !strings.Contains(string(resp.Body), `"pointer":"`+p+`"`) || !strings.Contains(string(resp.Body), `"code":"`+tc.code+`"`) {
						t.Errorf("answer %s lacks %s at %s", resp.Body, tc.code, p)
					}
				}
			})
		}
		resp, err := w.sales.Do(ctx, "POST", path, nil, "")
		if err != nil || resp.StatusCode != 400 {
			t.Errorf("stop without a body = %v %v, want 400", resp, err)
		}
		if got := soWait(t, w.sales, w.r.ID, sub.ID, "active"); len(soHistory(t, s, got.ID)) != 0 {
			t.Errorf("refused operations left history")
		}
	})
}

// TestSubscriptionManualApproval stops and deletes subscriptions of a plan whose
// service term wants a manager's approval: they wait with auto-renew off, an
// approval carries the operation out, a decline restores the status and auto-renew.
func TestSubscriptionManualApproval(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		first := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "manual")
		odErr(t, w.sales.ApproveSubscriptionOperation(ctx, w.r.ID, first.ID), 403, "forbidden", "")
		odErr(t, w.sales.DeclineSubscriptionOperation(ctx, w.r.ID, first.ID), 403, "forbidden", "")
		if err := w.sales.StopSubscription(ctx, w.r.ID, first.ID, soNote); err != nil {
			t.Fatal(err)
		}
		waiting, err := w.sales.GetSubscription(ctx, w.r.ID, first.ID, nil)
		if err != nil || waiting.Status != "waiting_for_manual_approve" || waiting.RenewalSettings.Autorenew {
			t.Fatalf("after the stop request: %+v, %v", waiting, err)
		}
		for k, v := range waiting.Ability {
			if v {
				t.Errorf("ability %s is true while waiting for approval", k)
			}
		}
		_, err = w.sales.SetSubscriptionAutorenew(ctx, w.r.ID, first.ID, true)
		odErr(t, err, 403, "forbidden", "")
		odErr(t, w.marketing.ApproveSubscriptionOperation(ctx, w.r.ID, first.ID), 403, "forbidden", "")
		if err := w.owner.ApproveSubscriptionOperation(ctx, w.r.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.sales, w.r.ID, first.ID, "stopped")

		second := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "manual")
		if err := w.sales.StopSubscription(ctx, w.r.ID, second.ID, soNote); err != nil {
			t.Fatal(err)
		}
		if err := w.sales.DeclineSubscriptionOperation(ctx, w.r.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		back, err := w.sales.GetSubscription(ctx, w.r.ID, second.ID, nil)
		if err != nil || back.Status != "active" || !back.RenewalSettings.Autorenew || !back.Ability["stop"] {
			t.Fatalf("after the decline: %+v, %v", back, err)
		}
		// A deletion waits the same way; approved, the subscription is deleted.
		if err := w.sales.DeleteSubscription(ctx, w.r.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.sales, w.r.ID, second.ID, "waiting_for_manual_approve")
		if err := w.sales.ApproveSubscriptionOperation(ctx, w.r.ID, second.ID); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.sales, w.r.ID, second.ID, "deleted")
		ops := soHistory(t, s, second.ID)
		want := []domain.SubscriptionOperation{domain.SubscriptionOpStop, domain.SubscriptionOpDecline,
			domain.SubscriptionOpDelete, domain.SubscriptionOpApprove}
		if len(ops) != len(want) {
			t.Fatalf("history = %+v", ops)
		}
		for i, op := range ops {
			if op.Operation != want[i] {
				t.Errorf("history[%d] = %s, want %s", i, op.Operation, want[i])
			}
		}
		if ops[1].StatusAfter != "active" || ops[3].StatusAfter != "deleting" {
			t.Errorf("history statuses = %+v", ops)
		}
	})
}

// TestSubscriptionAutorenew switches auto-renew off and on, refuses the value it has
// with the documented text, and refuses a subscription whose option may not change.
func TestSubscriptionAutorenew(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		sub := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		if !sub.RenewalSettings.Autorenew {
			t.Fatalf("a new monthly subscription does not auto-renew")
		}
		off, err := w.sales.SetSubscriptionAutorenew(ctx, w.r.ID, sub.ID, false)
		if err != nil || off.RenewalSettings.Autorenew || off.ID != sub.ID || off.Status != "active" {
			t.Fatalf("autorenew off = %+v, %v", off, err)
		}
		_, err = w.sales.SetSubscriptionAutorenew(ctx, w.r.ID, sub.ID, false)
		odErr(t, err, 422, "autorenew_unchanged", domain.PtrAutorenew)
		if e := err.(*client.Error); e.Errors[0].Detail != "You are trying to change the current Auto-renew value to the same value" {
			t.Errorf("detail = %q", e.Errors[0].Detail)
		}
		on, err := w.sales.SetSubscriptionAutorenew(ctx, w.r.ID, sub.ID, true)
		if err != nil || !on.RenewalSettings.Autorenew {
			t.Fatalf("autorenew on = %+v, %v", on, err)
		}
		path := fmt.Sprintf("/api/v3/resellers/%d/subscriptions/%d", w.r.ID, sub.ID)
		resp, err := w.sales.Do(ctx, "PATCH", path, []byte(`{"data":{"attributes":{}}}`), client.MediaType)
		if err != nil || resp.StatusCode != 422 || !strings.Contains(string(resp.Body), domain.PtrAutorenew) {
			t.Errorf("PATCH without autorenew = %v %v", resp, err)
		}
		once := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "once")
		if once.Status != "delivered" || once.Ability["change_auto_renew_option"] {
			t.Fatalf("non-recurring subscription = %+v", once)
		}
		_, err = w.sales.SetSubscriptionAutorenew(ctx, w.r.ID, once.ID, true)
		odErr(t, err, 403, "forbidden", "")
		ops := soHistory(t, s, sub.ID)
		if len(ops) != 2 || ops[0].Operation != domain.SubscriptionOpAutorenewOff || ops[1].Operation != domain.SubscriptionOpAutorenewOn {
			t.Errorf("history = %+v", ops)
		}
	})
}

// TestSubscriptionDelete deletes within the deletion period, refuses it once the
// period is over (the clock moved 31 days on) and where the service term gives none,
// and deletes a stopped subscription at any time.
func TestSubscriptionDelete(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		clock := domain.NewTestClock(time.Date(2031, 3, 10, 9, 0, 0, 0, time.UTC))
		s := mgStartClocked(t, e, clock)
		w := soSetup(t, s)
		early := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		late := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		none := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "nodel")
		if !early.Ability["destroy"] || none.Ability["destroy"] {
			t.Fatalf("destroy: %v within the period, %v without one", early.Ability["destroy"], none.Ability["destroy"])
		}
		if err := w.sales.DeleteSubscription(ctx, w.r.ID, early.ID); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.sales, w.r.ID, early.ID, "deleted")
		odErr(t, w.sales.DeleteSubscription(ctx, w.r.ID, none.ID), 403, "forbidden", "")

		clock.Advance(31 * 24 * time.Hour)
		odErr(t, w.sales.DeleteSubscription(ctx, w.r.ID, late.ID), 403, "forbidden", "")
		if err := w.sales.StopSubscription(ctx, w.r.ID, late.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.sales, w.r.ID, late.ID, "stopped")
		if err := w.sales.DeleteSubscription(ctx, w.r.ID, late.ID); err != nil {
			t.Fatal(err)
		}
		gone := soWait(t, w.sales, w.r.ID, late.ID, "deleted")
		for k, v := range gone.Ability {
			if v {
				t.Errorf("ability %s of a deleted subscription is true", k)
			}
		}
		odErr(t, w.sales.DeleteSubscription(ctx, w.r.ID, late.ID), 403, "forbidden", "")
	})
}

// TestSubscriptionStopCancelsWaitingOrder stops a subscription whose renewal order
// waits for its payment: the order and the payment are cancelled with the stop, and
// the payment can no longer be completed.
func TestSubscriptionStopCancelsWaitingOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		sub := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		orderID, paymentID := soWaitingOrder(t, s, sub)
		if err := w.sales.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		o, err := w.sales.GetOrder(ctx, w.r.ID, orderID, nil)
		if err != nil || o.Status != "cancelled" || o.ClosedAt == nil {
			t.Errorf("renewal order after the stop = %+v, %v", o, err)
		}
		p, err := w.sales.GetPayment(ctx, w.r.ID, paymentID)
		if err != nil || p.Status != "cancelled" {
			t.Errorf("its payment after the stop = %+v, %v", p, err)
		}
		soWait(t, w.sales, w.r.ID, sub.ID, "stopped")
	})
}

// TestSubscriptionOperationIdempotent replays a stop by its Idempotency-Key: one
// stop, one history entry, the same empty answer marked as replayed.
func TestSubscriptionOperationIdempotent(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		sub := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		key := client.WithIdempotencyKey(unique("stop-"))
		path := fmt.Sprintf("/api/v3/resellers/%d/subscriptions/%d/stop_operation", w.r.ID, sub.ID)
		body := []byte(`{"data":{"attributes":{"reason":"customer request","comment":"pause"}}}`)
		first, err := w.sales.Do(ctx, "POST", path, body, client.MediaType, key)
		if err != nil || first.StatusCode != 200 || len(first.Body) != 0 {
			t.Fatalf("first stop = %+v, %v", first, err)
		}
		soWait(t, w.sales, w.r.ID, sub.ID, "stopped")
		again, err := w.sales.Do(ctx, "POST", path, body, client.MediaType, key)
		if err != nil || again.StatusCode != 200 || len(again.Body) != 0 || again.Header.Get("Idempotency-Replayed") != "true" {
			t.Fatalf("replayed stop = %+v, %v", again, err)
		}
		if ops := soHistory(t, s, sub.ID); len(ops) != 1 {
			t.Errorf("%d history entries after a replay, want 1", len(ops))
		}
		// The PATCH replays its answer too, though the value is now the one it set.
		pkey := client.WithIdempotencyKey(unique("autorenew-"))
		for range 2 {
			got, err := w.sales.SetSubscriptionAutorenew(ctx, w.r.ID, sub.ID, false, pkey)
			if err != nil || got.RenewalSettings.Autorenew {
				t.Fatalf("autorenew off (replayed) = %+v, %v", got, err)
			}
		}
	})
}

// TestSubscriptionStoppingFailed runs a server whose provisioner refuses stops: the
// subscription ends in stopping_failed, where no operation is offered.
func TestSubscriptionStoppingFailed(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		sub := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		if err := w.sales.StopSubscription(ctx, w.r.ID, sub.ID, soNote); err != nil {
			t.Fatal(err)
		}
		failed := soWait(t, w.sales, w.r.ID, sub.ID, "stopping_failed")
		for k, v := range failed.Ability {
			if v {
				t.Errorf("ability %s of a failed stop is true", k)
			}
		}
		odErr(t, w.sales.StopSubscription(ctx, w.r.ID, sub.ID, soNote), 403, "forbidden", "")
		odErr(t, w.sales.ActivateSubscription(ctx, w.r.ID, sub.ID, soNote), 403, "forbidden", "")
	}, func(c *app.Config) { c.Provisioner = refusingProvisioner{} })
}

// TestChildResellerSubscriptions lists and reads the subscriptions of the resellers
// below one, never its own, and includes subscriptions in account reads.
func TestChildResellerSubscriptions(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := soSetup(t, s)
		own := w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
		below := w.buy(t, w.childSales, w.child.ID, w.childAcc.ID, "auto")

		page, err := w.marketing.ListChildResellerSubscriptions(ctx, w.r.ID, nil, client.WithQuery("meta", "true"))
		if err != nil || page.TotalCount != 1 || len(page.Items) != 1 || page.Items[0].ID != below.ID ||
			!page.Items[0].Ability["stop"] {
			t.Fatalf("child subscriptions of r = %+v, %v", page, err)
		}
		page, err = w.sales.ListChildResellerSubscriptions(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"reseller_id": fmt.Sprint(w.r.ID)}})
		if err != nil || page.TotalCount != 0 {
			t.Errorf("child subscriptions of r filtered to r itself = %+v, %v", page, err)
		}
		page, err = w.childSales.ListChildResellerSubscriptions(ctx, w.child.ID, nil)
		if err != nil || page.TotalCount != 0 {
			t.Errorf("child subscriptions of a reseller with none below = %+v, %v", page, err)
		}
		got, err := w.sales.GetChildResellerSubscription(ctx, w.r.ID, below.ID)
		if err != nil || got.ID != below.ID || got.Status != "active" {
			t.Errorf("child subscription = %+v, %v", got, err)
		}
		_, err = w.sales.GetChildResellerSubscription(ctx, w.r.ID, own.ID)
		odErr(t, err, 404, "subscription_not_found", "")
		_, err = w.siblingOwner.GetChildResellerSubscription(ctx, w.sibling.ID, below.ID)
		odErr(t, err, 404, "subscription_not_found", "")
		_, err = w.siblingOwner.ListChildResellerSubscriptions(ctx, w.r.ID, nil)
		odErr(t, err, 404, "reseller_not_found", "")
		_, err = w.sales.GetChildResellerSubscription(ctx, w.r.ID, below.ID, client.WithInclude("account"))
		odErr(t, err, 400, "unknown_include", "")
		_, err = w.sales.ListChildResellerSubscriptions(ctx, w.r.ID, nil, client.WithInclude("account"))
		odErr(t, err, 400, "unknown_include", "")

		// The reseller itself operates a subscription below it through that reseller.
		if err := w.sales.StopSubscription(ctx, w.child.ID, below.ID, soNote); err != nil {
			t.Fatal(err)
		}
		soWait(t, w.childSales, w.child.ID, below.ID, "stopped")

		var included []client.Resource
		acc, err := w.marketing.GetAccountIncluding(ctx, w.r.ID, w.postpaid.ID, &included, client.WithInclude("subscriptions"))
		if err != nil || acc.ID != w.postpaid.ID || len(included) != 1 || included[0].Type != "subscriptions" ||
			included[0].ID != fmt.Sprint(own.ID) || !strings.Contains(string(included[0].Attributes), `"status":"active"`) {
			t.Fatalf("account with subscriptions = %+v, %+v, %v", acc, included, err)
		}
		resp, err := w.marketing.Do(ctx, "GET", fmt.Sprintf("/api/v3/resellers/%d/accounts?include=subscriptions", w.r.ID), nil, "")
		if err != nil || resp.StatusCode != 200 || !strings.Contains(string(resp.Body), `"relationships":{"subscriptions":{"data":[{"type":"subscriptions","id":"`+fmt.Sprint(own.ID)+`"}]}}`) ||
			!strings.Contains(string(resp.Body), `"relationships":{"subscriptions":{"data":[]}}`) {
			t.Errorf("accounts with subscriptions = %v, %s", err, resp.Body)
		}
		_, err = w.marketing.GetAccountIncluding(ctx, w.r.ID, w.postpaid.ID, nil, client.WithInclude("orders"))
		odErr(t, err, 400, "unknown_include", "")
	})
}
