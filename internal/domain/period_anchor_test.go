package domain

import "testing"

// anchorFixture is a pay-as-you-go subscription of a monthly plan (or, with rules
// that prolong, of a yearly one paid month by month) bought on start.
func anchorFixture(t *testing.T, start string, p PlanPeriod, bt BillingType) (*Subscription, Tariff) {
	t.Helper()
	s := &Subscription{PlanID: 1, PlanPeriodID: p.ID}
	s.StartDate, s.ExpirationDate, s.PaidTo = ActivePeriod(okDate(t, start), p, bt.Rules())
	return s, Tariff{PlanID: 1, BillingType: bt, Period: p}
}

// TestRenewalsKeepTheAnchorDay: a monthly subscription bought on 31 January renews
// to the end of each month, not to the 28th the first renewal would drift to.
func TestRenewalsKeepTheAnchorDay(t *testing.T) {
	monthly := PlanPeriod{ID: 1, Duration: 1, Unit: UnitMonths}
	s, tariff := anchorFixture(t, "2027-01-31", monthly, BillingPayAsYouGo)
	want := []string{"2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31"}
	if s.ExpirationDate.String() != "2027-02-28" {
		t.Fatalf("first period ends %s", s.ExpirationDate)
	}
	for i, w := range want {
		s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: tariff})
		if s.ExpirationDate.String() != w || s.PaidTo != s.ExpirationDate {
			t.Fatalf("renewal %d: expires %s, paid to %s; want %s", i+1, s.ExpirationDate, s.PaidTo, w)
		}
	}
	// A leap year brings the 29th of February, from the same anchor.
	s, _ = anchorFixture(t, "2027-12-31", monthly, BillingPayAsYouGo)
	s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: tariff})
	if s.ExpirationDate.String() != "2028-02-29" {
		t.Fatalf("31 December + 2 months = %s, want 2028-02-29", s.ExpirationDate)
	}
}

// TestProlongsKeepTheAnchorDay: a yearly subscription paid month by month from 31
// January is paid to each month's end, and its renewal starts the next month on
// the same day.
func TestProlongsKeepTheAnchorDay(t *testing.T) {
	yearly := PlanPeriod{ID: 2, Duration: 1, Unit: UnitYears}
	s, tariff := anchorFixture(t, "2027-01-31", yearly, BillingCSPMonthly)
	want := []string{"2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30"}
	if s.PaidTo.String() != "2027-02-28" {
		t.Fatalf("first month paid to %s", s.PaidTo)
	}
	for i, w := range want {
		s.ApplyOrder(Completion{Order: &Order{Kind: ProlongOrder}, Tariff: tariff})
		if s.PaidTo.String() != w {
			t.Fatalf("prolong %d: paid to %s, want %s", i+1, s.PaidTo, w)
		}
	}
	s.ExpirationDate, s.PaidTo = okDate(t, "2028-01-31"), okDate(t, "2028-01-31")
	s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: tariff})
	if s.ExpirationDate.String() != "2029-01-31" || s.PaidTo.String() != "2028-02-29" {
		t.Fatalf("after renewal: expires %s, paid to %s; want 2029-01-31, 2028-02-29", s.ExpirationDate, s.PaidTo)
	}
	s.ApplyOrder(Completion{Order: &Order{Kind: ProlongOrder}, Tariff: tariff})
	if s.PaidTo.String() != "2028-03-31" {
		t.Fatalf("prolong after renewal: paid to %s, want 2028-03-31", s.PaidTo)
	}
}

