package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// Texts the API must answer word for word.
const (
	cancelStatusText = `Only payments with "waiting for payment" status can be cancelled.`
)

// poErrDetail asserts err is an API error with status and code, and returns the
// detail of that entry.
func poErrDetail(t *testing.T, err error, status int, code string) string {
	t.Helper()
	odErr(t, err, status, code, "")
	var e *client.Error
	errors.As(err, &e)
	for _, x := range e.Errors {
		if x.Code == code {
			return x.Detail
		}
	}
	return ""
}

// topUp is a top-up of the prepaid account by total.
func (w *odWorld) topUp(total string) client.TopUpInput {
	return client.TopUpInput{AccountID: w.prepaid.ID, Total: json.Number(total), Comment: "top-up payment",
		Purpose: client.String("prepay payment")}
}

// TestTopUpPayment creates a top-up, reads it with its includes, finds it through the
// list filters and completes it by id.
func TestTopUpPayment(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		p, err := w.sales.CreatePayment(ctx, w.r.ID, w.topUp("199.99"))
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != "waiting_for_payment" || p.Total != "199.99" || p.InitialTotal != "199.99" ||
			p.CurrencyCode != "EUR" || p.DocumentID != "000001" || p.ManagerID != nil || p.PaymentMethodID != nil ||
			p.DueDate != nil || p.ClosedAt != nil || p.Comment != "top-up payment" || p.Purpose != "prepay payment" ||
			p.AccountID != w.prepaid.ID || p.DiscountAmount != "0.0" || p.AmountPaidFromBalance != nil {
			t.Fatalf("new top-up = %+v", p)
		}
		// A decimal string is taken as well; the next number follows.
		resp, err := w.owner.Do(ctx, "POST", fmt.Sprintf("/api/v3/resellers/%d/payments", w.r.ID),
			[]byte(fmt.Sprintf(`{"data":{"attributes":{"account_id":"%d","total":"10.50","comment":"c"}}}`, w.prepaid.ID)),
			client.MediaType)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("top-up with a string total: %v %v", resp, err)
		}
		var included []client.Resource
		got, err := w.marketing.GetPaymentIncluding(ctx, w.r.ID, p.ID, &included,
			client.WithInclude("account", "orders", "payment_method", "reseller"))
		if err != nil || got.DocumentID != p.DocumentID {
			t.Fatalf("get = %+v, %v", got, err)
		}
		if kinds := typesOf(included); kinds["accounts"] != 1 || kinds["resellers"] != 1 || len(included) != 2 {
			t.Errorf("included of a top-up = %v", kinds)
		}
		_, err = w.marketing.GetPaymentIncluding(ctx, w.r.ID, p.ID, nil, client.WithInclude("invoices"))
		odErr(t, err, 400, "unknown_include", "")

		waiting, err := w.marketing.ListPayments(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"status": "waiting_for_payment", "account_id": fmt.Sprint(w.prepaid.ID)}})
		if err != nil || waiting.TotalCount != 2 {
			t.Fatalf("waiting top-ups: %+v, %v", waiting, err)
		}
		p, err = w.sales.CompletePayment(ctx, w.r.ID, p.ID, w.cash)
		if err != nil || p.Status != "completed" || p.ClosedAt == nil || p.ManagerID == nil {
			t.Fatalf("completed top-up = %+v, %v", p, err)
		}
		included = nil
		if _, err := w.sales.GetPaymentIncluding(ctx, w.r.ID, p.ID, &included,
			client.WithInclude("payment_method")); err != nil || len(included) != 1 || included[0].Type != "payment_methods" {
			t.Errorf("payment method included: %+v, %v", included, err)
		}
		for filter, want := range map[string]int{"completed": 1, "waiting_for_payment": 1, "cancelled": 0} {
			page, err := w.sales.ListPayments(ctx, w.r.ID, &client.ListOptions{Filter: map[string]string{"status": filter}})
			if err != nil || page.TotalCount != want {
				t.Errorf("filter[status]=%s: %v, %v; want %d", filter, page, err, want)
			}
		}
		other, err := w.sales.ListPayments(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"account_id": fmt.Sprint(w.postpaid.ID)}})
		if err != nil || other.TotalCount != 0 {
			t.Errorf("payments of the postpaid account: %+v, %v", other, err)
		}
	})
}

