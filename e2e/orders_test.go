package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
)

// TestSalesOrderPrepaid buys a plan for a prepaid account: the order waits for its
// payment, the payment completes by a payment method, the provisioning job runs, and
// the order completes with the subscription active from today for one month.
func TestSalesOrderPrepaid(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		// 5.00 setup + 10.00 a month + 2 charged mailboxes × 2.50.
		if o.Kind != "sales_orders" || o.Type != "SalesOrder" || o.Status != "waiting_for_payment" ||
			o.Total != "20.0" || o.DocumentID != "SO000001" || o.PaymentID == nil || o.ClosedAt != nil {
			t.Fatalf("new order = %+v", o)
		}
		sub, err := w.sales.GetSubscription(ctx, w.r.ID, o.SubscriptionID, nil)
		if err != nil || sub.Status != "ordered" || sub.StartDate != nil || sub.Ability["stop"] {
			t.Fatalf("subscription before payment = %+v, %v", sub, err)
		}
		p, err := w.sales.GetPayment(ctx, w.r.ID, *o.PaymentID)
		if err != nil || p.Status != "waiting_for_payment" || p.Total != "20.0" || p.DocumentID != "000001" {
			t.Fatalf("payment = %+v, %v", p, err)
		}
		p, err = w.sales.CompletePayment(ctx, w.r.ID, p.ID, w.cash)
		if err != nil || p.Status != "completed" || p.PaymentMethodName == nil || *p.PaymentMethodName != "Cash" ||
			p.ClosedAt == nil {
			t.Fatalf("completed payment = %+v, %v", p, err)
		}
		done := odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
		if done.ClosedAt == nil {
			t.Errorf("completed order has no closed_at")
		}
		var included []client.Resource
		sub, err = w.sales.GetSubscription(ctx, w.r.ID, o.SubscriptionID, &included,
			client.WithInclude("account", "plan", "subscription_period", "subscription_resources"))
		if err != nil {
			t.Fatal(err)
		}
		today := s.Config.Clock.Now().Format("2006-01-02")
		if sub.Status != "active" || sub.StartDate == nil || *sub.StartDate != today || sub.ExpirationDate == nil ||
			!sub.Ability["stop"] || !sub.RenewalSettings.Autorenew {
			t.Errorf("subscription after provisioning = %+v", sub)
		}
		kinds := map[string]int{}
		for _, r := range included {
			kinds[r.Type]++
		}
		if kinds["accounts"] != 1 || kinds["plans"] != 1 || kinds["plan_periods"] != 1 || kinds["subscription_resources"] != 2 {
			t.Errorf("included = %v", kinds)
		}
		included = nil
		if _, err := w.marketing.GetOrder(ctx, w.r.ID, o.ID, &included,
			client.WithInclude("account", "payment", "subscription")); err != nil || len(included) != 3 {
			t.Errorf("order with includes: %d included, %v", len(included), err)
		}
		// Completing it again, or cancelling the completed order, is refused.
		_, err = w.sales.CompletePayment(ctx, w.r.ID, p.ID, w.cash)
		odErr(t, err, 422, "payment_complete_status", "")
		odErr(t, w.sales.CancelOrder(ctx, w.r.ID, o.ID), 403, "forbidden", "")
	})
}

// TestSalesOrderPostpaid buys a plan for a postpaid account: no payment, the order
// provisions at once and the subscription becomes active.
func TestSalesOrderPostpaid(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		o, err := w.owner.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.postpaid, "postpay"))
		if err != nil {
			t.Fatal(err)
		}
		if o.PaymentID != nil || (o.Status != "provisioning" && o.Status != "completed") {
			t.Fatalf("postpaid order = %+v", o)
		}
		odWaitOrder(t, w.owner, w.r.ID, o.ID, "completed")
		sub, err := w.owner.GetSubscription(ctx, w.r.ID, o.SubscriptionID, nil)
		if err != nil || sub.Status != "active" || sub.PaymentModel != "postpay" {
			t.Fatalf("subscription = %+v, %v", sub, err)
		}
		pays, err := w.owner.ListPayments(ctx, w.r.ID, nil)
		if err != nil || len(pays.Items) != 0 {
			t.Errorf("payments of a postpaid order: %v, %v", pays, err)
		}
	})
}