// TestRenewalRestartsTheCount: a renewal whose period does not continue the series
// counted from the anchor (a trial's end, another length) starts a new series at the
// old expiration date, and later renewals count from there.
func TestRenewalRestartsTheCount(t *testing.T) {
	trial := PlanPeriod{ID: 3, Duration: 14, Unit: UnitDays, Trial: true}
	monthly := PlanPeriod{ID: 1, Duration: 1, Unit: UnitMonths}
	s, _ := anchorFixture(t, "2027-01-17", trial, BillingPayAsYouGo)
	s.Trial = true
	tariff := Tariff{PlanID: 1, BillingType: BillingPayAsYouGo, Period: monthly}
	s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: tariff})
	if s.ExpirationDate.String() != "2027-02-28" || s.Anchor().String() != "2027-01-31" {
		t.Fatalf("trial renewed to %s, anchor %s; want 2027-02-28 from 2027-01-31", s.ExpirationDate, s.Anchor())
	}
	s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: tariff})
	if s.ExpirationDate.String() != "2027-03-31" {
		t.Fatalf("second renewal to %s, want 2027-03-31", s.ExpirationDate)
	}
	// Three months from 31 January end on 30 April: that continues the series.
	quarter := PlanPeriod{ID: 4, Duration: 3, Unit: UnitMonths}
	s, _ = anchorFixture(t, "2027-01-31", quarter, BillingPayAsYouGo)
	two := Tariff{PlanID: 1, BillingType: BillingPayAsYouGo, Period: PlanPeriod{ID: 5, Duration: 2, Unit: UnitMonths}}
	s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: two}) // 30 April is not 31 January + 2n months
	if s.ExpirationDate.String() != "2027-06-30" || s.Anchor().String() != "2027-04-30" {
		t.Fatalf("two months from 30 April: %s, anchor %s", s.ExpirationDate, s.Anchor())
	}
	for _, w := range []string{"2027-08-30", "2027-10-30", "2027-12-30", "2028-02-29", "2028-04-30"} {
		s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: two})
		if s.ExpirationDate.String() != w {
			t.Fatalf("renewed to %s, want %s", s.ExpirationDate, w)
		}
	}
}

// TestPaidTermFromTheAnchor: the term a change is prorated over starts on the day
// the series puts it, not a month back from its end.
func TestPaidTermFromTheAnchor(t *testing.T) {
	s := &Subscription{StartDate: okDate(t, "2027-01-31"), ExpirationDate: okDate(t, "2027-04-30"),
		PaidTo: okDate(t, "2027-04-30")}
	monthly := PlanPeriod{Duration: 1, Unit: UnitMonths}
	term, err := s.PaidTerm(monthly, BillingPayAsYouGo.Rules(), okDate(t, "2027-04-10"))
	if err != nil || term.Start.String() != "2027-03-31" || term.End.String() != "2027-04-30" {
		t.Fatalf("term = %+v, %v; want 2027-03-31 to 2027-04-30", term, err)
	}
	s.ExpirationDate = okDate(t, "2028-01-31")
	term, err = s.PaidTerm(PlanPeriod{Duration: 1, Unit: UnitYears}, BillingCSPMonthly.Rules(), okDate(t, "2027-04-10"))
	if err != nil || term.Start.String() != "2027-03-31" || term.End.String() != "2027-04-30" {
		t.Fatalf("prolonged term = %+v, %v; want 2027-03-31 to 2027-04-30", term, err)
	}
}

// TestProlongWindowFromTheMonthStart: the month ending 30 April, counted from a 31
// January anchor, begins on 31 March; the next month may be paid, and is ordered by
// the scheduler, from that day, not from 30 March (30 April less a month).
func TestProlongWindowFromTheMonthStart(t *testing.T) {
	yearly := PlanPeriod{ID: 2, Duration: 1, Unit: UnitYears}
	s, _ := anchorFixture(t, "2027-01-31", yearly, BillingCSPMonthly)
	s.PaidTo = okDate(t, "2027-04-30")
	if got := s.PaidMonthStart(); got.String() != "2027-03-31" {
		t.Fatalf("PaidMonthStart = %s, want 2027-03-31", got)
	}
	terms := DefaultTermSettings
	terms.AutoRenewPoint = 45 // earlier than the month's start: the start wins
	if got := s.AutoProlongDay(BillingCSPMonthly.Rules(), terms); got.String() != "2027-03-31" {
		t.Errorf("AutoProlongDay = %s, want 2027-03-31", got)
	}
	in := AbilityInput{Status: SubscriptionStatusActive, Rules: BillingCSPMonthly.Rules(),
		PaymentModel: PaymentModelPrepay, Terms: terms, StartDate: s.StartDate,
		ExpirationDate: s.ExpirationDate, PaidTo: s.PaidTo, PaidMonthStart: s.PaidMonthStart(), Autorenew: true,
		PlanActive: true}
	for day, want := range map[string]bool{"2027-03-30": false, "2027-03-31": true} {
		in.Today = okDate(t, day)
		if got := in.prolongWindowOpen(); got != want {
			t.Errorf("prolong window on %s: %v, want %v", day, got, want)
		}
	}
}