// typesOf counts resources by type.
func typesOf(rs []client.Resource) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Type]++
	}
	return out
}

// TestTopUpRefusals checks the 422s of a top-up, the roles, another branch, and that
// a replay by Idempotency-Key makes one payment.
func TestTopUpRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		for _, tc := range []struct {
			name, code, pointer string
			in                  client.TopUpInput
		}{
			{"places", "amount_minor_units", "/data/attributes/total", w.topUp("199.999")},
			{"zero", "payment_total_value", "/data/attributes/total", w.topUp("0")},
			{"negative", "payment_total_value", "/data/attributes/total", w.topUp("-5")},
			{"no total", "required", "/data/attributes/total", w.topUp("")},
			{"blank comment", "blank", "/data/attributes/comment", client.TopUpInput{AccountID: w.prepaid.ID,
				Total: "5", Comment: " "}},
			{"other branch's account", "account_not_found", "/data/attributes/account_id",
				client.TopUpInput{AccountID: w.siblingAcc.ID, Total: "5", Comment: "c"}},
			{"missing account", "account_not_found", "/data/attributes/account_id",
				client.TopUpInput{AccountID: 999999, Total: "5", Comment: "c"}},
		} {
			_, err := w.sales.CreatePayment(ctx, w.r.ID, tc.in)
			odErr(t, err, 422, tc.code, tc.pointer)
		}
		_, err := w.marketing.CreatePayment(ctx, w.r.ID, w.topUp("5"))
		odErr(t, err, 403, "forbidden", "")
		_, err = w.siblingOwner.CreatePayment(ctx, w.r.ID, w.topUp("5"))
		odErr(t, err, 404, "reseller_not_found", "")

		key := client.WithIdempotencyKey(unique("top-"))
		first, err := w.sales.CreatePayment(ctx, w.r.ID, w.topUp("5"), key)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.sales.CreatePayment(ctx, w.r.ID, w.topUp("5"), key)
		if err != nil || again.ID != first.ID || again.DocumentID != "000001" {
			t.Fatalf("replay = %+v, %v; want payment %d numbered 000001", again, err, first.ID)
		}
		page, err := w.sales.ListPayments(ctx, w.r.ID, nil)
		if err != nil || page.TotalCount != 1 {
			t.Fatalf("payments after refusals and a replay: %+v, %v", page, err)
		}
	})
}

