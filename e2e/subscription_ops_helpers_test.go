package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store"
)

// soCatalog sells monthly plans under three service terms: stops and deletions at
// once with a 30-day deletion period (auto), both waiting for approval (manual), and
// no deletion period (nodel); and a non-recurring plan, whose auto-renew cannot be
// changed.
const soCatalog = `
service_terms:
  - {key: auto, name: Automatic}
  - {key: manual, name: Manual approval, stop_type: manual, delete_type: manual}
  - {key: nodel, name: No deletion, deletion_period: 0}
categories:
  - {key: office, name: Office, public: true}
products:
  - key: mail
    name: Mail Hosting
    category: office
    public: true
    integration: {mode: manual, email: ops@vendor.example}
plans:
  - {key: auto, product: mail, name: Mail Auto, status: active, public: true, billing_type: pay_as_you_go,
     currency: USD, service_term: auto, periods: [{key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}]}
  - {key: manual, product: mail, name: Mail Manual, status: active, public: true, billing_type: pay_as_you_go,
     currency: USD, service_term: manual, periods: [{key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}]}
  - {key: nodel, product: mail, name: Mail No Delete, status: active, public: true, billing_type: pay_as_you_go,
     currency: USD, service_term: nodel, periods: [{key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}]}
  - {key: once, product: mail, name: Mail Setup, status: active, public: true, billing_type: non_recurring,
     currency: USD, service_term: auto, periods: [{key: 1m, duration: 1, unit: months, setup_fee: "50.00"}]}
`

// soWorld is a reseller r selling soCatalog with a postpaid and a prepaid account, a
// reseller below it (child) selling the same, and a sibling of r, each with managers.
type soWorld struct {
	s                        *server
	r, child, sibling        *client.Reseller
	postpaid, prepaid        *client.Account
	childAcc                 *client.Account
	sales, marketing, owner  *client.Client
	siblingOwner, childSales *client.Client
}

func soSetup(t *testing.T, s *server) *soWorld {
	t.Helper()
	w := &soWorld{s: s}
	w.r = mustCreateReseller(t, s.Admin, domain.OperatorID, "Operations Seller")
	w.child = mustCreateReseller(t, s.Admin, w.r.ID, "Operations Child")
	w.sibling = mustCreateReseller(t, s.Admin, domain.OperatorID, "Operations Sibling")
	for _, id := range []int64{w.r.ID, w.child.ID} {
		cfApply(t, s.Admin, id, soCatalog)
	}
	w.postpaid = acMustCreate(t, s.Admin, w.r.ID, acPostpaid("Pavel", "Postpaid"))
	w.prepaid = acMustCreate(t, s.Admin, w.r.ID, acPerson("Olga", "Prepaid"))
	w.childAcc = acMustCreate(t, s.Admin, w.child.ID, acPostpaid("Chris", "Child"))
	w.sales = s.client(mustCreateManager(t, s.Admin, w.r.ID, "sales").APIToken)
	w.owner = s.client(mustCreateManager(t, s.Admin, w.r.ID, "owner").APIToken)
	w.marketing = s.client(mustCreateManager(t, s.Admin, w.r.ID, "marketing").APIToken)
	w.siblingOwner = s.client(mustCreateManager(t, s.Admin, w.sibling.ID, "owner").APIToken)
	w.childSales = s.client(mustCreateManager(t, s.Admin, w.child.ID, "sales").APIToken)
	return w
}

