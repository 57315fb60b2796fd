package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// pgCatalog is vuCatalog with an overuse fee of 1.10 a mailbox, and cash payments.
var pgCatalog = strings.Replace(strings.Replace(vuCatalog, `recurring_fee: "2.50"}`,
	`recurring_fee: "2.50", overuse_fee: "1.10"}`, 1), "\nplans:\n", "\npayment_methods:\n  - {key: cash, name: Cash}\nplans:\n", 1)

// pgOveruse lists the Charge::Overuse charges of subscription id.
func pgOveruse(t *testing.T, w *vdWorld, id int64) []client.Charge {
	t.Helper()
	page, err := w.owner.ListCharges(context.Background(), w.r.ID, &client.ListOptions{PageSize: 100,
		Filter: map[string]string{"subscription_id": strconv.FormatInt(id, 10)}, Sort: "id"})
	if err != nil {
		t.Fatal(err)
	}
	var out []client.Charge
	for _, ch := range page.Items {
		if ch.Type == "Charge::Overuse" {
			out = append(out, ch)
		}
	}
	return out
}

// pgRunUsagePass runs a fresh bill_consumption pass at now, as another process
// would, which keeps no memory of the runs before.
func pgRunUsagePass(t *testing.T, w *vdWorld, now time.Time) {
	t.Helper()
	for _, p := range w.s.Service.Passes() {
		if p.Name() == "bill_consumption" {
			if err := p.Run(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("no bill_consumption pass")
}

// TestPayAsYouGoConsumption: subscriptions of a product with the consumption toggle
// are charged, on the billing day, for what they consumed in the period that ended
// beyond what they hold, at the overuse fee, rounded once: a postpaid one blocked
// and invoiced with its period's charges, a prepaid one closed at once off the
// balance. The pass run again charges nothing twice.
func TestPayAsYouGoConsumption(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		w := vdStartCatalog(t, e, pgCatalog, func(c *app.Config) { c.TestClock = true }, 50*time.Millisecond)
		post := soWait(t, w.owner, w.r.ID, w.sell(t).SubscriptionID, "active")
		// A second postpaid subscription has its charges closed by hand: billing is
		// held until the end of its period, so its consumption that ends in that
		// hold is not charged.
		held := soWait(t, w.owner, w.r.ID, w.sell(t).SubscriptionID, "active")
		if err := w.owner.CloseCharges(ctx, held.ID); err != nil {
			t.Fatal(err)
		}
		if held = soWait(t, w.owner, w.r.ID, held.ID, "active"); held.HoldTo == nil {
			t.Fatal("no hold_to after closing the charges")
		}

		// A prepaid account pays its sale from the balance.
		prepaid := acMustCreate(t, w.s.Admin, w.r.ID, acPerson("Paula", "Prepaid"))
		top, err := w.owner.CreatePayment(ctx, w.r.ID, client.TopUpInput{AccountID: prepaid.ID, Total: json.Number("50"), Comment: "top-up"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.owner.CompletePayment(ctx, w.r.ID, top.ID, cashMethod(t, w.s, w.r.ID)); err != nil {
			t.Fatal(err)
		}
		sale, err := w.owner.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: prepaid.ID,
			PlanID: w.plan.ID, PlanPeriodID: odPeriod(t, w.plan, "1m"), PaymentModel: "prepay",
			Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, w.plan, "mailbox"), Quantity: 3}}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.owner.PayFromBalance(ctx, w.r.ID, *sale.PaymentID); err != nil {
			t.Fatal(err)
		}
		pre := soWait(t, w.owner, w.r.ID, sale.SubscriptionID, "active")
		balance, _ := chMoney(t, w.owner, w.r.ID, prepaid.ID)
		mustLedgerConsistent(t, w.s)

		// Both hold 3 mailboxes; the postpaid one consumes 5.25, the prepaid one 4.
		at := w.s.Clock.Now().Add(10 * time.Minute)
		if err := w.vendor.AddConsumption(ctx, *post.ExternalID, "mailbox", at, "5.25"); err != nil {
			t.Fatal(err)
		}
		if err := w.vendor.AddConsumption(ctx, *pre.ExternalID, "mailbox", at, "4"); err != nil {
			t.Fatal(err)
		}
		if err := w.vendor.AddConsumption(ctx, *held.ExternalID, "mailbox", at, "10"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Admin.AdvanceTestClock(ctx, "PT90M"); err != nil {
			t.Fatal(err)
		}
		if len(pgOveruse(t, w, post.ID)) != 0 {
			t.Fatal("consumption charged before the billing day")
		}

		// A month on, the first of the month has been a billing day.
		if _, err := w.s.Admin.AdvanceTestClock(ctx, "P1M"); err != nil {
			t.Fatal(err)
		}
		now := w.s.Clock.Now()
		pgRunUsagePass(t, w, now)
		pgRunUsagePass(t, w, now)
		over := pgOveruse(t, w, post.ID)
		if len(over) != 1 || over[0].Amount != "2.48" || over[0].Quantity != 3 || !twSameMoney(over[0].UnitPrice, "1.10") ||
			over[0].Status != "closed" || over[0].PaymentModel != "postpay" {
			t.Fatalf("postpaid overuse = %+v, want one of 2.48 (2.25 × 1.10), 3 units, closed into the invoice", over)
		}
		// The overuse is owed with the period's other charges until the invoice is paid.
		owed, err := w.owner.ListCharges(ctx, w.r.ID, &client.ListOptions{PageSize: 100,
			Filter: map[string]string{"subscription_id": strconv.FormatInt(post.ID, 10), "status": "closed,blocked"}})
		if err != nil {
			t.Fatal(err)
		}
		var debt domain.Amount
		for _, ch := range owed.Items {
			a, _ := domain.ParseAmount(ch.Amount)
			debt += a
		}
		if got := soWait(t, w.owner, w.r.ID, post.ID, "active"); debt < 2480000 ||
			!twSameMoney(got.PaymentModelParameters.CurrentDebt.String(), debt.String()) {
			t.Fatalf("postpaid current_debt = %s, want its closed and blocked charges, %s (the overuse 2.48 in them)",
				got.PaymentModelParameters.CurrentDebt, debt)
		}
		billed := *over[0].CloseDate
		if !strings.HasSuffix(billed, "-01") || over[0].OperateTo >= billed || !strings.HasSuffix(over[0].OperateFrom, "-01") {
			t.Fatalf("postpaid overuse for %s to %s closed on %s, want the month before the billing day",
				over[0].OperateFrom, over[0].OperateTo, billed)
		}
		invoices := inInvoices(t, w.owner, w.r.ID, map[string]string{"account_id": strconv.FormatInt(w.account.ID, 10)})
		var sum domain.Amount
		page, err := w.owner.ListCharges(ctx, w.r.ID, &client.ListOptions{PageSize: 100,
			Filter: map[string]string{"subscription_id": strconv.FormatInt(post.ID, 10) + "," + strconv.FormatInt(held.ID, 10),
				"status": "closed"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range page.Items {
			a, _ := domain.ParseAmount(ch.Amount)
			sum += a
		}
		if len(invoices) != 1 || !twSameMoney(invoices[0].Total, sum.String()) {
			t.Fatalf("postpaid invoices = %+v, want one of the period's charges, %s", invoices, sum)
		}

		if over := pgOveruse(t, w, held.ID); len(over) != 0 || billed > *held.HoldTo {
			t.Fatalf("held subscription (hold_to %s) charged for consumption billed on %s: %+v", *held.HoldTo, billed, over)
		}

		over = pgOveruse(t, w, pre.ID)
		if len(over) != 1 || over[0].Amount != "1.10" || over[0].Quantity != 1 || over[0].Status != "closed" ||
			over[0].CloseDate == nil || *over[0].CloseDate != billed {
			t.Fatalf("prepaid overuse = %+v, want one of 1.10 closed on %s", over, billed)
		}
		// The balance fell by the overuse and by what else the month closed: the
		// renewal, paid from the balance on the expiration day, once provisioned
		// (its charges reserve their amount until then).
		was, _ := domain.ParseAmount(balance)
		since := func(status string) domain.Amount {
			page, err := w.owner.ListCharges(ctx, w.r.ID, &client.ListOptions{PageSize: 100,
				Filter: map[string]string{"subscription_id": strconv.FormatInt(pre.ID, 10), "status": status}})
			if err != nil {
				t.Fatal(err)
			}
			var sum domain.Amount
			for _, ch := range page.Items {
				if ch.OrderID != nil && *ch.OrderID == sale.ID {
					continue
				}
				a, _ := domain.ParseAmount(ch.Amount)
				sum += a
			}
			return sum
		}
		closed := since("closed")
		if fee, _ := domain.ParseAmount("1.10"); closed < fee {
			t.Fatalf("prepaid charges closed since the sale: %s, want at least the overuse's 1.10", closed)
		}
		want := was - closed
		chWantMoney(t, w.owner, w.r.ID, prepaid.ID, want.String(), (want - since("blocked")).String())
		mustLedgerConsistent(t, w.s)
	})
}
