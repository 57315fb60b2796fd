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