// buy makes an active (or delivered) subscription of the plan with the given key for
// the postpaid account of reseller rid, and returns it.
func (w *soWorld) buy(t *testing.T, c *client.Client, rid, accountID int64, planKey string) *client.Subscription {
	t.Helper()
	plan := atPlan(t, c, rid, planKey)
	o, err := c.CreateSalesOrder(context.Background(), rid, client.SalesOrderInput{AccountID: accountID,
		PlanID: plan.ID, PlanPeriodID: plan.Periods[0].ID, PaymentModel: "postpay"})
	if err != nil {
		t.Fatalf("buy %s: %v", planKey, err)
	}
	odWaitOrder(t, c, rid, o.ID, "completed")
	sub, err := c.GetSubscription(context.Background(), rid, o.SubscriptionID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// soWait polls a subscription until its status is want, and fails the test after a
// few seconds.
func soWait(t *testing.T, c *client.Client, rid, id int64, want string) *client.Subscription {
	t.Helper()
	return soWaitLong(t, c, rid, id, want, 10*time.Second)
}

// soWaitLong is soWait with a longer deadline.
func soWaitLong(t *testing.T, c *client.Client, rid, id int64, want string, wait time.Duration) *client.Subscription {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		sub, err := c.GetSubscription(context.Background(), rid, id, nil)
		if err != nil {
			t.Fatalf("get subscription %d: %v", id, err)
		}
		if sub.Status == want {
			return sub
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription %d is %s, want %s", id, sub.Status, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// soNote is a valid reason and comment.
var soNote = client.OperationNote{Reason: "customer request", Comment: "pause for a month"}

// soHistory reads the operations recorded for a subscription.
func soHistory(t *testing.T, s *server, id int64) []*store.SubscriptionOperationRecord {
	t.Helper()
	ops, err := s.DB.Reader().FindSubscriptionOperations(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// soWaitingOrder writes, through the store, a renewal order of the subscription that
// waits for its payment, with the payment: what a renewal order looks like before it
// is paid. The API creates renewal orders in a later step; a stop must cancel them.
func soWaitingOrder(t *testing.T, s *server, sub *client.Subscription) (orderID, paymentID int64) {
	t.Helper()
	ctx := context.Background()
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Conn) error {
		stored, err := tx.FindSubscriptionByID(ctx, 0, sub.ID)
		if err != nil {
			return err
		}
		ts := domain.Timestamps{CreatedAt: now, UpdatedAt: now}
		n, err := tx.NextDocumentNumber(ctx, stored.ResellerID, domain.RenewalOrder.DocumentPrefix())
		if err != nil {
			return err
		}
		o := &domain.Order{ResellerID: stored.ResellerID, AccountID: stored.AccountID, SubscriptionID: stored.ID,
			Kind: domain.RenewalOrder, Status: domain.OrderStatusWaitingForPayment,
			DocumentID: domain.FormatDocumentID(domain.RenewalOrder, n), PaymentModel: domain.PaymentModelPrepay,
			Total: domain.Amount(10_000_000), Currency: "USD", ExpirationDate: domain.DateOf(now, time.UTC).AddDays(3),
			PlanID: stored.PlanID, PlanPeriodID: stored.PlanPeriodID, Timestamps: ts}
		if err := tx.CreateOrder(ctx, o); err != nil {
			return err
		}
		pn, err := tx.NextDocumentNumber(ctx, stored.ResellerID, store.PaymentDocumentPrefix)
		if err != nil {
			return err
		}
		p := &domain.Payment{ResellerID: o.ResellerID, AccountID: o.AccountID, Purpose: domain.PaymentForOrder,
			OrderID: o.ID, DocumentID: fmt.Sprintf("%06d", pn), Total: o.Total,
			InitialTotal: o.Total, Currency: o.Currency, Status: domain.PaymentStatusWaitingForPayment,
			ExpirationDate: o.ExpirationDate, Timestamps: ts}
		if err := tx.CreatePayment(ctx, p); err != nil {
			return err
		}
		o.PaymentID = p.ID
		orderID, paymentID = o.ID, p.ID
		return tx.UpdateOrder(ctx, o)
	})
	if err != nil {
		t.Fatalf("write a waiting renewal order: %v", err)
	}
	return orderID, paymentID
}

// refusingProvisioner refuses every stop, as a vendor that cannot stop the service
// would, and does every other operation.
type refusingProvisioner struct{}

func (refusingProvisioner) Provision(_ context.Context, req service.ProvisionRequest) (service.ProvisionOutcome, error) {
	if req.Op == domain.ProvisionOpStop {
		return service.ProvisionOutcome{Message: "the vendor cannot stop this service now"}, nil
	}
	return service.ProvisionOutcome{Done: true}, nil
}