// TestSalesOrderCancel cancels an order waiting for its payment: the payment is
// cancelled and the subscription discarded.
func TestSalesOrderCancel(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		odErr(t, w.marketing.CancelOrder(ctx, w.r.ID, o.ID), 403, "forbidden", "")
		odErr(t, w.siblingOwner.CancelOrder(ctx, w.r.ID, o.ID), 404, "reseller_not_found", "")
		if err := w.sales.CancelOrder(ctx, w.r.ID, o.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := w.sales.GetOrder(ctx, w.r.ID, o.ID, nil)
		p, _ := w.sales.GetPayment(ctx, w.r.ID, *o.PaymentID)
		sub, _ := w.sales.GetSubscription(ctx, w.r.ID, o.SubscriptionID, nil)
		if got.Status != "cancelled" || got.ClosedAt == nil || p.Status != "cancelled" || sub.Status != "deleted" {
			t.Errorf("after cancel: order %s, payment %s, subscription %s", got.Status, p.Status, sub.Status)
		}
		odErr(t, w.sales.CancelOrder(ctx, w.r.ID, o.ID), 403, "forbidden", "")
		_, err = w.sales.CompletePayment(ctx, w.r.ID, p.ID, w.cash)
		odErr(t, err, 422, "payment_complete_status", "")
	})
}

// TestPaymentCompletedOnce completes one payment from many clients at once: exactly
// one succeeds, and the order is provisioned once.
func TestPaymentCompletedOnce(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		const clients = 12
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins int
		)
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := w.sales.CompletePayment(ctx, w.r.ID, *o.PaymentID, w.cash)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					wins++
					return
				}
				if e, ok := err.(*client.Error); !ok || e.StatusCode != 422 {
					t.Errorf("a losing completion: %v, want 422", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d completions succeeded, want exactly 1", wins)
		}
		odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
	})
}

// TestSalesOrderIdempotent replays a sales order by its Idempotency-Key: one order.
func TestSalesOrderIdempotent(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		key := client.WithIdempotencyKey(unique("so-"))
		first, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"), key)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"), key)
		if err != nil || again.ID != first.ID || again.DocumentID != first.DocumentID {
			t.Fatalf("replay = %+v, %v; want order %d", again, err, first.ID)
		}
		page, err := w.sales.ListOrders(ctx, w.r.ID, nil)
		if err != nil || page.TotalCount != 1 {
			t.Fatalf("orders after a replay: %+v, %v", page, err)
		}
	})
}

