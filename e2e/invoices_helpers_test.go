package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// inWorld is odWorld on a server with the test clock at tcStart (31 January 2027),
// with a postpaid and a prepaid subscription to charge.
type inWorld struct {
	*odWorld
	postSub, preSub int64
}

func inSetup(t *testing.T, e storetest.Engine) (*server, *inWorld) {
	t.Helper()
	ctx := context.Background()
	s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
	w := &inWorld{odWorld: odSetup(t, s)}
	post, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.postpaid, "postpay"))
	if err != nil {
		t.Fatalf("postpaid order: %v", err)
	}
	pre, err := w.sales.CreateSalesOrder(ctx, w.r.ID, w.order(t, w.prepaid, "prepay"))
	if err != nil {
		t.Fatalf("prepaid order: %v", err)
	}
	w.postSub, w.preSub = post.SubscriptionID, pre.SubscriptionID
	return s, w
}

// inCharge is a charge a test gives the billing pass: the ledger's charges are
// written straight to the database here, as the pass finds them, in the currency of
// the resellers odSetup makes (EUR).
type inCharge struct {
	account, sub int64
	model        domain.PaymentModel
	status       domain.ChargeStatus
	amount       string
	from, to     string
	closed       string
}

// inInsertCharges writes charges of reseller rid and returns their ids.
func inInsertCharges(t *testing.T, s *server, rid int64, list ...inCharge) []int64 {
	t.Helper()
	charges := make([]*domain.Charge, len(list))
	for i, c := range list {
		amount, err := domain.ParseAmount(c.amount)
		if err != nil {
			t.Fatal(err)
		}
		ch := &domain.Charge{ResellerID: rid, AccountID: c.account, SubscriptionID: c.sub,
			BillingKey: fmt.Sprintf("test/%s/%d", c.from, i) + unique("-"), Type: domain.ChargeRecurring,
			Status: c.status, PaymentModel: c.model, Quantity: 1, UnitPrice: amount, Currency: "EUR", Amount: amount,
			ResellerCurrency: "EUR", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		for _, d := range []struct {
			to   *domain.Date
			text string
		}{{&ch.OperateFrom, c.from}, {&ch.OperateTo, c.to}, {&ch.CloseDate, c.closed}} {
			if d.text == "" {
				continue
			}
			if *d.to, err = domain.ParseDate(d.text); err != nil {
				t.Fatal(err)
			}
		}
		charges[i] = ch
	}
	// Seeded charges keep the ledger as the code that makes them does: a closed
	// prepaid charge has taken its amount off the balance, a blocked one reserves it,
	// and a postpaid one adds to its subscription's debt.
	ctx := context.Background()
	err := s.DB.InTx(ctx, func(tx *store.Conn) error {
		if err := tx.InsertCharges(ctx, charges); err != nil {
			return err
		}
		for _, ch := range charges {
			if ch.PaymentModel != domain.PaymentModelPrepay {
				// A postpaid one is owed by its subscription.
				sub, err := tx.FindSubscriptionForUpdate(ctx, 0, ch.SubscriptionID)
				if err != nil {
					return err
				}
				if err := tx.AddSubscriptionDebt(ctx, sub, domain.ChargeDebt(ch)); err != nil {
					return err
				}
				continue
			}
			acc, err := tx.FindAccountForUpdate(ctx, ch.AccountID)
			if err != nil {
				return err
			}
			balance, blocked := domain.Amount(0), domain.Amount(0)
			switch ch.Status {
			case domain.ChargeClosed:
				balance = -ch.Amount
			case domain.ChargeBlocked:
				blocked = ch.Amount
			}
			if err := tx.MoveAccountMoney(ctx, acc, balance, blocked, ch.UpdatedAt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert charges: %v", err)
	}
	ids := make([]int64, len(charges))
	for i, ch := range charges {
		ids[i] = ch.ID
	}
	return ids
}

// inInvoices lists the invoices of reseller rid, oldest first.
func inInvoices(t *testing.T, c *client.Client, rid int64, filters map[string]string) []client.Invoice {
	t.Helper()
	page, err := c.ListInvoices(context.Background(), rid, &client.ListOptions{Filter: filters, Sort: "id"})
	if err != nil {
		t.Fatalf("list invoices: %v", err)
	}
	if page.TotalCount != len(page.Items) {
		t.Fatalf("total_count %d, items %d", page.TotalCount, len(page.Items))
	}
	return page.Items
}

// inBillingPass runs the server's billing pass at now, as the scheduler does.
func inBillingPass(t *testing.T, s *server, now time.Time) {
	t.Helper()
	for _, p := range s.Service.Passes() {
		if p.Name() == "bill_accounts" {
			if err := p.Run(context.Background(), now); err != nil {
				t.Fatalf("billing pass: %v", err)
			}
			return
		}
	}
	t.Fatal("no billing pass")
}

// inWaiting returns the ids of the charges of accounts that still wait for an
// invoice.
func inWaiting(t *testing.T, s *server, accounts ...int64) []int64 {
	t.Helper()
	list, err := s.DB.Reader().ChargesToInvoice(context.Background(), accounts)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	return ids
}

// inListParametersSeed bills a closed prepaid charge of subscription 1 (seeded by
// odListParametersSeed) so that invoice 1 exists for the reads
// TestOpenAPIListParameters sends.
func inListParametersSeed(t *testing.T, s *server) {
	t.Helper()
	sub, err := s.Admin.GetSubscription(context.Background(), domain.OperatorID, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	inInsertCharges(t, s, domain.OperatorID,
		inCharge{sub.AccountID, 1, "prepay", "closed", "1.00", "2030-02-01", "2030-02-28", "2030-02-01"})
	inBillingPass(t, s, time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC))
	if invoices := inInvoices(t, s.Admin, domain.OperatorID, nil); len(invoices) != 1 || invoices[0].ID != 1 {
		t.Fatalf("seeded invoices %+v, want invoice 1", invoices)
	}
}

// inChargesSum is the sum of the amounts of charges ids of reseller rid.
func inChargesSum(t *testing.T, s *server, rid int64, ids []int64) domain.Amount {
	t.Helper()
	var sum domain.Amount
	for _, id := range ids {
		ch, err := s.Admin.GetCharge(context.Background(), rid, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err := domain.ParseAmount(ch.Amount)
		if err != nil {
			t.Fatal(err)
		}
		sum += a
	}
	return sum
}

// inContains reports whether all of want are in ids.
func inContains(ids, want []int64) bool {
	for _, w := range want {
		if !slices.Contains(ids, w) {
			return false
		}
	}
	return true
}

// inWantIncluded reads invoice inv with include=kind, and checks that what comes
// included is exactly the objects of that kind its relationship names, in order.
func inWantIncluded(t *testing.T, c *client.Client, rid int64, inv client.Invoice, kind string, want []int64) {
	t.Helper()
	got, err := c.GetInvoice(context.Background(), rid, inv.ID, client.WithInclude(kind))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range got.Included {
		id, err := strconv.ParseInt(r.ID, 10, 64)
		if r.Type != kind || err != nil {
			t.Fatalf("include=%s brought %s %s", kind, r.Type, r.ID)
		}
		ids = append(ids, id)
	}
	if len(want) == 0 || !slices.Equal(ids, want) {
		t.Fatalf("include=%s brought %v, want %v (none is no test)", kind, ids, want)
	}
}