// TestCancelPayment cancels a top-up and an order's payment (which cancels the order
// and discards its subscription), and refuses to cancel what is not waiting.
func TestCancelPayment(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		top, err := w.sales.CreatePayment(ctx, w.r.ID, w.topUp("25"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.marketing.CancelPayment(ctx, w.r.ID, top.ID)
		odErr(t, err, 403, "forbidden", "")
		_, err = w.siblingOwner.CancelPayment(ctx, w.r.ID, top.ID)
		odErr(t, err, 404, "reseller_not_found", "")
		_, err = w.siblingOwner.CancelPayment(ctx, w.sibling.ID, top.ID)
		odErr(t, err, 404, "payment_not_found", "")
		key := client.WithIdempotencyKey(unique("cancel-"))
		p, err := w.sales.CancelPayment(ctx, w.r.ID, top.ID, key)
		if err != nil || p.Status != "cancelled" || p.ClosedAt == nil || p.ManagerID == nil {
			t.Fatalf("cancelled top-up = %+v, %v", p, err)
		}
		replay, err := w.sales.CancelPayment(ctx, w.r.ID, top.ID, key)
		if err != nil || replay.Status != "cancelled" || *replay.ClosedAt != *p.ClosedAt {
			t.Fatalf("replayed cancel = %+v, %v", replay, err)
		}
		_, err = w.sales.CancelPayment(ctx, w.r.ID, top.ID)
		if d := poErrDetail(t, err, 422, "payment_cancel_status"); d != cancelStatusText {
			t.Errorf("detail = %q, want %q", d, cancelStatusText)
		}

		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		p, err = w.owner.CancelPayment(ctx, w.r.ID, *o.PaymentID)
		if err != nil || p.Status != "cancelled" {
			t.Fatalf("cancelled order payment = %+v, %v", p, err)
		}
		got, _ := w.sales.GetOrder(ctx, w.r.ID, o.ID, nil)
		sub, _ := w.sales.GetSubscription(ctx, w.r.ID, o.SubscriptionID, nil)
		if got.Status != "cancelled" || got.ClosedAt == nil || sub.Status != "deleted" {
			t.Errorf("after the payment's cancel: order %s, subscription %s", got.Status, sub.Status)
		}

		// A completed payment cannot be cancelled; the error says so in Russian too.
		o, err = w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.sales.CompletePayment(ctx, w.r.ID, *o.PaymentID, w.cash); err != nil {
			t.Fatal(err)
		}
		_, err = w.sales.CancelPayment(ctx, w.r.ID, *o.PaymentID)
		if d := poErrDetail(t, err, 422, "payment_cancel_status"); d != cancelStatusText {
			t.Errorf("detail = %q, want %q", d, cancelStatusText)
		}
		_, err = w.sales.CancelPayment(ctx, w.r.ID, *o.PaymentID, client.WithLocale("ru"))
		if d := poErrDetail(t, err, 422, "payment_cancel_status"); d == cancelStatusText || d == "" {
			t.Errorf("Russian detail = %q", d)
		}
		odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
		_, err = w.sales.CancelPayment(ctx, w.r.ID, 999999)
		odErr(t, err, 404, "payment_not_found", "")
	})
}

// TestCompletePaymentByDocument completes an order's payment by its number: refused
// for another currency, an amount finer than cents, an unknown number and another branch, then
// accepted with the equal amount, after which the order is provisioned.
func TestCompletePaymentByDocument(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := w.sales.GetPayment(ctx, w.r.ID, *o.PaymentID)
		// The plan is priced in USD, the reseller sells in EUR: the order and its
		// payment are in EUR, at the default rate 1 (docs/billing.md, Currency rates).
		if err != nil || p.DocumentID != "000001" || p.CurrencyCode != "EUR" {
			t.Fatalf("order payment = %+v, %v", p, err)
		}
		const doc = 1
		in := client.DocumentCompletion{PaymentMethodID: w.cash, Amount: "20.00", CurrencyCode: "EUR",
			ExternalTransactionID: "TX-8812"}
		wrong := in
		wrong.CurrencyCode = "USD"
		_, err = w.sales.CompletePaymentByDocument(ctx, w.r.ID, doc, wrong)
		odErr(t, err, 422, "payment_currency_differs", "/data/attributes/currency_code")
		places := in
		places.Amount = "20.001"
		_, err = w.sales.CompletePaymentByDocument(ctx, w.r.ID, doc, places)
		odErr(t, err, 422, "amount_minor_units", "/data/attributes/amount")
		bad := in
		bad.ExternalTransactionID = "has space"
		_, err = w.sales.CompletePaymentByDocument(ctx, w.r.ID, doc, bad)
		odErr(t, err, 422, "external_transaction_id_value", "/data/attributes/external_transaction_id")
		_, err = w.sales.CompletePaymentByDocument(ctx, w.r.ID, 424242, in)
		odErr(t, err, 404, "payment_not_found", "")
		_, err = w.siblingOwner.CompletePaymentByDocument(ctx, w.r.ID, doc, in)
		odErr(t, err, 404, "reseller_not_found", "")
		_, err = w.siblingOwner.CompletePaymentByDocument(ctx, w.sibling.ID, doc, in)
		odErr(t, err, 404, "payment_not_found", "")
		_, err = w.marketing.CompletePaymentByDocument(ctx, w.r.ID, doc, in)
		odErr(t, err, 403, "forbidden", "")
		// The refusals stored nothing.
		if p, err = w.sales.GetPayment(ctx, w.r.ID, p.ID); err != nil || p.Status != "waiting_for_payment" ||
			p.ExternalTransactionID != nil {
			t.Fatalf("payment after refusals = %+v, %v", p, err)
		}

		key := client.WithIdempotencyKey(unique("doc-"))
		p, err = w.sales.CompletePaymentByDocument(ctx, w.r.ID, doc, in, key)
		if err != nil || p.Status != "completed" || p.ExternalTransactionID == nil || *p.ExternalTransactionID != "TX-8812" ||
			p.PaymentMethodID == nil || *p.PaymentMethodID != w.cash || p.ClosedAt == nil {
			t.Fatalf("completed by document = %+v, %v", p, err)
		}
		replay, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, doc, in, key)
		if err != nil || replay.ID != p.ID || replay.Status != "completed" {
			t.Fatalf("replay = %+v, %v", replay, err)
		}
		odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
		var included []client.Resource
		if _, err := w.sales.GetPaymentIncluding(ctx, w.r.ID, p.ID, &included, client.WithInclude("orders")); err != nil ||
			len(included) != 1 || included[0].Type != "sales_orders" || included[0].ID != fmt.Sprint(o.ID) {
			t.Errorf("orders included: %+v, %v", included, err)
		}
		// Money received for a completed payment leaves it completed (it becomes a
		// correction of the balance, see TestCompletePaymentByDocumentCorrections).
		again, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, doc, client.DocumentCompletion{PaymentMethodID: w.cash})
		if err != nil || again.Status != "completed" || *again.ClosedAt != *p.ClosedAt {
			t.Fatalf("completed again = %+v, %v", again, err)
		}

		// Without an amount a top-up completes too.
		top, err := w.sales.CreatePayment(ctx, w.r.ID, w.topUp("7.5"))
		if err != nil || top.DocumentID != "000002" {
			t.Fatalf("top-up = %+v, %v", top, err)
		}
		resp, err := w.sales.Do(ctx, "POST", fmt.Sprintf("/api/v3/resellers/%d/payments/2", w.r.ID),
			[]byte(fmt.Sprintf(`{"data":{"attributes":{"payment_method_id":"%d"}}}`, w.cash)), client.MediaType)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("complete top-up by number: %v %v", resp, err)
		}
	})
}

