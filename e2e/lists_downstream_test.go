package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// dsWorld is soWorld with a prepaid order in r and in its child, and a subscription
// in the sibling branch: the objects the lists of r must, and must not, hold.
type dsWorld struct {
	*soWorld
	own, below, siblingSub  *client.Subscription
	ownOrder, belowOrder    *client.Order // prepaid sales orders, each with its payment
	siblingOrder            *client.Order
	ownPayment, belowPaymnt int64
	childPrepaid            *client.Account
}

func dsSetup(t *testing.T, s *server) *dsWorld {
	t.Helper()
	ctx := context.Background()
	w := &dsWorld{soWorld: soSetup(t, s)}
	cfApply(t, s.Admin, w.sibling.ID, soCatalog)
	siblingAcc := acMustCreate(t, s.Admin, w.sibling.ID, soPostpaid("Sid", "Sibling"))
	w.childPrepaid = acMustCreate(t, s.Admin, w.child.ID, acPerson("Cora", "Prepaid"))

	w.own = w.buy(t, w.sales, w.r.ID, w.postpaid.ID, "auto")
	w.below = w.buy(t, w.childSales, w.child.ID, w.childAcc.ID, "auto")
	w.siblingSub = w.buy(t, s.Admin, w.sibling.ID, siblingAcc.ID, "auto")
	prepaid := func(c *client.Client, rid, accountID int64) *client.Order {
		plan := atPlan(t, c, rid, "auto")
		o, err := c.CreateSalesOrder(ctx, rid, client.SalesOrderInput{AccountID: accountID, PlanID: plan.ID,
			PlanPeriodID: plan.Periods[0].ID, PaymentModel: "prepay"})
		if err != nil || o.PaymentID == nil {
			t.Fatalf("prepaid order in reseller %d: %+v, %v", rid, o, err)
		}
		return o
	}
	w.ownOrder = prepaid(w.sales, w.r.ID, w.prepaid.ID)
	w.belowOrder = prepaid(w.childSales, w.child.ID, w.childPrepaid.ID)
	w.ownPayment, w.belowPaymnt = *w.ownOrder.PaymentID, *w.belowOrder.PaymentID
	sibOrders, err := s.Admin.ListOrders(ctx, w.sibling.ID, nil)
	if err != nil || len(sibOrders.Items) != 1 {
		t.Fatalf("orders of the sibling = %+v, %v", sibOrders, err)
	}
	w.siblingOrder = &sibOrders.Items[0]
	return w
}

// soPostpaid is a person of the postpaid account class.
func soPostpaid(first, last string) client.AccountInput {
	in := acPerson(first, last)
	in.AccountClassKey = client.String("postpay")
	return in
}

// walk follows a list by its cursors, pages of one, and returns the ids in order.
func walk[T any](t *testing.T, list func(o *client.ListOptions) (*client.Page[T], error), id func(T) int64,
	sort string, filter map[string]string) ([]int64, int) {
	t.Helper()
	var ids []int64
	o := &client.ListOptions{PageSize: 1, Sort: sort, Filter: filter}
	total := -1
	for range 50 {
		page, err := list(o)
		if err != nil {
			t.Fatalf("walk sorted %q: %v", sort, err)
		}
		if total >= 0 && page.TotalCount != total {
			t.Fatalf("total moved from %d to %d during the walk", total, page.TotalCount)
		}
		total = page.TotalCount
		for _, it := range page.Items {
			ids = append(ids, id(it))
		}
		if page.NextCursor == "" {
			return ids, total
		}
		o.After = page.NextCursor
	}
	t.Fatal("the walk does not end")
	return nil, 0
}

