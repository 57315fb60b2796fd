package e2e

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
)

// pdCreditText is the documented refusal of a postpaid order over its credit limit.
const pdCreditText = "The order cannot be completed: the order total has exceeded the credit limit for this subscription"

// pdBuy makes an active postpaid flex-basic subscription with three seats (14.00)
// for w's postpaid account, with its own credit limit (nil: the account's), and
// returns its sales order, completed.
func pdBuy(t *testing.T, w *okWorld, limit *string) *client.Order {
	t.Helper()
	in := client.SalesOrderInput{AccountID: w.postpaid.ID, PlanID: w.plans["flex-basic"].ID,
		PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "postpay", Resources: w.seats(t, "flex-basic", 3)}
	if limit != nil {
		in.SubscriptionCreditLimitUseSystem, in.SubscriptionCreditLimit = client.Bool(false), limit
	}
	o, err := w.sales.CreateSalesOrder(context.Background(), w.r.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
}

// pdWant checks a subscription's status and current debt through the API.
func pdWant(t *testing.T, w *okWorld, id int64, status string, debt domain.Amount) {
	t.Helper()
	sub, err := w.sales.GetSubscription(context.Background(), w.r.ID, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := sub.PaymentModelParameters.CurrentDebt.String(); sub.Status != status || !twSameMoney(got, debt.String()) {
		t.Fatalf("subscription %d is %s owing %s, want %s owing %s", id, sub.Status, got, status, debt)
	}
}

// pdCorrect approves a correction of total put in the postpaid subscription's invoice.
func pdCorrect(t *testing.T, w *okWorld, sub int64, total domain.Amount) {
	t.Helper()
	ctx := context.Background()
	k, err := w.sales.CreateCorrection(ctx, w.r.ID, client.CorrectionInput{AccountID: w.postpaid.ID,
		IncludedInvoice: true, SubscriptionID: &sub, Total: total.String()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.sales.UpdateCorrectionStatus(ctx, w.r.ID, k.ID, "approved"); err != nil {
		t.Fatal(err)
	}
}

// pdSeats orders additional seats of subscription sub in a change order.
func pdSeats(w *okWorld, sub, resource, additional int64) (*client.Order, error) {
	return w.sales.CreateChangeOrder(context.Background(), w.r.ID, client.ChangeOrderInput{SubscriptionID: sub,
		Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: resource, Additional: additional}}}})
}

// pdWantCreditRefusal checks err is the credit limit's 422 at the order's total.
func pdWantCreditRefusal(t *testing.T, err error) {
	t.Helper()
	if d := poErrDetail(t, err, 422, "order_credit_limit"); d != pdCreditText {
		t.Fatalf("detail %q, want %q", d, pdCreditText)
	}
	var e *client.Error
	if !errors.As(err, &e) || e.Errors[0].Source == nil || e.Errors[0].Source.Pointer != "/data/attributes/total" {
		t.Fatalf("refusal = %v, want it at /data/attributes/total", err)
	}
}

// pdOrders counts the orders of w's postpaid account.
func pdOrders(t *testing.T, w *okWorld) int {
	t.Helper()
	page, err := w.sales.ListOrders(context.Background(), w.r.ID, &client.ListOptions{
		Filter: map[string]string{"account_id": strconv.FormatInt(w.postpaid.ID, 10)}})
	if err != nil {
		t.Fatal(err)
	}
	return page.TotalCount
}

// TestPostpaidDebtBlocksAndUnblocks: a postpaid subscription with a credit limit of
// 20.00 owes its sale (14.00); a change order that would bring the debt above the
// limit is refused and changes nothing; one within it raises the debt; a correction
// put in its invoice takes the debt over the limit and blocks it, a negative one
// unblocks it; blocked again, it stays blocked when the billing day invoices the
// debt, and is active again owing nothing once the invoice's payment is completed.
func TestPostpaidDebtBlocksAndUnblocks(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		sale := pdBuy(t, w, client.String("20.00"))
		id := sale.SubscriptionID
		pdWant(t, w, id, "active", koAmount(t, "14.00"))
		_, res := w.subscription(t, id)
		seat := res[0].ID

		// Four seats more (8.00) would owe 22.00: refused, nothing changes.
		_, err := pdSeats(w, id, seat, 6)
		pdWantCreditRefusal(t, err)
		if n := pdOrders(t, w); n != 1 {
			t.Fatalf("%d orders after the refusal, want the sale alone", n)
		}
		pdWant(t, w, id, "active", koAmount(t, "14.00"))

		// One seat more fits: the debt rises by the order's total.
		up, err := pdSeats(w, id, seat, 3)
		if err != nil {
			t.Fatal(err)
		}
		up = odWaitOrder(t, w.sales, w.r.ID, up.ID, "completed")
		debt := koAmount(t, "14.00") + koAmount(t, up.Total)
		pdWant(t, w, id, "active", debt)
		mustLedgerConsistent(t, s)

		// A correction one cent past the limit blocks it; one cent back unblocks it
		// (a debt equal to the limit is within it).
		over := koAmount(t, "20.00") - debt + 10_000
		pdCorrect(t, w, id, over)
		pdWant(t, w, id, "blocked", debt+over)
		if _, err := pdSeats(w, id, seat, 2); err == nil {
			t.Fatal("a blocked subscription took a change order")
		}
		pdCorrect(t, w, id, -10_000)
		pdWant(t, w, id, "active", koAmount(t, "20.00"))
		pdCorrect(t, w, id, koAmount(t, "3.00"))
		owed := koAmount(t, "23.00")
		pdWant(t, w, id, "blocked", owed)
		mustLedgerConsistent(t, s)

		// The billing day invoices March: the debt is still owed.
		psAdvance(t, s, psAt("2027-04-02", 10))
		invoices := inInvoices(t, w.sales, w.r.ID, map[string]string{"account_id": strconv.FormatInt(w.postpaid.ID, 10),
			"payment_model": "postpay"})
		if len(invoices) != 1 || len(invoices[0].PaymentIDs) != 1 || !twSameMoney(invoices[0].Total, owed.String()) {
			t.Fatalf("invoices %+v, want one of %s with a payment", invoices, owed)
		}
		pdWant(t, w, id, "blocked", owed)

		// Its payment completed: nothing is owed, the subscription is active.
		if _, err := w.sales.CompletePayment(ctx, w.r.ID, invoices[0].PaymentIDs[0], w.cash); err != nil {
			t.Fatal(err)
		}
		pdWant(t, w, id, "active", 0)
		chWantMoney(t, w.sales, w.r.ID, w.postpaid.ID, "0", "0")
		mustLedgerConsistent(t, s)
	})
}