// TestSalesOrderRefusals checks every 422 of a sales order, the roles, and that
// another branch's objects are not found.
func TestSalesOrderRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		mailbox := atResource(t, w.basic, "mailbox")
		today := s.Config.Clock.Now()
		cases := []struct {
			name    string
			edit    func(in *client.SalesOrderInput)
			code    string
			pointer string
		}{
			{"period not in plan", func(in *client.SalesOrderInput) { in.PlanPeriodID = odPeriod(t, w.attrs, "1m") },
				"period_not_in_plan", "/data/attributes/plan_period_id"},
			{"quantity invalid", func(in *client.SalesOrderInput) { in.Resources.Data[0].Quantity = 51 },
				"resource_amount_invalid", "/data/attributes/resources/data/0/quantity"},
			{"resource not in plan", func(in *client.SalesOrderInput) {
				in.Resources.Data = append(in.Resources.Data, client.ResourceQuantity{PlanResourceID: 999999, Quantity: 1})
			}, "resource_not_in_plan", "/data/attributes/resources/data/1/plan_resource_id"},
			{"resource missing", func(in *client.SalesOrderInput) { in.Resources = nil },
				"resource_must_be_ordered", "/data/attributes/resources"},
			{"resource twice", func(in *client.SalesOrderInput) {
				in.Resources.Data = append(in.Resources.Data, client.ResourceQuantity{PlanResourceID: mailbox, Quantity: 4})
			}, "resource_ordered_twice", "/data/attributes/resources/data/1/plan_resource_id"},
			{"credit limit negative", func(in *client.SalesOrderInput) { in.SubscriptionCreditLimit = client.String("-1") },
				"credit_limit_value", "/data/attributes/subscription_credit_limit"},
			{"payment model not allowed", func(in *client.SalesOrderInput) { in.PaymentModel = "postpay" },
				"payment_model_not_allowed", "/data/attributes/payment_model"},
			{"payment model unknown", func(in *client.SalesOrderInput) { in.PaymentModel = "later" },
				"payment_model_value", "/data/attributes/payment_model"},
			{"provisioning date past", func(in *client.SalesOrderInput) {
				in.ProvisioningDate = client.String(today.AddDate(0, 0, -1).Format("2006-01-02"))
			}, "provisioning_date_range", "/data/attributes/provisioning_date"},
			{"provisioning date too far", func(in *client.SalesOrderInput) {
				in.ProvisioningDate = client.String(today.AddDate(0, 0, 16).Format("2006-01-02"))
			}, "provisioning_date_range", "/data/attributes/provisioning_date"},
			{"account of another reseller", func(in *client.SalesOrderInput) { in.AccountID = w.siblingAcc.ID },
				"account_not_found", "/data/attributes/account_id"},
			{"async task missing", func(in *client.SalesOrderInput) {
				in.PlanID, in.PlanPeriodID, in.Resources = w.attrs.ID, odPeriod(t, w.attrs, "1m"), nil
			}, "async_task_required", "/data/attributes/async_task_id"},
			{"async task unknown", func(in *client.SalesOrderInput) {
				in.PlanID, in.PlanPeriodID, in.Resources = w.attrs.ID, odPeriod(t, w.attrs, "1m"), nil
				in.AsyncTaskID = client.String("9b68427b-52d5-4c01-9b77-eb1b70517414")
			}, "async_task_not_usable", "/data/attributes/async_task_id"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := w.order(t, w.prepaid, "prepay")
				in.Resources.Data[0].PlanResourceID = mailbox
				tc.edit(&in)
				_, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in)
				odErr(t, err, 422, tc.code, tc.pointer)
			})
		}
		// An invalid validation of the right plan and account is refused too; a valid
		// one is accepted.
		attrsOrder := client.SalesOrderInput{AccountID: w.prepaid.ID, PlanID: w.attrs.ID,
			PlanPeriodID: odPeriod(t, w.attrs, "1m"), PaymentModel: "prepay"}
		bad := atValidate(t, w.sales, w.r.ID, w.attrs.ID, w.prepaid.ID, map[string]any{})
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if got, err := w.sales.WaitAsyncTask(wctx, w.r.ID, bad.ID); err != nil || got.Results == nil || got.Results.Valid {
			t.Fatalf("validation of no values = %+v, %v; want completed and invalid", got, err)
		}
		attrsOrder.AsyncTaskID = client.String(bad.ID)
		_, err := w.sales.CreateSalesOrder(ctx, w.r.ID, attrsOrder)
		odErr(t, err, 422, "async_task_not_usable", "/data/attributes/async_task_id")
		good := atValidate(t, w.sales, w.r.ID, w.attrs.ID, w.prepaid.ID, map[string]any{"domain_name": "contoso.com"})
		atWait(t, w.sales, w.r.ID, good.ID)
		attrsOrder.AsyncTaskID = client.String(good.ID)
		if _, err := w.sales.CreateSalesOrder(ctx, w.r.ID, attrsOrder); err != nil {
			t.Errorf("order with a valid attribute validation: %v", err)
		}
		// A delayed order waits for its date.
		in := w.order(t, w.postpaid, "postpay")
		in.ProvisioningDate = client.String(today.AddDate(0, 0, 3).Format("2006-01-02"))
		if o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in); err != nil || o.Status != "waiting_for_provisioning" {
			t.Errorf("delayed postpaid order = %+v, %v", o, err)
		}

		// Roles and branches.
		_, err = w.marketing.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		odErr(t, err, 403, "forbidden", "")
		_, err = w.siblingOwner.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		odErr(t, err, 404, "reseller_not_found", "")
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.siblingOwner.GetOrder(ctx, w.sibling.ID, o.ID, nil)
		odErr(t, err, 404, "order_not_found", "")
		_, err = w.siblingOwner.GetSubscription(ctx, w.sibling.ID, o.SubscriptionID, nil)
		odErr(t, err, 404, "subscription_not_found", "")
		_, err = w.siblingOwner.GetPayment(ctx, w.sibling.ID, *o.PaymentID)
		odErr(t, err, 404, "payment_not_found", "")
		_, err = w.marketing.CompletePayment(ctx, w.r.ID, *o.PaymentID, w.cash)
		odErr(t, err, 403, "forbidden", "")
		// A method of another reseller is not one of this reseller's.
		sibMethods, _ := s.Admin.ListPaymentMethods(ctx, w.sibling.ID, nil)
		_, err = w.sales.CompletePayment(ctx, w.r.ID, *o.PaymentID, sibMethods.Items[0].ID)
		odErr(t, err, 422, "payment_method_unknown", "/data/attributes/payment_method_id")
		resp, err := w.sales.Do(ctx, "PATCH", fmt.Sprintf("/api/v3/resellers/%d/payments/%d", w.r.ID, *o.PaymentID),
			[]byte(`{"data":{"attributes":{"status":"paid_from_balance"}}}`), client.MediaType)
		if err != nil || resp.StatusCode != 422 {
			t.Errorf("complete from the balance: %v %v, want 422", resp, err)
		}
		// A body without a payment method, or with another status, says what it must hold.
		for _, body := range []string{`{"data":{"attributes":{}}}`, `{"data":{"attributes":{"status":"completed"}}}`} {
			resp, err := w.sales.Do(ctx, "PATCH", fmt.Sprintf("/api/v3/resellers/%d/payments/%d", w.r.ID, *o.PaymentID),
				[]byte(body), client.MediaType)
			if err != nil || resp.StatusCode != 422 || !strings.Contains(string(resp.Body), `"code":"payment_complete_body"`) {
				t.Errorf("complete with %s: %v %v, want 422 payment_complete_body", body, resp, err)
			}
		}
	})
}

