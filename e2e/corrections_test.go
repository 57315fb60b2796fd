package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// koBalance reads an account's balance as an exact amount.
func koBalance(t *testing.T, c *client.Client, rid, id int64) domain.Amount {
	t.Helper()
	a, err := c.GetAccount(context.Background(), rid, id)
	if err != nil {
		t.Fatalf("get account %d: %v", id, err)
	}
	v, err := domain.ParseAmount(a.Balance)
	if err != nil {
		t.Fatalf("balance %q: %v", a.Balance, err)
	}
	return v
}

// koAmount parses a decimal the test writes.
func koAmount(t *testing.T, s string) domain.Amount {
	t.Helper()
	v, err := domain.ParseAmount(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// koBalanceInput is a correction of the prepaid account's balance by total.
func (w *odWorld) koBalanceInput(total string) client.CorrectionInput {
	return client.CorrectionInput{AccountID: w.prepaid.ID, Total: total, Comment: client.String("goodwill")}
}

// TestCorrections creates corrections, approves and declines them, reads them alone
// and in lists, and checks the balance after each step: an approved correction not put
// in a postpaid invoice moves the balance; one put in a postpaid subscription's
// invoice, and a declined one, do not.
func TestCorrections(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		crTopUp(t, w, w.prepaid.ID, "100.00") // so the corrections below keep it off credit hold
		start := koBalance(t, s.Admin, w.r.ID, w.prepaid.ID)

		k, err := w.sales.CreateCorrection(ctx, w.r.ID, w.koBalanceInput("-15.50"))
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != "approval_required" || k.Total != "-15.5" || k.AccountID != w.prepaid.ID || k.IncludedInvoice ||
			k.SubscriptionID != nil || k.PeriodFrom != nil || k.ManagerID == 0 || k.ApproverID != nil ||
			k.ApprovedAt != nil || k.AppliedTo != nil || k.Comment == nil || *k.Comment != "goodwill" || k.CurrencyCode == "" {
			t.Fatalf("new correction = %+v", k)
		}
		if got := koBalance(t, s.Admin, w.r.ID, w.prepaid.ID); got != start {
			t.Fatalf("balance after create = %s, want %s", got, start)
		}
		k, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, k.ID, "approved")
		if err != nil || k.Status != "approved" || k.AppliedTo == nil || *k.AppliedTo != "balance" ||
			k.ApproverID == nil || k.ApprovedAt == nil {
			t.Fatalf("approved = %+v, %v", k, err)
		}
		want := start + koAmount(t, "-15.5")
		if got := koBalance(t, s.Admin, w.r.ID, w.prepaid.ID); got != want {
			t.Fatalf("balance after approval = %s, want %s", got, want)
		}
		// A decided correction cannot be decided again.
		_, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, k.ID, "declined")
		if d := poErrDetail(t, err, 422, "correction_decided"); d == "" {
			t.Error("no detail for deciding twice")
		}

		declined, err := w.sales.CreateCorrection(ctx, w.r.ID, w.koBalanceInput("100"))
		if err != nil {
			t.Fatal(err)
		}
		declined, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, declined.ID, "declined")
		if err != nil || declined.Status != "declined" || declined.AppliedTo != nil || declined.ApproverID == nil {
			t.Fatalf("declined = %+v, %v", declined, err)
		}
		_, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, declined.ID, "approved")
		odErr(t, err, 422, "correction_decided", "")
		if got := koBalance(t, s.Admin, w.r.ID, w.prepaid.ID); got != want {
			t.Fatalf("balance after a decline = %s, want %s", got, want)
		}

		// Included in the invoice of a postpaid subscription: the balance stays.
		post, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.postpaid, "postpay"))
		if err != nil {
			t.Fatal(err)
		}
		postStart := koBalance(t, s.Admin, w.r.ID, w.postpaid.ID)
		inv, err := w.sales.CreateCorrection(ctx, w.r.ID, client.CorrectionInput{AccountID: w.postpaid.ID,
			IncludedInvoice: true, SubscriptionID: &post.SubscriptionID, PeriodFrom: client.String("2026-05-01"),
			PeriodTo: client.String("2026-05-31"), Total: "12.34"})
		if err != nil || inv.SubscriptionID == nil || *inv.SubscriptionID != post.SubscriptionID ||
			inv.PeriodFrom == nil || *inv.PeriodFrom != "2026-05-01" || *inv.PeriodTo != "2026-05-31" || !inv.IncludedInvoice {
			t.Fatalf("invoice correction = %+v, %v", inv, err)
		}
		_, err = w.owner.UpdateCorrectionStatus(ctx, w.r.ID, inv.ID, "approved")
		odErr(t, err, 403, "forbidden", "")
		inv, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, inv.ID, "approved")
		if err != nil || inv.AppliedTo == nil || *inv.AppliedTo != "invoice" || inv.InvoiceID != nil {
			t.Fatalf("approved into the invoice = %+v, %v", inv, err)
		}
		if got := koBalance(t, s.Admin, w.r.ID, w.postpaid.ID); got != postStart {
			t.Fatalf("postpaid balance = %s, want %s", got, postStart)
		}

		// Included in an invoice, but the subscription is prepaid: the balance moves.
		pre, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		k, err = w.sales.CreateCorrection(ctx, w.r.ID, client.CorrectionInput{AccountID: w.prepaid.ID,
			IncludedInvoice: true, SubscriptionID: &pre.SubscriptionID, Total: "5"})
		if err != nil {
			t.Fatal(err)
		}
		if k, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, k.ID, "approved"); err != nil || *k.AppliedTo != "balance" {
			t.Fatalf("approved prepaid invoice correction = %+v, %v", k, err)
		}
		want += koAmount(t, "5")
		if got := koBalance(t, s.Admin, w.r.ID, w.prepaid.ID); got != want {
			t.Fatalf("balance after the prepaid subscription's correction = %s, want %s", got, want)
		}

		// Reads: every role; the list filters by account and status.
		got, err := w.marketing.GetCorrection(ctx, w.r.ID, inv.ID)
		if err != nil || got.ID != inv.ID || got.Status != "approved" {
			t.Fatalf("get = %+v, %v", got, err)
		}
		for _, tc := range []struct {
			filter map[string]string
			want   int
		}{
			{nil, 4},
			{map[string]string{"status": "approved"}, 3},
			{map[string]string{"status": "declined,approval_required"}, 1},
			{map[string]string{"account_id": fmt.Sprint(w.postpaid.ID)}, 1},
			{map[string]string{"account_id": fmt.Sprint(w.prepaid.ID), "status": "approved"}, 2},
		} {
			page, err := w.marketing.ListCorrections(ctx, w.r.ID, &client.ListOptions{Filter: tc.filter, PageSize: 2})
			if err != nil || page.TotalCount != tc.want {
				t.Errorf("list %v: %+v, %v; want %d", tc.filter, page, err, tc.want)
			}
		}
		_, err = w.sales.ListCorrections(ctx, w.r.ID, &client.ListOptions{Filter: map[string]string{"status": "open"}})
		odErr(t, err, 400, "not_in_list", "")
	})
}

