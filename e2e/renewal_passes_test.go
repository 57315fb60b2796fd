package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// rnPlans renew five days before expiration: a monthly pay-as-you-go plan and a
// yearly CSP monthly plan paid month by month (appended to odCatalog's plans).
const rnPlans = `  - key: mail-early
    product: mail
    name: Mail Early
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    service_term: early
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
  - key: mail-csp
    product: mail
    name: Mail CSP
    status: active
    public: true
    billing_type: csp_monthly
    currency: USD
    service_term: early
    periods:
      - {key: 1y, duration: 1, unit: years, recurring_fee: "10.00"}
service_terms:
  - {key: early, name: Early, autorenew_point: 5, manual_renew_point: 10}
`

// rnOrders lists the orders of kind (attributes.type) of subscription sub, oldest first.
func rnOrders(t *testing.T, s *server, rid, sub int64, kind string) []client.Order {
	t.Helper()
	page, err := s.Admin.ListOrders(context.Background(), rid, &client.ListOptions{PageSize: 100,
		Filter: map[string]string{"type": kind}, Sort: "id"})
	if err != nil {
		t.Fatalf("list %s orders: %v", kind, err)
	}
	var out []client.Order
	for _, o := range page.Items {
		if o.SubscriptionID == sub {
			out = append(out, o)
		}
	}
	return out
}

// rnOnlyOrder checks subscription sub has exactly one order of kind and returns it.
func rnOnlyOrder(t *testing.T, s *server, rid, sub int64, kind string) client.Order {
	t.Helper()
	os := rnOrders(t, s, rid, sub, kind)
	if len(os) != 1 {
		t.Fatalf("subscription %d has %d %s orders, want one", sub, len(os), kind)
	}
	return os[0]
}

// rnWorld starts a server on the test clock selling odCatalog and rnPlans.
func rnWorld(t *testing.T, e storetest.Engine) (*server, *odWorld) {
	s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
	w := odSetup(t, s)
	cfApply(t, s.Admin, w.r.ID, odCatalog+rnPlans)
	return s, w
}

// TestRenewalPassesPostpaidYear: a postpaid monthly subscription that auto-renews is
// renewed on each expiration date for a year, once each time.
func TestRenewalPassesPostpaidYear(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := rnWorld(t, e)
		rid := w.r.ID
		o, err := w.sales.CreateSalesOrder(ctx, rid, w.order(t, w.postpaid, "postpay"))
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, s.Admin, rid, o.ID, "completed")
		sub := psWantSub(t, s, rid, o.SubscriptionID, "active")
		if *sub.ExpirationDate != "2027-02-28" {
			t.Fatalf("expires %s", *sub.ExpirationDate)
		}
		// The account pays each month's invoice: unpaid past its due date, it
		// would block the subscription, and a blocked one is not renewed.
		exAdvancePaying(t, s, rid, psAt("2028-01-31", 10))
		renewals := rnOrders(t, s, rid, o.SubscriptionID, "RenewalOrder")
		if len(renewals) != 12 {
			t.Fatalf("%d renewal orders in a year, want 12", len(renewals))
		}
		for _, r := range renewals {
			if r.Status != "completed" || r.CreatedBy != "System" || r.Total != "15.0" {
				t.Fatalf("renewal %s: %s by %s, total %s; want completed by System, 15.0", r.DocumentID, r.Status,
					r.CreatedBy, r.Total)
			}
		}
		sub = psWantSub(t, s, rid, o.SubscriptionID, "active")
		// Bought on 31 January: each renewal ends on a month's last day, counted from
		// that day (the 28th would be a drift from February's end), and the renewal
		// made on 31 January 2028 runs to 29 February, a leap year's.
		if *sub.ExpirationDate != "2028-02-29" {
			t.Fatalf("after a year expires %s, want 2028-02-29 (thirteen months from 31 January)", *sub.ExpirationDate)
		}
		var ends []string
		for _, r := range renewals { // made and provisioned on each expiration date
			ends = append(ends, r.CreatedAt[:10])
		}
		if want := "2027-02-28 2027-03-31 2027-04-30 2027-05-31 2027-06-30 2027-07-31 2027-08-31 2027-09-30 " +
			"2027-10-31 2027-11-30 2027-12-31 2028-01-31"; strings.Join(ends, " ") != want {
			t.Fatalf("renewals made on %v, want %s", ends, want)
		}
	})
}

// TestRenewalPassesPrepaid: the automatic renewal of a prepaid subscription waits for
// its payment five days before expiration; paid, it renews on the expiration date.
func TestRenewalPassesPrepaid(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := rnWorld(t, e)
		rid := w.r.ID
		plan := atPlan(t, s.Admin, rid, "mail-early")
		o, err := w.sales.CreateSalesOrder(ctx, rid, client.SalesOrderInput{AccountID: w.prepaid.ID, PlanID: plan.ID,
			PlanPeriodID: odPeriod(t, plan, "1m"), PaymentModel: "prepay"})
		if err != nil || o.PaymentID == nil {
			t.Fatalf("order %+v, %v", o, err)
		}
		if _, err := w.sales.CompletePayment(ctx, rid, *o.PaymentID, w.cash); err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, s.Admin, rid, o.ID, "completed")

		psAdvance(t, s, psAt("2027-02-22", 23))
		if n := len(rnOrders(t, s, rid, o.SubscriptionID, "RenewalOrder")); n != 0 {
			t.Fatalf("six days before expiration: %d renewal orders", n)
		}
		psAdvance(t, s, psAt("2027-02-23", 0))
		r := rnOnlyOrder(t, s, rid, o.SubscriptionID, "RenewalOrder")
		if r.Status != "waiting_for_payment" || r.PaymentID == nil || r.ProvisioningDate == nil ||
			*r.ProvisioningDate != "2027-02-28" || r.CreatedBy != "System" || r.Total != "10.0" {
			t.Fatalf("renewal order %+v, want waiting for payment, provisioned on 2027-02-28", r)
		}
		if _, err := w.sales.CompletePayment(ctx, rid, *r.PaymentID, w.cash); err != nil {
			t.Fatal(err)
		}
		psWantOrder(t, s, rid, r.ID, "waiting_for_provisioning")
		psAdvance(t, s, psAt("2027-02-28", 0))
		psWantOrder(t, s, rid, r.ID, "completed")
		sub := psWantSub(t, s, rid, o.SubscriptionID, "active")
		if *sub.ExpirationDate != "2027-03-31" {
			t.Fatalf("renewed to %s, want 2027-03-31 (two months from 31 January)", *sub.ExpirationDate)
		}
		rnOnlyOrder(t, s, rid, o.SubscriptionID, "RenewalOrder")
	})
}

