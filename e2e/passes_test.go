package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// psTrialPlan is a trial of the mail service: free for 14 days, and not auto-renewed.
const psTrialPlan = `  - key: mail-trial
    product: mail
    name: Mail Trial
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 14d, duration: 14, unit: days, trial: true}
`

// psAt is a local moment in Berlin, the zone of the test clock's servers.
func psAt(day string, hour int) time.Time {
	d, err := domain.ParseDate(day)
	if err != nil {
		panic(err)
	}
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, berlin)
}

// psAdvance moves the test clock to the moment, running what falls due on the way.
func psAdvance(t *testing.T, s *server, to time.Time) {
	t.Helper()
	tc, err := s.Admin.AdvanceTestClockTo(context.Background(), to)
	wantNow(t, tc, err, to)
}

// psWantSub checks the status of a subscription of the reseller.
func psWantSub(t *testing.T, s *server, rid, id int64, want string) *client.Subscription {
	t.Helper()
	sub, err := s.Admin.GetSubscription(context.Background(), rid, id, nil)
	if err != nil {
		t.Fatalf("get subscription %d: %v", id, err)
	}
	if sub.Status != want {
		t.Fatalf("subscription %d is %s, want %s", id, sub.Status, want)
	}
	return sub
}

func psWantOrder(t *testing.T, s *server, rid, id int64, want string) *client.Order {
	t.Helper()
	o, err := s.Admin.GetOrder(context.Background(), rid, id, nil)
	if err != nil {
		t.Fatalf("get order %d: %v", id, err)
	}
	if o.Status != want {
		t.Fatalf("order %d is %s, want %s", id, o.Status, want)
	}
	return o
}

