package domain

import (
	"strings"
	"testing"
)

func okDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSubscriptionOrderInputValidate(t *testing.T) {
	one, bad := int64(1), "later"
	for _, tc := range []struct {
		name string
		in   SubscriptionOrderInput
		want []string // pointers
	}{
		{"change OK", SubscriptionOrderInput{Kind: ChangeOrder, SubscriptionID: &one}, nil},
		{"prolong OK, promo code at the limit", SubscriptionOrderInput{Kind: ProlongOrder, SubscriptionID: &one,
			PromoCode: strings.Repeat("p", MaxPromoCode)}, nil},
		{"ErrPromoCodeTooLong", SubscriptionOrderInput{Kind: ProlongOrder, SubscriptionID: &one,
			PromoCode: strings.Repeat("p", MaxPromoCode+1)}, []string{PtrOrderPromoCode}},
		{"ErrSubscriptionRequired", SubscriptionOrderInput{Kind: ProlongOrder}, []string{PtrOrderSubscription}},
		{"ErrRenewalPeriod", SubscriptionOrderInput{Kind: RenewalOrder, SubscriptionID: &one}, []string{PtrPlanPeriod}},
		{"ErrSwitchFields", SubscriptionOrderInput{Kind: SwitchOrder, SubscriptionID: &one, SwitchType: &bad},
			[]string{PtrOrderPlan, PtrPlanPeriod, PtrOrderSwitchType}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.Validate()
			for _, ptr := range tc.want {
				if !hasPointer(err, ptr) {
					t.Errorf("err = %v, want a problem at %s", err, ptr)
				}
			}
			if len(tc.want) == 0 && err != nil {
				t.Errorf("err = %v, want none", err)
			}
		})
	}
}

func TestCheckSwitch(t *testing.T) {
	today := okDate(t, "2027-03-10")
	target := &Plan{ID: 2, Status: PlanActive}
	switches := []PlanSwitch{{PlanID: 1, TargetID: 2, Type: SwitchDelayed}}
	commit := BillingMonthlyCommitment.Rules()
	sub := &Subscription{PlanID: 1, ExpirationDate: okDate(t, "2027-04-10"), PaidTo: okDate(t, "2027-04-10")}
	if d, err := sub.CheckSwitch(target, switches, SwitchDelayed, commit, today); err != nil || d != sub.ExpirationDate {
		t.Errorf("delayed switch = %v, %v; want the expiration date", d, err)
	}
	if _, err := sub.CheckSwitch(target, switches, SwitchImmediate, commit, today); CodeOf(err) != ErrInvalid {
		t.Errorf("switch of an undeclared type: %v", err)
	}
	if _, err := sub.CheckSwitch(target, switches, SwitchDelayed, BillingPayAsYouGo.Rules(), today); !hasPointer(err, PtrOrderSwitchType) {
		t.Errorf("delayed switch without DelayedSwitch: %v", err)
	}
	sub.PaidTo = okDate(t, "2027-03-20")
	if _, err := sub.CheckSwitch(target, switches, SwitchDelayed, commit, today); !hasPointer(err, PtrOrderSwitchType) {
		t.Errorf("delayed switch before paid to expiration: %v", err)
	}
	if _, err := sub.CheckSwitch(&Plan{ID: 2, Status: "inactive"}, switches, SwitchDelayed, commit, today); !hasPointer(err, PtrOrderPlan) {
		t.Errorf("switch to an inactive plan: %v", err)
	}
}