// TestCorrectionRefusals checks validation, roles, scope across branches and the
// subtree, and that an Idempotency-Key replay makes one correction.
func TestCorrectionRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		pre, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		post, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.postpaid, "postpay"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, code, pointer string
			in                  client.CorrectionInput
		}{
			{"places", "correction_total_places", "/data/attributes/total", w.koBalanceInput("1.005")},
			{"zero", "correction_total_value", "/data/attributes/total", w.koBalanceInput("0")},
			{"not a number", "correction_total_value", "/data/attributes/total", w.koBalanceInput("ten")},
			{"no total", "required", "/data/attributes/total", w.koBalanceInput("")},
			{"no subscription", "correction_subscription_required", "/data/attributes/subscription_id",
				client.CorrectionInput{AccountID: w.prepaid.ID, IncludedInvoice: true, Total: "1"}},
			{"another account's subscription", "correction_subscription_account", "/data/attributes/subscription_id",
				client.CorrectionInput{AccountID: w.prepaid.ID, IncludedInvoice: true, SubscriptionID: &post.SubscriptionID, Total: "1"}},
			{"period order", "correction_period_order", "/data/attributes/period_to",
				client.CorrectionInput{AccountID: w.prepaid.ID, IncludedInvoice: true, SubscriptionID: &pre.SubscriptionID,
					PeriodFrom: client.String("2026-05-02"), PeriodTo: client.String("2026-05-01"), Total: "1"}},
			{"bad date", "must_be_date", "/data/attributes/period_from",
				client.CorrectionInput{AccountID: w.prepaid.ID, PeriodFrom: client.String("2026-02-30"), Total: "1"}},
			{"other branch's account", "account_not_found", "/data/attributes/account_id",
				client.CorrectionInput{AccountID: w.siblingAcc.ID, Total: "1"}},
			{"missing account", "account_not_found", "/data/attributes/account_id",
				client.CorrectionInput{AccountID: 999999, Total: "1"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := w.sales.CreateCorrection(ctx, w.r.ID, tc.in)
				odErr(t, err, 422, tc.code, tc.pointer)
			})
		}
		// included_invoice is required: the client always sends it, so send a raw body.
		resp, err := w.sales.Do(ctx, "POST", fmt.Sprintf("/api/v3/resellers/%d/corrections", w.r.ID),
			[]byte(fmt.Sprintf(`{"data":{"attributes":{"account_id":%d,"total":"1"}}}`, w.prepaid.ID)), client.MediaType)
		if err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("without included_invoice: %v %v", resp, err)
		}

		// Roles: a Product owner and marketing may not create; marketing may read.
		_, err = w.owner.CreateCorrection(ctx, w.r.ID, w.koBalanceInput("1"))
		if d := poErrDetail(t, err, 403, "forbidden"); d != "This action is forbidden" {
			t.Errorf("owner's refusal = %q", d)
		}
		_, err = w.marketing.CreateCorrection(ctx, w.r.ID, w.koBalanceInput("1"))
		odErr(t, err, 403, "forbidden", "")
		_, err = w.siblingOwner.ListCorrections(ctx, w.r.ID, nil)
		odErr(t, err, 404, "reseller_not_found", "")

		// Idempotent retries make one correction.
		key := client.WithIdempotencyKey(unique("corr-"))
		first, err := w.sales.CreateCorrection(ctx, w.r.ID, w.koBalanceInput("3"), key)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.sales.CreateCorrection(ctx, w.r.ID, w.koBalanceInput("3"), key)
		if err != nil || again.ID != first.ID {
			t.Fatalf("replay = %+v, %v; want correction %d", again, err, first.ID)
		}
		page, err := w.sales.ListCorrections(ctx, w.r.ID, nil)
		if err != nil || page.TotalCount != 1 {
			t.Fatalf("corrections after refusals and a replay: %+v, %v", page, err)
		}

		// Decisions: only approved or declined; other branches see nothing.
		_, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, first.ID, "approval_required")
		odErr(t, err, 422, "correction_decision", "/data/attributes/status")
		_, err = w.marketing.UpdateCorrectionStatus(ctx, w.r.ID, first.ID, "approved")
		odErr(t, err, 403, "forbidden", "")
		_, err = w.siblingOwner.GetCorrection(ctx, w.sibling.ID, first.ID)
		odErr(t, err, 404, "correction_not_found", "")
		sibSales := s.client(mustCreateManager(t, s.Admin, w.sibling.ID, "sales").APIToken)
		_, err = sibSales.UpdateCorrectionStatus(ctx, w.sibling.ID, first.ID, "approved")
		odErr(t, err, 404, "correction_not_found", "")
		_, err = w.sales.GetCorrection(ctx, w.r.ID, 999999)
		odErr(t, err, 404, "correction_not_found", "")
		if got, _ := w.sales.GetCorrection(ctx, w.r.ID, first.ID); got.Status != "approval_required" {
			t.Fatalf("after refused decisions: %+v", got)
		}
		if page, err := sibSales.ListCorrections(ctx, w.sibling.ID, nil); err != nil || page.TotalCount != 0 {
			t.Fatalf("sibling's corrections: %+v, %v", page, err)
		}

		// The subtree: a correction of a sub-reseller's account, made from above, in
		// the sub-reseller's currency, listed above and below.
		child := mustCreateReseller(t, s.Admin, w.r.ID, "Correction Child")
		childAcc := acMustCreate(t, s.Admin, child.ID, acPerson("Carl", "Child"))
		below, err := w.sales.CreateCorrection(ctx, w.r.ID, client.CorrectionInput{AccountID: childAcc.ID, Total: "2"})
		if err != nil {
			t.Fatal(err)
		}
		if below, err = w.sales.UpdateCorrectionStatus(ctx, w.r.ID, below.ID, "approved"); err != nil {
			t.Fatal(err)
		}
		if got := koBalance(t, s.Admin, child.ID, childAcc.ID); got != koAmount(t, "2") {
			t.Fatalf("sub-reseller account's balance = %s, want 2", got)
		}
		if page, err := w.sales.ListCorrections(ctx, w.r.ID, nil); err != nil || page.TotalCount != 2 {
			t.Fatalf("subtree list: %+v, %v", page, err)
		}
		if page, err := s.Admin.ListCorrections(ctx, child.ID, nil); err != nil || page.TotalCount != 1 ||
			page.Items[0].ID != below.ID {
			t.Fatalf("child's list: %+v, %v", page, err)
		}
	})
}

