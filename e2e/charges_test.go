package e2e

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/cascade-billing/cascade/client"
)

// TestChargesLedger walks a prepaid subscription through the account ledger: bought
// (charges new), paid from a topped-up balance (blocked, then closed when
// provisioned: the balance falls by the total), a change the balance cannot cover
// (refused, then cancelled: charges deleted), a decrease (a refund waiting, then
// refunded: the balance rises), a postpaid sale (blocked, the balance untouched) and
// the automatic renewals of both through the test clock (their charges made once,
// however often the clock moves on). The ledger's invariant holds after each step.
func TestChargesLedger(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		acc := w.prepaid.ID
		mustLedgerConsistent(t, s)

		in := client.SalesOrderInput{AccountID: acc, PlanID: w.plans["flex-basic"].ID,
			PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "prepay", Resources: w.seats(t, "flex-basic", 3)}
		sale, err := w.sales.CreateSalesOrder(ctx, w.r.ID, in)
		if err != nil || sale.Total != "14.0" || sale.PaymentID == nil {
			t.Fatalf("sales order = %+v, %v", sale, err)
		}
		charges := chWantCharges(t, w.sales, w.r.ID, sale, map[string]string{"Charge::Recurring": "new"})
		if len(charges) != 2 || charges[0].OperateFrom != "2027-03-10" || charges[0].OperateTo != "2027-04-10" ||
			string(charges[0].Duration) != "1" || charges[0].Currency != "USD" || charges[0].CurrencyRate != "1" {
			t.Fatalf("sale's charges = %+v", charges)
		}
		chWantMoney(t, w.sales, w.r.ID, acc, "0", "0")
		mustLedgerConsistent(t, s)

		// Nothing on the balance yet: the payment cannot come from it.
		_, err = w.sales.PayFromBalance(ctx, w.r.ID, *sale.PaymentID)
		odErr(t, err, 422, "payment_from_balance", "")
		chTopUp(t, w, acc, "20")
		chWantMoney(t, w.sales, w.r.ID, acc, "20", "20")
		mustLedgerConsistent(t, s)
		p, err := w.sales.PayFromBalance(ctx, w.r.ID, *sale.PaymentID)
		if err != nil || p.Status != "paid_from_balance" || p.ClosedAt == nil {
			t.Fatalf("pay from balance = %+v, %v", p, err)
		}
		mustLedgerConsistent(t, s)
		sale = odWaitOrder(t, w.sales, w.r.ID, sale.ID, "completed")
		for _, ch := range chWantCharges(t, w.sales, w.r.ID, sale, map[string]string{"Charge::Recurring": "closed"}) {
			if ch.CloseDate == nil || *ch.CloseDate != "2027-03-10" {
				t.Errorf("closed charge's close date = %v", ch.CloseDate)
			}
		}
		chWantMoney(t, w.sales, w.r.ID, acc, "6", "6")
		mustLedgerConsistent(t, s)

		// Four more seats cost 8.00, more than the 6.00 available: refused, cancelled.
		_, res := w.subscription(t, sale.SubscriptionID)
		seat := res[0].ID
		change := func(additional int64) *client.Order {
			t.Helper()
			o, err := w.sales.CreateChangeOrder(ctx, w.r.ID, client.ChangeOrderInput{SubscriptionID: sale.SubscriptionID,
				Resources: &client.ResourceChangeList{Data: []client.ResourceChange{{ResourceID: seat, Additional: additional}}}})
			if err != nil {
				t.Fatalf("change to %d additional seats: %v", additional, err)
			}
			return o
		}
		big := change(6)
		_, err = w.sales.PayFromBalance(ctx, w.r.ID, *big.PaymentID)
		odErr(t, err, 422, "payment_from_balance", "")
		chWantCharges(t, w.sales, w.r.ID, big, map[string]string{"Charge::Recurring": "new"})
		if _, err := w.sales.CancelPayment(ctx, w.r.ID, *big.PaymentID); err != nil {
			t.Fatal(err)
		}
		chWantCharges(t, w.sales, w.r.ID, big, map[string]string{"Charge::Recurring": "deleted"})
		chWantMoney(t, w.sales, w.r.ID, acc, "6", "6")
		mustLedgerConsistent(t, s)

		// One more seat, 2.00, from the balance; then back to one additional seat:
		// two seats' month, 4.00, refunded when the decrease is provisioned.
		up := change(3)
		if _, err := w.sales.PayFromBalance(ctx, w.r.ID, *up.PaymentID); err != nil {
			t.Fatal(err)
		}
		up = odWaitOrder(t, w.sales, w.r.ID, up.ID, "completed")
		chWantCharges(t, w.sales, w.r.ID, up, map[string]string{"Charge::Recurring": "closed"})
		chWantMoney(t, w.sales, w.r.ID, acc, "4", "4")
		down := change(1)
		if down.Total != "-4.0" || down.PaymentID != nil {
			t.Fatalf("decrease = %+v", down)
		}
		down = odWaitOrder(t, w.sales, w.r.ID, down.ID, "completed")
		refund := chWantCharges(t, w.sales, w.r.ID, down, map[string]string{"Charge::Refund": "refunded"})
		if len(refund) != 1 || refund[0].Amount != "4.00" || refund[0].Quantity != 2 {
			t.Fatalf("refund = %+v", refund)
		}
		chWantMoney(t, w.sales, w.r.ID, acc, "8", "8")
		mustLedgerConsistent(t, s)

		// Postpaid: blocked from the start, never on the balance.
		postIn := client.SalesOrderInput{AccountID: w.postpaid.ID, PlanID: w.plans["flex-basic"].ID,
			PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "postpay", Resources: w.seats(t, "flex-basic", 1)}
		post, err := w.sales.CreateSalesOrder(ctx, w.r.ID, postIn)
		if err != nil {
			t.Fatal(err)
		}
		post = odWaitOrder(t, w.sales, w.r.ID, post.ID, "completed")
		chWantCharges(t, w.sales, w.r.ID, post, map[string]string{"Charge::Recurring": "blocked"})
		chWantMoney(t, w.sales, w.r.ID, w.postpaid.ID, "0", "0")
		mustLedgerConsistent(t, s)

		// The renewals: once, however often the clock moves on.
		count := func() map[int64]int {
			page, err := w.sales.ListCharges(ctx, w.r.ID, &client.ListOptions{PageSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			bySub := map[int64]int{}
			for _, ch := range page.Items {
				bySub[ch.SubscriptionID]++
			}
			return bySub
		}
		before := count()
		if _, err := s.Admin.AdvanceTestClock(ctx, "P1M"); err != nil {
			t.Fatal(err)
		}
		mustLedgerConsistent(t, s)
		renewed := count()
		for _, sub := range []int64{sale.SubscriptionID, post.SubscriptionID} {
			if renewed[sub] <= before[sub] {
				t.Errorf("subscription %d: %d charges before the renewal, %d after", sub, before[sub], renewed[sub])
			}
		}
		page, err := w.sales.ListCharges(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"subscription_id": strconv.FormatInt(post.SubscriptionID, 10), "status": "blocked"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range page.Items {
			if ch.SubscriptionID != post.SubscriptionID || ch.Status != "blocked" {
				t.Errorf("filtered charge = %+v", ch)
			}
		}
		// The billing day within the month closed the sale's postpaid charges into an
		// invoice; the renewal's wait for the next one.
		if page.TotalCount < 1 {
			t.Errorf("postpaid subscription's blocked charges: %d, want the renewal's", page.TotalCount)
		}
		closed, err := w.sales.ListCharges(ctx, w.r.ID, &client.ListOptions{
			Filter: map[string]string{"subscription_id": strconv.FormatInt(post.SubscriptionID, 10), "status": "closed"}})
		if err != nil || closed.TotalCount < 1 {
			t.Errorf("postpaid subscription's closed charges: %+v, %v; want the sale's, invoiced", closed, err)
		}
		if _, err := s.Admin.AdvanceTestClock(ctx, "P1D"); err != nil {
			t.Fatal(err)
		}
		if again := count(); again[sale.SubscriptionID] != renewed[sale.SubscriptionID] ||
			again[post.SubscriptionID] != renewed[post.SubscriptionID] {
			t.Errorf("charges after another day: %v, after the renewal: %v", again, renewed)
		}
		mustLedgerConsistent(t, s)
	})
}

// TestChargesPayFromBalanceOnce completes one payment from the balance a hundred
// times at once: exactly one succeeds, the others are refused with 422, and the
// balance falls by the total once.
func TestChargesPayFromBalanceOnce(t *testing.T) {
	okEachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := okSetup(t, s)
		acc := w.prepaid.ID
		o, err := w.sales.CreateSalesOrder(ctx, w.r.ID, client.SalesOrderInput{AccountID: acc,
			PlanID: w.plans["flex-basic"].ID, PlanPeriodID: w.period(t, "flex-basic", "1m"), PaymentModel: "prepay",
			Resources: w.seats(t, "flex-basic", 3)})
		if err != nil {
			t.Fatal(err)
		}
		chTopUp(t, w, acc, "100")
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			ok, lost int
			other    []error
		)
		for range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := w.sales.PayFromBalance(ctx, w.r.ID, *o.PaymentID)
				var e *client.Error
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.As(err, &e) && e.StatusCode == 422:
					lost++
				default:
					other = append(other, err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || lost != 99 || len(other) > 0 {
			t.Fatalf("100 payments from the balance: %d succeeded, %d refused, others %v", ok, lost, other)
		}
		o = odWaitOrder(t, w.sales, w.r.ID, o.ID, "completed")
		chWantCharges(t, w.sales, w.r.ID, o, map[string]string{"Charge::Recurring": "closed"})
		chWantMoney(t, w.sales, w.r.ID, acc, "86", "86")
		mustLedgerConsistent(t, s)
	})
}