func TestApplyOrder(t *testing.T) {
	seat := PlanResource{ID: 7, Included: 1, Minimum: 1, Limit: 50}
	plan := &Plan{ID: 1, Name: "Basic", BillingType: BillingMonthlyCommitment}
	year := PlanPeriod{ID: 3, Duration: 1, Unit: UnitYears}
	tariff := Tariff{PlanID: 1, BillingType: BillingMonthlyCommitment, Period: year, Resources: []PlanResource{seat}}
	fresh := func() *Subscription {
		return &Subscription{PlanID: 1, PlanPeriodID: 3, StartDate: okDate(t, "2027-01-31"),
			ExpirationDate: okDate(t, "2028-01-31"), PaidTo: okDate(t, "2027-12-31"),
			Resources: []SubscriptionResource{{ID: 11, PlanResourceID: 7, Included: 1, Additional: 2}}}
	}
	t.Run("prolong stops at the expiration date", func(t *testing.T) {
		s := fresh()
		s.ApplyOrder(Completion{Order: &Order{Kind: ProlongOrder, Lines: []OrderLine{{PlanResourceID: 7, Quantity: 5}}},
			Tariff: tariff, Plan: plan})
		if s.PaidTo != s.ExpirationDate || s.Resources[0].Quantity() != 5 || s.Resources[0].ID != 11 {
			t.Errorf("after prolong: paid to %s, resources %+v", s.PaidTo, s.Resources)
		}
	})
	t.Run("renewal moves from the expiration date", func(t *testing.T) {
		s := fresh()
		s.ApplyOrder(Completion{Order: &Order{Kind: RenewalOrder}, Tariff: tariff, Plan: plan})
		if s.ExpirationDate.String() != "2029-01-31" || s.PaidTo.String() != "2028-02-29" || s.Resources[0].Quantity() != 3 {
			t.Errorf("after renewal: expiration %s, paid to %s, resources %+v", s.ExpirationDate, s.PaidTo, s.Resources)
		}
	})
	t.Run("change sets additional quantities", func(t *testing.T) {
		s := fresh()
		s.ApplyOrder(Completion{Order: &Order{Kind: ChangeOrder, Lines: []OrderLine{{SubscriptionResourceID: 11, Quantity: 9}}},
			Tariff: tariff, Plan: plan})
		if s.Resources[0].Additional != 9 {
			t.Errorf("after change: %+v", s.Resources)
		}
	})
	t.Run("switch takes the target's plan and resources", func(t *testing.T) {
		s := fresh()
		pro := &Plan{ID: 2, Name: "Pro"}
		user := PlanResource{ID: 8, Included: 2}
		to := Tariff{PlanID: 2, BillingType: BillingMonthlyCommitment, Period: PlanPeriod{ID: 4, Duration: 1, Unit: UnitMonths},
			Resources: []PlanResource{user}}
		s.ApplyOrder(Completion{Order: &Order{Kind: SwitchOrder, Lines: []OrderLine{{PlanResourceID: 8, Quantity: 6}}},
			Tariff: to, Plan: pro})
		if s.PlanID != 2 || s.PlanPeriodID != 4 || s.Name != "Pro" || len(s.Resources) != 1 ||
			s.Resources[0].PlanResourceID != 8 || s.Resources[0].Additional != 4 || s.ExpirationDate.String() != "2028-01-31" {
			t.Errorf("after switch: %+v", s)
		}
	})
}

func TestPaidTerm(t *testing.T) {
	s := &Subscription{StartDate: okDate(t, "2027-01-31"), ExpirationDate: okDate(t, "2028-01-31"), PaidTo: okDate(t, "2027-03-31")}
	year := PlanPeriod{Duration: 1, Unit: UnitYears}
	term, err := s.PaidTerm(year, BillingMonthlyCommitment.Rules(), okDate(t, "2027-03-10"))
	if err != nil || term.Start.String() != "2027-02-28" || term.End.String() != "2027-03-31" {
		t.Errorf("prolonged term = %+v, %v", term, err)
	}
	term, err = s.PaidTerm(year, BillingPayAsYouGo.Rules(), okDate(t, "2027-03-10"))
	if err != nil || term.Start.String() != "2027-01-31" || term.End.String() != "2028-01-31" || term.Months != WholeMonths(12) {
		t.Errorf("period term = %+v, %v", term, err)
	}
}

// hasPointer reports whether err carries a field error at ptr.
func hasPointer(err error, ptr string) bool {
	for _, e := range Errors(err) {
		if e.Pointer == ptr {
			return true
		}
	}
	return false
}