// TestCorrectionDecisionRace approves and declines one correction from many clients
// at once: exactly one wins, every other gets 422, and the balance moved at most once.
func TestCorrectionDecisionRace(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		start := koBalance(t, s.Admin, w.r.ID, w.prepaid.ID)
		k, err := w.sales.CreateCorrection(ctx, w.r.ID, w.koBalanceInput("40"))
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
				decision := "approved"
				if i%2 == 1 {
					decision = "declined"
				}
				_, err := w.sales.UpdateCorrectionStatus(ctx, w.r.ID, k.ID, decision)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					winners = append(winners, decision)
					return
				}
				var e *client.Error
				if !errors.As(err, &e) || e.StatusCode != 422 || len(e.Errors) != 1 || e.Errors[0].Code != "correction_decided" {
					t.Errorf("a losing %s: %v, want 422 correction_decided", decision, err)
				}
			}()
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("winners = %v, want exactly one", winners)
		}
		want := start
		if winners[0] == "approved" {
			want += koAmount(t, "40")
		}
		got, err := w.sales.GetCorrection(ctx, w.r.ID, k.ID)
		if err != nil || got.Status != winners[0] {
			t.Fatalf("correction = %+v, %v; want %s", got, err, winners[0])
		}
		if b := koBalance(t, s.Admin, w.r.ID, w.prepaid.ID); b != want {
			t.Fatalf("balance = %s, want %s", b, want)
		}
	})
}