// TestPassesMoveOrdersAndSubscriptions advances the test clock over a year of an
// installation in Berlin and checks what the scheduler did on each due day: an
// unpaid order cancelled with its payment the day after its expiration date, a
// delayed order provisioned on its date, an auto-renewing prepaid subscription graced
// when its period ended with its renewal unpaid, stopped when the grace ended and
// deleted after the stop period, and a trial (auto-renew off) stopped on its
// expiration date.
func TestPassesMoveOrdersAndSubscriptions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		w := odSetup(t, s)
		rid := w.r.ID
		cfApply(t, s.Admin, rid, odCatalog+psTrialPlan)
		trialPlan := atPlan(t, s.Admin, rid, "mail-trial")

		unpaid, err := w.sales.CreateSalesOrder(ctx, rid, w.order(t, w.prepaid, "prepay"))
		if err != nil || unpaid.Status != "waiting_for_payment" || unpaid.PaymentID == nil {
			t.Fatalf("unpaid order = %+v, %v", unpaid, err)
		}
		if unpaid.ExpirationDate != "2027-02-03" {
			t.Fatalf("expiration date %v, want 2027-02-03", unpaid.ExpirationDate)
		}
		in := w.order(t, w.postpaid, "postpay")
		in.ProvisioningDate = client.String("2027-02-05")
		delayed, err := w.sales.CreateSalesOrder(ctx, rid, in)
		if err != nil || delayed.Status != "waiting_for_provisioning" {
			t.Fatalf("delayed order = %+v, %v", delayed, err)
		}
		// Prepaid: its automatic renewal waits for a payment that never comes.
		now, err := w.sales.CreateSalesOrder(ctx, rid, w.order(t, w.prepaid, "prepay"))
		if err != nil || now.PaymentID == nil {
			t.Fatalf("order = %+v, %v", now, err)
		}
		if _, err := w.sales.CompletePayment(ctx, rid, *now.PaymentID, w.cash); err != nil {
			t.Fatal(err)
		}
		trial, err := w.sales.CreateSalesOrder(ctx, rid, client.SalesOrderInput{AccountID: w.prepaid.ID,
			PlanID: trialPlan.ID, PlanPeriodID: odPeriod(t, trialPlan, "14d"), PaymentModel: "prepay"})
		if err != nil {
			t.Fatal(err)
		}
		odWaitOrder(t, s.Admin, rid, now.ID, "completed")
		odWaitOrder(t, s.Admin, rid, trial.ID, "completed")
		sub := psWantSub(t, s, rid, now.SubscriptionID, "active")
		if sub.ExpirationDate == nil || *sub.ExpirationDate != "2027-02-28" || !sub.RenewalSettings.Autorenew {
			t.Fatalf("subscription expires %v, auto-renew %v; want 2027-02-28, on", sub.ExpirationDate, sub.RenewalSettings.Autorenew)
		}
		tsub := psWantSub(t, s, rid, trial.SubscriptionID, "active")
		if tsub.RenewalSettings.Autorenew || tsub.ExpirationDate == nil || *tsub.ExpirationDate != "2027-02-14" {
			t.Fatalf("trial expires %v, auto-renew %v; want 2027-02-14, off", tsub.ExpirationDate, tsub.RenewalSettings.Autorenew)
		}

		// The unpaid order may be paid to the end of its expiration date.
		psAdvance(t, s, psAt("2027-02-03", 23))
		psWantOrder(t, s, rid, unpaid.ID, "waiting_for_payment")
		psAdvance(t, s, psAt("2027-02-04", 0))
		psWantOrder(t, s, rid, unpaid.ID, "cancelled")
		p, err := s.Admin.GetPayment(ctx, rid, *unpaid.PaymentID)
		if err != nil || p.Status != "cancelled" {
			t.Fatalf("payment = %+v, %v; want cancelled", p, err)
		}
		psWantSub(t, s, rid, unpaid.SubscriptionID, "deleted")
		psWantOrder(t, s, rid, delayed.ID, "waiting_for_provisioning")

		// The delayed order is provisioned on its date.
		psAdvance(t, s, psAt("2027-02-05", 0))
		psWantOrder(t, s, rid, delayed.ID, "completed")
		dsub := psWantSub(t, s, rid, delayed.SubscriptionID, "active")
		if dsub.StartDate == nil || *dsub.StartDate != "2027-02-05" {
			t.Fatalf("delayed subscription starts %v, want 2027-02-05", dsub.StartDate)
		}

		// The trial is not renewed: it stops on its expiration date.
		psAdvance(t, s, psAt("2027-02-13", 23))
		psWantSub(t, s, rid, trial.SubscriptionID, "active")
		psAdvance(t, s, psAt("2027-02-14", 0))
		psWantSub(t, s, rid, trial.SubscriptionID, "stopped")

		// The renewal was not paid: graced from the expiration date for the 7 days of
		// grace, its order payable until the grace ends.
		psAdvance(t, s, psAt("2027-02-28", 0))
		psWantSub(t, s, rid, now.SubscriptionID, "graced")
		renewal := rnOnlyOrder(t, s, rid, now.SubscriptionID, "RenewalOrder")
		if renewal.Status != "waiting_for_payment" || renewal.ExpirationDate != "2027-03-06" {
			t.Fatalf("renewal order %s until %s, want waiting_for_payment until 2027-03-06", renewal.Status, renewal.ExpirationDate)
		}
		psAdvance(t, s, psAt("2027-03-06", 23))
		psWantSub(t, s, rid, now.SubscriptionID, "graced")
		psAdvance(t, s, psAt("2027-03-07", 0))
		psWantSub(t, s, rid, now.SubscriptionID, "stopped")
		psWantOrder(t, s, rid, renewal.ID, "cancelled")
		// From here the postpaid account pays its invoices, which would block its
		// subscription once expired.
		exAdvancePaying(t, s, rid, psAt("2027-04-05", 23))
		psWantSub(t, s, rid, now.SubscriptionID, "stopped")

		// A year on, the stopped ones have been deleted 30 days after they stopped; the
		// postpaid one renewed itself on each expiration date.
		exAdvancePaying(t, s, rid, psAt("2028-04-05", 23))
		for _, id := range []int64{now.SubscriptionID, trial.SubscriptionID} {
			psWantSub(t, s, rid, id, "deleted")
		}
		if d := psWantSub(t, s, rid, delayed.SubscriptionID, "active"); *d.ExpirationDate != "2028-05-05" {
			t.Fatalf("the postpaid subscription expires %s, want 2028-05-05 (renewed that morning)", *d.ExpirationDate)
		}
	})
}