// TestPaymentCancelRacesCompletion cancels and completes one order's payment from
// many clients at once: exactly one request wins, every other gets its 422, and the
// order and subscription follow the winner.
func TestPaymentCancelRacesCompletion(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		const clients = 12
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []string
		)
		for i := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				op, want := "cancel", "payment_cancel_status"
				var err error
				if i%2 == 0 {
					_, err = w.sales.CancelPayment(ctx, w.r.ID, *o.PaymentID)
				} else {
					op = "complete"
					_, err = w.sales.CompletePayment(ctx, w.r.ID, *o.PaymentID, w.cash)
				}
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					winners = append(winners, op)
					return
				}
				var e *client.Error
				if !errors.As(err, &e) || e.StatusCode != 422 || len(e.Errors) != 1 {
					t.Errorf("a losing %s: %v, want 422", op, err)
					return
				}
				if op == "complete" {
					want = "payment_complete_status"
				}
				if e.Errors[0].Code != want {
					t.Errorf("a losing %s: %s, want %s", op, e.Errors[0].Code, want)
				}
			}()
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("winners = %v, want exactly one", winners)
		}
		p, _ := w.sales.GetPayment(ctx, w.r.ID, *o.PaymentID)
		if winners[0] == "cancel" {
			got, _ := w.sales.GetOrder(ctx, w.r.ID, o.ID, nil)
			sub, _ := w.sales.GetSubscription(ctx, w.r.ID, o.SubscriptionID, nil)
			if p.Status != "cancelled" || got.Status != "cancelled" || sub.Status != "deleted" {
				t.Errorf("cancel won: payment %s, order %s, subscription %s", p.Status, got.Status, sub.Status)
			}
			return
		}
		if p.Status != "completed" {
			t.Errorf("completion won: payment %s", p.Status)
		}
		odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
	})
}