// TestCompletePaymentByDocumentCorrections walks the documented matrix of completing
// a payment by its number: the exact amount completes it; more completes it and the
// difference becomes an approved correction; less leaves it waiting and the amount
// paid becomes one; money for a completed payment becomes one for the whole amount.
// The balance moves by each correction (and by whatever completing a payment itself
// moves, measured first on a plain completion).
func TestCompletePaymentByDocumentCorrections(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		balance := func() domain.Amount { return koBalance(t, s.Admin, w.r.ID, w.prepaid.ID) }
		topUp := func(total string) *client.Payment {
			p, err := w.sales.CreatePayment(ctx, w.r.ID, w.topUp(total))
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		number := func(p *client.Payment) int64 {
			var n int64
			if _, err := fmt.Sscan(p.DocumentID, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// How much a completion of a top-up credits by itself: its total once the
		// ledger credits completed payments, nothing before.
		plain := topUp("10")
		before := balance()
		if _, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, number(plain),
			client.DocumentCompletion{PaymentMethodID: w.cash, Amount: "10"}); err != nil {
			t.Fatal(err)
		}
		credited := balance() - before
		if credited != 0 && credited != koAmount(t, "10") {
			t.Fatalf("a plain completion moved the balance by %s", credited)
		}
		completionCredit := func(total string) domain.Amount {
			if credited == 0 {
				return 0
			}
			return koAmount(t, total)
		}
		corrections := func(paymentID int64) []client.Correction {
			page, err := w.sales.ListCorrections(ctx, w.r.ID, &client.ListOptions{
				Filter: map[string]string{"account_id": fmt.Sprint(w.prepaid.ID)}, PageSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			var out []client.Correction
			for _, k := range page.Items {
				if k.PaymentID != nil && *k.PaymentID == paymentID {
					out = append(out, k)
				}
			}
			return out
		}
		checkCorrection := func(p *client.Payment, total string) {
			t.Helper()
			ks := corrections(p.ID)
			if len(ks) != 1 {
				t.Fatalf("corrections of payment %d: %+v, want one", p.ID, ks)
			}
			k := ks[0]
			comment := "Accounting of the amount received on the basis of " + p.DocumentID + " from an external system."
			if k.Status != "approved" || k.Total != total || k.Comment == nil || *k.Comment != comment ||
				k.AppliedTo == nil || *k.AppliedTo != "balance" || k.IncludedInvoice || k.ManagerID == 0 {
				t.Fatalf("correction of payment %d = %+v, want approved %s", p.ID, k, total)
			}
		}
		if ks := corrections(plain.ID); len(ks) != 0 {
			t.Fatalf("the exact amount made corrections: %+v", ks)
		}

		t.Run("over", func(t *testing.T) {
			p := topUp("20")
			before := balance()
			got, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, number(p),
				client.DocumentCompletion{PaymentMethodID: w.cash, Amount: "25.25", ExternalTransactionID: "TX-OVER"})
			if err != nil || got.Status != "completed" || got.ExternalTransactionID == nil || *got.ExternalTransactionID != "TX-OVER" {
				t.Fatalf("overpaid = %+v, %v", got, err)
			}
			checkCorrection(p, "5.25")
			if d := balance() - before; d != completionCredit("20")+koAmount(t, "5.25") {
				t.Fatalf("balance moved by %s", d)
			}
		})
		t.Run("under", func(t *testing.T) {
			p := topUp("20")
			before := balance()
			got, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, number(p),
				client.DocumentCompletion{PaymentMethodID: w.cash, Amount: "7.5", ExternalTransactionID: "TX-UNDER"})
			if err != nil || got.Status != "waiting_for_payment" || got.ClosedAt != nil || got.ExternalTransactionID == nil ||
				*got.ExternalTransactionID != "TX-UNDER" || got.Total != "20.0" {
				t.Fatalf("underpaid = %+v, %v", got, err)
			}
			checkCorrection(p, "7.5")
			if d := balance() - before; d != koAmount(t, "7.5") {
				t.Fatalf("balance moved by %s, want 7.5", d)
			}
		})
		t.Run("already completed", func(t *testing.T) {
			before := balance()
			got, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, number(plain),
				client.DocumentCompletion{PaymentMethodID: w.cash, ExternalTransactionID: "TX-AGAIN"})
			if err != nil || got.Status != "completed" || got.ExternalTransactionID == nil || *got.ExternalTransactionID != "TX-AGAIN" {
				t.Fatalf("completed again = %+v, %v", got, err)
			}
			checkCorrection(plain, "10.0")
			if d := balance() - before; d != koAmount(t, "10") {
				t.Fatalf("balance moved by %s, want 10", d)
			}
		})
		t.Run("cancelled", func(t *testing.T) {
			p := topUp("8")
			if _, err := w.sales.CancelPayment(ctx, w.r.ID, p.ID); err != nil {
				t.Fatal(err)
			}
			before := balance()
			got, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, number(p),
				client.DocumentCompletion{PaymentMethodID: w.cash, Amount: "3"})
			if err != nil || got.Status != "cancelled" {
				t.Fatalf("paid after cancelling = %+v, %v", got, err)
			}
			checkCorrection(p, "3.0")
			if d := balance() - before; d != koAmount(t, "3") {
				t.Fatalf("balance moved by %s, want 3", d)
			}
		})
		t.Run("refusals store nothing", func(t *testing.T) {
			p := topUp("4")
			before := balance()
			_, err := w.sales.CompletePaymentByDocument(ctx, w.r.ID, number(p),
				client.DocumentCompletion{PaymentMethodID: 999999, Amount: "5"})
			odErr(t, err, 422, "payment_method_unknown", "")
			if got, _ := w.sales.GetPayment(ctx, w.r.ID, p.ID); got.Status != "waiting_for_payment" || len(corrections(p.ID)) != 0 ||
				balance() != before {
				t.Fatalf("after a refusal: %+v, corrections %v", got, corrections(p.ID))
			}
		})
	})
}