// TestRenewalPassesProlong: a postpaid CSP monthly subscription gets a prolong order
// five days before each paid-to date, completed at once, so each month is paid once.
func TestRenewalPassesProlong(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := rnWorld(t, e)
		rid := w.r.ID
		plan := atPlan(t, s.Admin, rid, "mail-csp")
		o, err := w.sales.CreateSalesOrder(ctx, rid, client.SalesOrderInput{AccountID: w.postpaid.ID, PlanID: plan.ID,
			PlanPeriodID: odPeriod(t, plan, "1y"), PaymentModel: "postpay"})
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, s.Admin, rid, o.ID, "completed")
		exAdvancePaying(t, s, rid, psAt("2027-02-22", 23)) // paying its invoices
		if n := len(rnOrders(t, s, rid, o.SubscriptionID, "ProlongOrder")); n != 0 {
			t.Fatalf("before the first day: %d prolong orders", n)
		}
		exAdvancePaying(t, s, rid, psAt("2027-02-23", 0))
		first := rnOnlyOrder(t, s, rid, o.SubscriptionID, "ProlongOrder")
		if first.Status != "completed" || first.CreatedBy != "System" || first.Total != "10.0" {
			t.Fatalf("prolong order %+v, want completed by System, 10.0", first)
		}
		// Paid-to moves a month at a time: one order a month.
		exAdvancePaying(t, s, rid, psAt("2027-07-31", 10))
		prolongs := rnOrders(t, s, rid, o.SubscriptionID, "ProlongOrder")
		if len(prolongs) != 6 {
			t.Fatalf("%d prolong orders by the end of July, want 6", len(prolongs))
		}
		for _, p := range prolongs {
			if p.Status != "completed" {
				t.Fatalf("prolong %s is %s", p.DocumentID, p.Status)
			}
		}
		if n := len(rnOrders(t, s, rid, o.SubscriptionID, "RenewalOrder")); n != 0 {
			t.Fatalf("%d renewal orders in the middle of the year", n)
		}
		// Months are counted from 31 January: paid to the last day of August.
		paid, err := s.DB.Reader().FindSubscriptionByID(ctx, 0, o.SubscriptionID)
		if err != nil || paid.PaidTo.String() != "2027-08-31" {
			t.Fatalf("paid to %v (%v), want 2027-08-31", paid.PaidTo, err)
		}
	})
}

// TestRenewalPassesUnpaidMonthStops: a prepaid CSP monthly subscription whose prolong
// order is left unpaid is stopped on its paid-to date; the order, expired the day
// after its expiration date, stays cancelled, and the stop is asked for once.
func TestRenewalPassesUnpaidMonthStops(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s, w := rnWorld(t, e)
		rid := w.r.ID
		plan := atPlan(t, s.Admin, rid, "mail-csp")
		o, err := w.sales.CreateSalesOrder(ctx, rid, client.SalesOrderInput{AccountID: w.prepaid.ID, PlanID: plan.ID,
			PlanPeriodID: odPeriod(t, plan, "1y"), PaymentModel: "prepay"})
		if err != nil || o.PaymentID == nil {
			t.Fatalf("order %+v, %v", o, err)
		}
		if _, err := w.sales.CompletePayment(ctx, rid, *o.PaymentID, w.cash); err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, s.Admin, rid, o.ID, "completed")
		psAdvance(t, s, psAt("2027-02-23", 0))
		prolong := rnOnlyOrder(t, s, rid, o.SubscriptionID, "ProlongOrder")
		if prolong.Status != "waiting_for_payment" || prolong.DocumentID != "PO000001" || prolong.Total != "10.0" {
			t.Fatalf("prolong order %+v, want PO000001 waiting for payment, 10.0", prolong)
		}
		psAdvance(t, s, psAt("2027-02-27", 23))
		psWantSub(t, s, rid, o.SubscriptionID, "active")
		psWantOrder(t, s, rid, prolong.ID, "cancelled")
		psAdvance(t, s, psAt("2027-02-28", 0))
		sub := psWantSub(t, s, rid, o.SubscriptionID, "stopped")
		if *sub.ExpirationDate != "2028-01-31" {
			t.Fatalf("expires %s, want 2028-01-31", *sub.ExpirationDate)
		}
		if p, err := s.Admin.GetPayment(ctx, rid, *prolong.PaymentID); err != nil || p.Status != "cancelled" {
			t.Fatalf("prolong payment %+v, %v; want cancelled", p, err)
		}
		psAdvance(t, s, psAt("2027-03-01", 10))
		psWantSub(t, s, rid, o.SubscriptionID, "stopped")
		rnOnlyOrder(t, s, rid, o.SubscriptionID, "ProlongOrder")
	})
}