// TestPostpaidDebtFollowsTheAccountLimit: a subscription using the system's limit
// follows its account's: lowered below the debt it blocks the subscription, raised
// above it unblocks it (the review is a job written with the change; run again, it
// changes nothing); a sales order above the limit is refused.
func TestPostpaidDebtFollowsTheAccountLimit(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		id := pdBuy(t, w, nil).SubscriptionID
		pdWant(t, w, id, "active", koAmount(t, "14.00")) // the class's limit is 0: none
		setLimit := func(limit string) {
			t.Helper()
			if _, err := w.sales.UpdateAccount(ctx, w.r.ID, w.postpaid.ID,
				client.AccountInput{AccountTypeID: client.Int(w.postpaid.AccountTypeID), CreditLimit: client.String(limit)}); err != nil {
				t.Fatal(err)
			}
		}
		setLimit("10.00")
		pdWaitDebt(t, w, id, "blocked", koAmount(t, "14.00"))
		setLimit("14.00")
		pdWaitDebt(t, w, id, "active", koAmount(t, "14.00"))
		pdRunJob(t, s, service.JobReviewAccountDebts, map[string]int64{"account_id": w.postpaid.ID})
		pdWant(t, w, id, "active", koAmount(t, "14.00"))

		// A new sale of 14.00 fits the limit of 14.00; one of a single seat more does not.
		in := client.SalesOrderInput{AccountID: w.postpaid.ID, PlanID: w.plans["flex-basic"].ID,
			PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "postpay", Resources: w.seats(t, "flex-basic", 4)}
		_, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in)
		pdWantCreditRefusal(t, err)
		mustLedgerConsistent(t, s)
	})
}

// TestPostpaidDebtConcurrentOrders: of concurrent change orders on one postpaid
// subscription, each within its limit alone but not two together, at most one is
// accepted, and the debt never passes the limit.
func TestPostpaidDebtConcurrentOrders(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		w := okSetup(t, s)
		id := pdBuy(t, w, client.String("17.00")).SubscriptionID
		_, res := w.subscription(t, id)
		seat := res[0].ID
		orders := make([]*client.Order, 8)
		errs := atOnce(len(orders), func(i int) error {
			var err error
			orders[i], err = pdSeats(w, id, seat, 3)
			return err
		})
		var placed *client.Order
		for i, err := range errs {
			switch {
			case err == nil && placed != nil:
				t.Fatalf("two orders accepted: %s and %s", placed.DocumentID, orders[i].DocumentID)
			case err == nil:
				placed = orders[i]
			default:
				apiError(t, err, 422)
			}
		}
		if placed == nil {
			t.Fatal("no order accepted")
		}
		placed = odWaitOrder(t, w.sales, w.r.ID, placed.ID, "completed")
		debt := koAmount(t, "14.00") + koAmount(t, placed.Total)
		pdWant(t, w, id, "active", debt)
		// Another seat would pass the limit now.
		_, err := pdSeats(w, id, seat, 4)
		pdWantCreditRefusal(t, err)
		mustLedgerConsistent(t, s)
	})
}

// TestPostpaidDebtFollowsTheClassLimit: a change of the postpaid class's credit limit
// in the operator's catalogue file blocks and unblocks the subscriptions that take
// their account's limit, which takes its class's (the account_class_limit job).
func TestPostpaidDebtFollowsTheClassLimit(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		w := okSetup(t, s)
		id := pdBuy(t, w, nil).SubscriptionID
		pdWant(t, w, id, "active", koAmount(t, "14.00"))
		classLimit := func(limit string) string {
			return "account_classes:\n  - key: postpay\n    name: Postpay\n    charging_model: postpay\n" +
				"    credit_limit: " + limit + "\n"
		}
		cfApply(t, s.Admin, domain.OperatorID, classLimit("10.00"))
		pdWaitDebt(t, w, id, "blocked", koAmount(t, "14.00"))
		cfApply(t, s.Admin, domain.OperatorID, classLimit("20.00"))
		pdWaitDebt(t, w, id, "active", koAmount(t, "14.00"))
		mustLedgerConsistent(t, s)
	})
}