// TestOrderListsPaginateAndFilter lists orders, subscriptions and payments with
// filters, sorts and pages.
func TestOrderListsPaginateAndFilter(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		for range 3 {
			if _, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.postpaid, "postpay")); err != nil {
			t.Fatal(err)
		}
		page, err := w.marketing.ListOrders(ctx, w.r.ID, &client.ListOptions{PageSize: 2, Sort: "-id",
			Filter: map[string]string{"status": "waiting_for_payment", "type": "SalesOrder"}})
		if err != nil || page.TotalCount != 3 || len(page.Items) != 2 || page.Items[0].ID < page.Items[1].ID || page.NextCursor == "" {
			t.Fatalf("orders page = %+v, %v", page, err)
		}
		page, err = w.marketing.ListOrders(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"account_id": fmt.Sprint(w.postpaid.ID)}})
		if err != nil || page.TotalCount != 1 {
			t.Fatalf("orders of the postpaid account: %+v, %v", page, err)
		}
		subs, err := w.marketing.ListSubscriptions(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"payment_model": "prepay", "status": "ordered", "trial": "false"}}, client.WithQuery("meta", "true"))
		if err != nil || subs.TotalCount != 3 {
			t.Fatalf("prepaid ordered subscriptions: %+v, %v", subs, err)
		}
		pays, err := w.marketing.ListPayments(ctx, w.r.ID, &client.ListOptions{Sort: "-total",
			Filter: map[string]string{"status": "waiting_for_payment"}})
		if err != nil || pays.TotalCount != 3 {
			t.Fatalf("payments waiting: %+v, %v", pays, err)
		}
		if err := s.checkListCounts(); err != nil {
			t.Error(err)
		}
	})
}
