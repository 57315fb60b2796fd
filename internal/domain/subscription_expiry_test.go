package domain

import "testing"

func TestPeriodEnded(t *testing.T) {
	end := Date{2027, 3, 1}
	cases := []struct {
		name   string
		status SubscriptionStatus
		exp    Date
		today  Date
		want   bool
	}{
		{"the day before", SubscriptionStatusActive, end, Date{2027, 2, 28}, false},
		{"on the expiration date", SubscriptionStatusActive, end, end, true},
		{"after it", SubscriptionStatusActive, end, Date{2027, 3, 9}, true},
		{"endless", SubscriptionStatusActive, Date{}, Date{2099, 1, 1}, false},
		{"delivered", SubscriptionStatusDelivered, end, end, false},
		{"graced already", SubscriptionStatusGraced, end, end, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Subscription{Status: c.status, ExpirationDate: c.exp}
			if got := s.PeriodEnded(c.today); got != c.want {
				t.Fatalf("PeriodEnded(%s) = %v, want %v", c.today, got, c.want)
			}
		})
	}
}

func TestLapseOf(t *testing.T) {
	end := Date{2027, 3, 1}
	manual := DefaultTermSettings
	manual.StopType = ApprovalManual
	noGrace := DefaultTermSettings
	noGrace.GracePeriod = 0
	cases := []struct {
		name      string
		autorenew bool
		terms     TermSettings
		want      SubscriptionEvent
		graceEnds Date
	}{
		{"auto-renewing: graced", true, DefaultTermSettings, SubscriptionEvent{Kind: SubscriptionEventGrace}, Date{2027, 3, 8}},
		{"auto-renew off: stopped", false, DefaultTermSettings, ProvisionStart(ProvisionOpStop), Date{}},
		{"no grace: stopped", true, noGrace, ProvisionStart(ProvisionOpStop), Date{}},
		{"manual stop: awaits approval", false, manual, SubscriptionEvent{SubscriptionEventAwaitApproval, ProvisionOpStop}, Date{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := LapseOf(&Subscription{Autorenew: c.autorenew, ExpirationDate: end}, c.terms)
			if got.Event != c.want || got.GraceEndsOn != c.graceEnds {
				t.Fatalf("LapseOf = %+v, want %s until %s", got, c.want, c.graceEnds)
			}
		})
	}
	if got := DeletionDay(end, DefaultTermSettings); got != (Date{2027, 3, 31}) {
		t.Fatalf("DeletionDay = %s, want 2027-03-31", got)
	}
}

func TestEndsWaitingOrders(t *testing.T) {
	manual := DefaultTermSettings
	manual.StopType, manual.DeleteType = ApprovalManual, ApprovalManual
	for _, terms := range []TermSettings{DefaultTermSettings, manual} {
		for _, op := range []ProvisionOp{ProvisionOpStop, ProvisionOpDelete} {
			if ev := ProvisionRequest(op, terms); !ev.EndsWaitingOrders() {
				t.Errorf("%s does not end the waiting orders", ev)
			}
		}
	}
	for _, ev := range []SubscriptionEvent{{Kind: SubscriptionEventGrace}, ProvisionStart(ProvisionOpRenew),
		ProvisionStart(ProvisionOpActivate), ProvisionDone(ProvisionOpStop), {Kind: SubscriptionEventDecline}} {
		if ev.EndsWaitingOrders() {
			t.Errorf("%s ends the waiting orders", ev)
		}
	}
}

func TestPaidMonthEnded(t *testing.T) {
	csp := BillingCSPMonthly.Rules()
	base := Subscription{Status: SubscriptionStatusActive, StartDate: okDate(t, "2027-01-31"),
		ExpirationDate: okDate(t, "2028-01-31"), PaidTo: okDate(t, "2027-02-28")}
	cases := []struct {
		name  string
		edit  func(s *Subscription)
		rules BillingRules
		today string
		want  bool
	}{
		{"the day before paid-to", nil, csp, "2027-02-27", false},
		{"on paid-to", nil, csp, "2027-02-28", true},
		{"after paid-to", nil, csp, "2027-03-05", true},
		{"no prolong orders", nil, BillingPayAsYouGo.Rules(), "2027-03-05", false},
		{"paid to the expiration date", func(s *Subscription) { s.PaidTo = s.ExpirationDate }, csp, "2028-01-31", false},
		{"stopped", func(s *Subscription) { s.Status = SubscriptionStatusStopped }, csp, "2027-03-05", false},
		{"graced", func(s *Subscription) { s.Status = SubscriptionStatusGraced }, csp, "2027-03-05", false},
		{"trial", func(s *Subscription) { s.Trial = true }, csp, "2027-03-05", false},
		{"endless", func(s *Subscription) { s.ExpirationDate = Date{} }, csp, "2027-03-05", false},
	}
	for _, c := range cases {
		s := base
		if c.edit != nil {
			c.edit(&s)
		}
		if got := s.PaidMonthEnded(c.rules, okDate(t, c.today)); got != c.want {
			t.Errorf("%s: PaidMonthEnded = %v, want %v", c.name, got, c.want)
		}
	}
}
