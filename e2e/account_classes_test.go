package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// acClassDoc is an operator's catalogue file with one class, tight, of the given
// credit limit and subzero period.
func acClassDoc(limit string, subzero int) string {
	return fmt.Sprintf(`account_classes:
  - key: tight
    name: Tight
    charging_model: prepay
    credit_limit: %s
    subzero_period: %d
`, limit, subzero)
}

// acIntoClass makes w's prepaid account a new one of class tight, taking its
// limit.
func acIntoClass(t *testing.T, s *server, w *odWorld) {
	t.Helper()
	in := acPerson("Tina", "Tight")
	in.AccountClassKey, in.CreditLimitUseSystem = client.String("tight"), client.Bool(true)
	w.prepaid = acMustCreate(t, s.Admin, w.r.ID, in)
}

// acWaitAccount polls an account until its status is want (a job moves it).
func acWaitAccount(t *testing.T, c *client.Client, rid, id int64, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		a, err := c.GetAccount(context.Background(), rid, id)
		if err == nil && a.Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("account %d = %+v, %v; want %s", id, a, err, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAccountClassesCatalogue: the operator's catalogue file creates and updates
// account classes with the diff and dry run of every object; another reseller's
// file with the section is refused at /account_classes, and so is a change of a
// class's charging model while accounts use it, and a subzero period below -1.
func TestAccountClassesCatalogue(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		w := odSetup(t, s)
		if got := cfChangeLines(cfDryRun(t, s.Admin, domain.OperatorID, acClassDoc("50.00", 3))); len(got) != 1 ||
			got[0] != "create account_class tight" {
			t.Fatalf("dry run = %v", got)
		}
		cfApply(t, s.Admin, domain.OperatorID, acClassDoc("50.00", 3))
		got := cfChangeLines(cfApply(t, s.Admin, domain.OperatorID, acClassDoc("40.00", -1)))
		if len(got) != 1 || got[0] != "update account_class tight credit_limit,subzero_period" {
			t.Fatalf("update = %v", got)
		}
		if got := cfChangeLines(cfApply(t, s.Admin, domain.OperatorID, acClassDoc("40.00", -1))); len(got) != 0 {
			t.Fatalf("second apply = %v, want no change", got)
		}

		_, err := s.Admin.ApplyCatalog(ctx, w.r.ID, []byte(acClassDoc("40.00", 3)), false)
		if e := cfInvalid(t, err); e["/account_classes"].Code != "account_classes_operator" {
			t.Fatalf("reseller's classes = %+v", e)
		}
		_, err = s.Admin.ApplyCatalog(ctx, domain.OperatorID, []byte(
			"account_classes:\n  - {key: postpay, name: Postpay, charging_model: prepay}\n"), false)
		e := cfInvalid(t, err)
		if o := e["/account_classes/0/charging_model"]; o.Code != "account_class_in_use" || !strings.Contains(o.Detail, "1 accounts") {
			t.Fatalf("model change = %+v", e)
		}
		_, err = s.Admin.ApplyCatalog(ctx, domain.OperatorID, []byte(acClassDoc("-1", -2)), false)
		e = cfInvalid(t, err)
		if e["/account_classes/0/subzero_period"].Code != "subzero_period" ||
			e["/account_classes/0/credit_limit"].Code != "invalid_amount" {
			t.Fatalf("bad values = %+v", e)
		}
		// The account takes the new class and its limit.
		acIntoClass(t, s, w)
		if a, err := s.Admin.GetAccount(ctx, w.r.ID, w.prepaid.ID); err != nil || a.CreditLimit != "40.0" {
			t.Fatalf("account = %+v, %v", a, err)
		}
		mustLedgerConsistent(t, s)
	})
}

// TestAccountClassLimitRechecksHolds: lowering a class's credit limit in the
// catalogue puts an account of the class now over it on credit hold (a job), and
// raising it again lifts the hold.
func TestAccountClassLimitRechecksHolds(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		w := odSetup(t, s)
		cfApply(t, s.Admin, domain.OperatorID, acClassDoc("50.00", -1))
		acIntoClass(t, s, w)
		rid, id := w.r.ID, w.prepaid.ID
		crApprove(t, w, "-20.00")
		crWantAccount(t, s.Admin, rid, id, "active")
		cfApply(t, s.Admin, domain.OperatorID, acClassDoc("10.00", -1))
		acWaitAccount(t, s.Admin, rid, id, "credit_hold")
		cfApply(t, s.Admin, domain.OperatorID, acClassDoc("50.00", -1))
		acWaitAccount(t, s.Admin, rid, id, "active")
		mustLedgerConsistent(t, s)
	})
}

// TestSubzeroPeriod: with a subzero period of 3 days, an account below zero within
// its limit stays active, goes on credit hold once it has been below zero for more
// than 3 days (the scheduler, on the test clock), and is active again on a top-up.
func TestSubzeroPeriod(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		w := odSetup(t, s)
		cfApply(t, s.Admin, domain.OperatorID, acClassDoc("50.00", 3))
		acIntoClass(t, s, w)
		rid, id := w.r.ID, w.prepaid.ID
		crApprove(t, w, "-5.00")
		crWantAccount(t, s.Admin, rid, id, "active")
		psAdvance(t, s, tcStart.AddDate(0, 0, 3))
		crWantAccount(t, s.Admin, rid, id, "active")
		psAdvance(t, s, tcStart.AddDate(0, 0, 4))
		crWantAccount(t, s.Admin, rid, id, "credit_hold")
		crTopUp(t, w, id, "5.00")
		crWantAccount(t, s.Admin, rid, id, "active")
		mustLedgerConsistent(t, s)
	})
}

// TestSubzeroPeriodLengthened: an account on credit hold because it stayed below
// zero past its class's subzero period is active again once the catalogue makes
// the period unlimited (the class's job), though no money moved.
func TestSubzeroPeriodLengthened(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		w := odSetup(t, s)
		cfApply(t, s.Admin, domain.OperatorID, acClassDoc("50.00", 3))
		acIntoClass(t, s, w)
		rid, id := w.r.ID, w.prepaid.ID
		crApprove(t, w, "-5.00")
		psAdvance(t, s, tcStart.AddDate(0, 0, 4))
		crWantAccount(t, s.Admin, rid, id, "credit_hold")
		cfApply(t, s.Admin, domain.OperatorID, acClassDoc("50.00", -1))
		acWaitAccount(t, s.Admin, rid, id, "active")
		mustLedgerConsistent(t, s)
	})
}
