package e2e

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// exPass runs the expire_invoice_payments pass at now, as the scheduler does.
func exPass(t *testing.T, s *server, now time.Time) {
	t.Helper()
	for _, p := range s.Service.Passes() {
		if p.Name() == "expire_invoice_payments" {
			if err := p.Run(context.Background(), now); err != nil {
				t.Error(err) // not Fatal: it may run in a goroutine of its own
			}
			return
		}
	}
	t.Error("no expire_invoice_payments pass")
}

// exInvoicePayment returns the account's postpaid invoice that starts on from and
// the id of its payment.
func exInvoicePayment(t *testing.T, s *server, rid, account int64, from string) (client.Invoice, int64) {
	t.Helper()
	list := inInvoices(t, s.Admin, rid, map[string]string{"account_id": strconv.FormatInt(account, 10),
		"payment_model": "postpay", "from_date": from})
	if len(list) != 1 || len(list[0].PaymentIDs) != 1 {
		t.Fatalf("postpaid invoices of %s: %+v, want one with a payment", from, list)
	}
	return list[0], list[0].PaymentIDs[0]
}

// exWantBlocked checks that subscription id is blocked and its ability offers no
// renewal and no change.
func exWantBlocked(t *testing.T, s *server, rid, id int64) {
	t.Helper()
	sub := psWantSub(t, s, rid, id, "blocked")
	if sub.Ability[string(domain.AbilityRenew)] || sub.Ability[string(domain.AbilityAdjust)] {
		t.Fatalf("ability of a blocked subscription = %v, want no renew nor adjust", sub.Ability)
	}
}

// TestInvoiceExpiryBlocks follows a postpaid subscription through the test clock:
// January's invoice, closed on 1 February and due on the 15th, expires unpaid on the
// 16th and blocks it; the pass run again changes nothing; paid, it is active again.
// Then under the ERP's management two invoices approved with a due date of today
// expire together: the ERP completing one leaves it blocked, revoking the other's
// approval (its payment waits again) brings it back. The ledger holds throughout.
func TestInvoiceExpiryBlocks(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		w := odSetup(t, s)
		rid, acc := w.r.ID, w.postpaid.ID
		o, err := w.sales.CreateSalesOrder(ctx, rid, w.order(t, w.postpaid, "postpay"))
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, s.Admin, rid, o.ID, "completed")
		sub := o.SubscriptionID

		psAdvance(t, s, psAt("2027-02-15", 23))
		jan, janPay := exInvoicePayment(t, s, rid, acc, "2027-01-01")
		if p := exWantPayment(t, s, rid, janPay, "waiting_for_payment"); p.DueDate == nil || *p.DueDate != "2027-02-15" {
			t.Fatalf("January's payment due %v, want 2027-02-15", p.DueDate)
		}
		psWantSub(t, s, rid, sub, "active")

		// Four runs of the pass at once for the day after, as nodes whose leases no
		// longer keep them apart: the payment expires once, then the clock's own run
		// at that instant finds nothing to do.
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				exPass(t, s, psAt("2027-02-16", 0))
			}()
		}
		wg.Wait()
		psAdvance(t, s, psAt("2027-02-16", 0))
		expired := exWantPayment(t, s, rid, janPay, "expired")
		exWantBlocked(t, s, rid, sub)
		mustLedgerConsistent(t, s)
		// The pass again for the same instant, and later that day: nothing moves.
		before, err := s.Admin.GetSubscription(ctx, rid, sub, nil)
		if err != nil {
			t.Fatal(err)
		}
		exPass(t, s, psAt("2027-02-16", 0))
		exPass(t, s, psAt("2027-02-16", 12))
		after, err := s.Admin.GetSubscription(ctx, rid, sub, nil)
		if err != nil {
			t.Fatal(err)
		}
		if again := exWantPayment(t, s, rid, janPay, "expired"); again.UpdatedAt != expired.UpdatedAt ||
			after.UpdatedAt != before.UpdatedAt || after.Status != "blocked" {
			t.Fatalf("a second run moved payment %+v or subscription %s", again, after.Status)
		}

		if _, err := w.sales.CompletePayment(ctx, rid, janPay, w.cash); err != nil {
			t.Fatalf("pay invoice %s: %v", jan.DocumentID, err)
		}
		psWantSub(t, s, rid, sub, "active")
		mustLedgerConsistent(t, s)

		// The ERP issues the invoices from here: closed without a due date, they do
		// not expire until it approves them.
		cfApply(t, s.Admin, rid, "invoices: {external_management: true}\n")
		psAdvance(t, s, psAt("2027-04-02", 10))
		psWantSub(t, s, rid, sub, "active")
		feb, febPay := exInvoicePayment(t, s, rid, acc, "2027-02-01")
		mar, marPay := exInvoicePayment(t, s, rid, acc, "2027-03-01")
		approvals := map[int64]client.InvoiceRequest{
			feb.ID: {DocumentID: "ERP-FEB", BillingDate: "2027-02-01", DueDate: "2027-04-02"},
			mar.ID: {DocumentID: "ERP-MAR", BillingDate: "2027-03-01", DueDate: "2027-04-02"},
		}
		for id, in := range approvals {
			if _, err := w.sales.ApproveInvoice(ctx, rid, id, in); err != nil {
				t.Fatalf("approve invoice %d: %v", id, err)
			}
		}
		psAdvance(t, s, psAt("2027-04-02", 23))
		psWantSub(t, s, rid, sub, "active") // payable to the end of the due date
		psAdvance(t, s, psAt("2027-04-03", 0))
		exWantPayment(t, s, rid, febPay, "expired")
		exWantPayment(t, s, rid, marPay, "expired")
		exWantBlocked(t, s, rid, sub)
		mustLedgerConsistent(t, s)

		// February's paid: March's still expired keeps it blocked.
		if _, err := w.sales.CompleteInvoice(ctx, rid, feb.ID, client.InvoiceRequest{DocumentID: "ERP-FEB",
			BillingDate: "2027-02-01"}); err != nil {
			t.Fatalf("complete February's invoice: %v", err)
		}
		exWantPayment(t, s, rid, febPay, "completed")
		exWantBlocked(t, s, rid, sub)

		// March's approval revoked: its payment waits again, without a due date, and
		// nothing holds the subscription any more.
		if _, err := w.sales.RevokeInvoice(ctx, rid, mar.ID, client.InvoiceRequest{DocumentID: "ERP-MAR",
			BillingDate: "2027-03-01", Comment: "issued twice"}); err != nil {
			t.Fatalf("revoke March's invoice: %v", err)
		}
		if p := exWantPayment(t, s, rid, marPay, "waiting_for_payment"); p.DueDate != nil && *p.DueDate != "" {
			t.Fatalf("revoked payment due %v, want no due date", *p.DueDate)
		}
		psWantSub(t, s, rid, sub, "active")
		exPass(t, s, psAt("2027-04-03", 12))
		psWantSub(t, s, rid, sub, "active")
		mustLedgerConsistent(t, s)
	})
}