// sameSet fails unless got holds exactly want's ids, in any order, each once.
func sameSet(t *testing.T, what string, got []int64, want ...int64) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestListsCoverDownstreamResellers(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := dsSetup(t, s)
		subID := func(v client.Subscription) int64 { return v.ID }
		orderID := func(v client.Order) int64 { return v.ID }
		payID := func(v client.Payment) int64 { return v.ID }
		listSubs := func(c *client.Client, rid int64) func(*client.ListOptions) (*client.Page[client.Subscription], error) {
			return func(o *client.ListOptions) (*client.Page[client.Subscription], error) {
				return c.ListSubscriptions(ctx, rid, o)
			}
		}
		listOrders := func(c *client.Client, rid int64) func(*client.ListOptions) (*client.Page[client.Order], error) {
			return func(o *client.ListOptions) (*client.Page[client.Order], error) { return c.ListOrders(ctx, rid, o) }
		}
		listPays := func(c *client.Client, rid int64) func(*client.ListOptions) (*client.Page[client.Payment], error) {
			return func(o *client.ListOptions) (*client.Page[client.Payment], error) { return c.ListPayments(ctx, rid, o) }
		}
		subsR := []int64{w.own.ID, w.below.ID, w.ownOrder.SubscriptionID, w.belowOrder.SubscriptionID}
		ordersR := []int64{w.ownOrder.ID, w.belowOrder.ID}
		for _, sub := range []*client.Subscription{w.own, w.below} {
			got, err := w.marketing.ListOrders(ctx, w.r.ID, &client.ListOptions{
				Filter: map[string]string{"account_id": fmt.Sprint(sub.AccountID)}})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range got.Items {
				if o.SubscriptionID == sub.ID {
					ordersR = append(ordersR, o.ID)
				}
			}
		}
		if len(ordersR) != 4 {
			t.Fatalf("orders of r by account = %v, want 4", ordersR)
		}

		// The lists of r hold r's and its child's objects, under every sort, page by
		// page along the cursors; the totals count both.
		for _, sort := range []string{"", "-id", "created_at", "-updated_at", "expiration_date"} {
			ids, total := walk(t, listSubs(w.marketing, w.r.ID), subID, sort, nil)
			sameSet(t, "subscriptions of r sorted "+sort, ids, subsR...)
			if total != 4 {
				t.Errorf("subscriptions of r sorted %q: total %d, want 4", sort, total)
			}
		}
		for _, sort := range []string{"", "-id", "-created_at", "closed_at", "expiration_date", "-provisioning_date"} {
			ids, total := walk(t, listOrders(w.marketing, w.r.ID), orderID, sort, nil)
			sameSet(t, "orders of r sorted "+sort, ids, ordersR...)
			if total != 4 {
				t.Errorf("orders of r sorted %q: total %d, want 4", sort, total)
			}
		}
		for _, sort := range []string{"", "-id", "created_at", "-total", "closed_at"} {
			ids, total := walk(t, listPays(w.marketing, w.r.ID), payID, sort, nil)
			sameSet(t, "payments of r sorted "+sort, ids, w.ownPayment, w.belowPaymnt)
			if total != 2 {
				t.Errorf("payments of r sorted %q: total %d, want 2", sort, total)
			}
		}
		// Default order is by id, across resellers.
		ids, _ := walk(t, listSubs(w.marketing, w.r.ID), subID, "", nil)
		if !slices.IsSorted(ids) {
			t.Errorf("subscriptions of r by default = %v, not by id", ids)
		}

		// Filters apply across the subtree: an account of the child selects its objects
		// in the list of r; a status selects in both resellers.
		ids, total := walk(t, listSubs(w.marketing, w.r.ID), subID, "-id",
			map[string]string{"account_id": fmt.Sprint(w.childAcc.ID)})
		sameSet(t, "subscriptions of the child's account in r", ids, w.below.ID)
		if total != 1 {
			t.Errorf("total of the child's account in r = %d, want 1", total)
		}
		ids, total = walk(t, listSubs(w.marketing, w.r.ID), subID, "", map[string]string{"status": "active"})
		sameSet(t, "active subscriptions of r", ids, w.own.ID, w.below.ID)
		if total != 2 {
			t.Errorf("total of active subscriptions of r = %d, want 2", total)
		}
		ids, _ = walk(t, listOrders(w.marketing, w.r.ID), orderID, "", map[string]string{"status": "waiting_for_payment"})
		sameSet(t, "orders of r waiting for payment", ids, w.ownOrder.ID, w.belowOrder.ID)
		ids, _ = walk(t, listPays(w.marketing, w.r.ID), payID, "", map[string]string{"account_id": fmt.Sprint(w.childPrepaid.ID)})
		sameSet(t, "payments of the child's account in r", ids, w.belowPaymnt)
		ids, total = walk(t, listSubs(w.marketing, w.r.ID), subID, "", map[string]string{"reseller_id": fmt.Sprint(w.child.ID)})
		sameSet(t, "subscriptions of r filtered to the child", ids, w.below.ID, w.belowOrder.SubscriptionID)
		if total != 2 {
			t.Errorf("total of r filtered to the child = %d, want 2", total)
		}
		// An account of the sibling branch matches nothing in r.
		ids, _ = walk(t, listSubs(w.marketing, w.r.ID), subID, "", map[string]string{"account_id": fmt.Sprint(w.siblingSub.AccountID)})
		sameSet(t, "subscriptions of the sibling's account in r", ids)

		// The child's lists hold its own objects only; the sibling's its own.
		ids, total = walk(t, listSubs(w.childSales, w.child.ID), subID, "", nil)
		sameSet(t, "subscriptions of the child", ids, w.below.ID, w.belowOrder.SubscriptionID)
		if total != 2 {
			t.Errorf("subscriptions of the child: total %d, want 2", total)
		}
		ids, _ = walk(t, listOrders(w.siblingOwner, w.sibling.ID), orderID, "", nil)
		sameSet(t, "orders of the sibling", ids, w.siblingOrder.ID)
		ids, _ = walk(t, listPays(w.childSales, w.child.ID), payID, "", nil)
		sameSet(t, "payments of the child", ids, w.belowPaymnt)
		// child_reseller_subscriptions keeps to the resellers strictly below.
		ids, _ = walk(t, func(o *client.ListOptions) (*client.Page[client.Subscription], error) {
			return w.marketing.ListChildResellerSubscriptions(ctx, w.r.ID, o)
		}, subID, "", nil)
		sameSet(t, "child reseller subscriptions of r", ids, w.below.ID, w.belowOrder.SubscriptionID)

		// Get by id reaches the child's objects through r, never the sibling's, and the
		// child never reaches up to r's.
		if got, err := w.marketing.GetSubscription(ctx, w.r.ID, w.below.ID, nil); err != nil || got.ID != w.below.ID || got.Status != "active" {
			t.Errorf("child's subscription through r = %+v, %v", got, err)
		}
		if got, err := w.marketing.GetOrder(ctx, w.r.ID, w.belowOrder.ID, nil); err != nil || got.ID != w.belowOrder.ID {
			t.Errorf("child's order through r = %+v, %v", got, err)
		}
		if got, err := w.marketing.GetPayment(ctx, w.r.ID, w.belowPaymnt); err != nil || got.ID != w.belowPaymnt {
			t.Errorf("child's payment through r = %+v, %v", got, err)
		}
		_, err := w.marketing.GetSubscription(ctx, w.r.ID, w.siblingSub.ID, nil)
		odErr(t, err, 404, "subscription_not_found", "")
		_, err = w.marketing.GetOrder(ctx, w.r.ID, w.siblingOrder.ID, nil)
		odErr(t, err, 404, "order_not_found", "")
		_, err = w.childSales.GetSubscription(ctx, w.child.ID, w.own.ID, nil)
		odErr(t, err, 404, "subscription_not_found", "")
		_, err = w.childSales.GetOrder(ctx, w.child.ID, w.ownOrder.ID, nil)
		odErr(t, err, 404, "order_not_found", "")
		_, err = w.childSales.GetPayment(ctx, w.child.ID, w.ownPayment)
		odErr(t, err, 404, "payment_not_found", "")
		_, err = w.siblingOwner.GetPayment(ctx, w.sibling.ID, w.belowPaymnt)
		odErr(t, err, 404, "payment_not_found", "")

		// A new object of the child shows in r's list and total at once.
		more := w.buy(t, w.childSales, w.child.ID, w.childAcc.ID, "nodel")
		ids, total = walk(t, listSubs(w.marketing, w.r.ID), subID, "-id", nil)
		if total != 5 || len(ids) != 5 || ids[0] != more.ID {
			t.Errorf("subscriptions of r after a new one below = %v (total %d), want %d first of 5", ids, total, more.ID)
		}
		if err := s.checkListCounts(); err != nil {
			t.Error(err)
		}
	})
}
