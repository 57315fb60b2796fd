package domain

import (
	"encoding/json"
	"reflect"
	"testing"
)

// baseAbility is an active postpaid subscription in the middle of a one-year period,
// started long enough ago that its deletion window has closed, with every window open.
func baseAbility(t *testing.T, bt BillingType) AbilityInput {
	t.Helper()
	return AbilityInput{
		Status: SubscriptionStatusActive, Rules: bt.Rules(), PaymentModel: PaymentModelPostpay,
		Terms: DefaultTermSettings, Today: mustDate(t, "2027-03-15"), StartDate: mustDate(t, "2027-01-10"),
		ExpirationDate: mustDate(t, "2028-01-10"), PaidTo: mustDate(t, "2027-04-10"),
		Autorenew: true, PlanActive: true, SwitchTargets: true,
	}
}

// abilityOf builds an Ability from the keys that are true.
func abilityOf(keys ...AbilityKey) Ability {
	var a Ability
	v := reflect.ValueOf(&a).Elem()
	for _, k := range keys {
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).Tag.Get("json") == string(k) {
				v.Field(i).SetBool(true)
			}
		}
	}
	return a
}

func TestAbilityJSONKeysAndAllows(t *testing.T) {
	b, err := json.Marshal(abilityOf(AbilityKeys...))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]bool
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 11 || len(AbilityKeys) != 11 {
		t.Fatalf("ability has %d keys, AbilityKeys %d; want the documented 11", len(got), len(AbilityKeys))
	}
	for _, k := range AbilityKeys {
		if !got[string(k)] {
			t.Errorf("JSON lacks %q", k)
		}
		one := abilityOf(k)
		for _, other := range AbilityKeys {
			if one.Allows(other) != (other == k) {
				t.Errorf("ability with only %s: Allows(%s)=%v", k, other, one.Allows(other))
			}
		}
		if one.Check(k) != nil || !isForbidden(Ability{}.Check(k)) {
			t.Errorf("Check(%s) does not follow Allows", k)
		}
	}
	if abilityOf(AbilityKeys...).Allows("pause") {
		t.Error("an unknown key is allowed")
	}
}

func TestAbilityNothingWhileBusyFailedGoneOrWaiting(t *testing.T) {
	for _, s := range SubscriptionStatuses {
		open := s == SubscriptionStatusActive || s == SubscriptionStatusDelivered || s == SubscriptionStatusGraced ||
			s == SubscriptionStatusStopped || s == SubscriptionStatusBlocked
		for _, bt := range BillingTypes {
			in := baseAbility(t, bt)
			in.Status, in.StartDate = s, in.Today // the deletion window is open
			got := SubscriptionAbility(in)
			if !open && got != (Ability{}) {
				t.Errorf("%s %s: %+v, want nothing allowed", bt, s, got)
			}
			if open && got == (Ability{}) && bt != BillingNonRecurring {
				t.Errorf("%s %s: nothing allowed", bt, s)
			}
		}
	}
}

func TestAbilityByBillingType(t *testing.T) {
	common := []AbilityKey{AbilityStop, AbilityAdjust, AbilityChangeAutoRenewOption}
	cases := []struct {
		bt   BillingType
		more []AbilityKey
	}{
		{BillingPayAsYouGo, []AbilityKey{AbilitySwitchPlan, AbilityRenew, AbilityDecreaseResourcesChangeOrder}},
		{BillingMonthlyCommitment, []AbilityKey{AbilitySwitchPlan, AbilityRenew, AbilityProlong, AbilityDecreaseResourcesProlongOrder}},
		{BillingCSPMonthly, []AbilityKey{AbilitySwitchPlan, AbilityRenew, AbilityProlong, AbilityDecreaseResourcesProlongOrder}},
		{BillingCSPAnnual, []AbilityKey{AbilitySwitchPlan, AbilityRenew}},
		{BillingPayInFull, []AbilityKey{AbilitySwitchPlan, AbilityRenew, AbilityDecreaseResourcesChangeOrder}},
		// Renewed only from the expiration date on, never switched, never decreased.
		{BillingNonRefund, nil},
	}
	for _, c := range cases {
		got := SubscriptionAbility(baseAbility(t, c.bt))
		if want := abilityOf(append(common, c.more...)...); got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.bt, got, want)
		}
	}
	// A non-recurring subscription is delivered: it can only be deleted, in its window.
	in := baseAbility(t, BillingNonRecurring)
	in.Status = SubscriptionStatusDelivered
	if got := SubscriptionAbility(in); got != (Ability{}) {
		t.Errorf("non_recurring delivered after its deletion window: %+v", got)
	}
	in.StartDate = in.Today
	if got := SubscriptionAbility(in); got != abilityOf(AbilityDestroy) {
		t.Errorf("non_recurring delivered today: %+v, want destroy only", got)
	}
}

func TestAbilityByStatus(t *testing.T) {
	cases := []struct {
		status     SubscriptionStatus
		creditHold bool
		model      PaymentModel
		want       []AbilityKey
	}{
		{SubscriptionStatusGraced, false, PaymentModelPostpay, []AbilityKey{AbilityStop, AbilityRenew, AbilityChangeAutoRenewOption}},
		{SubscriptionStatusBlocked, false, PaymentModelPostpay, []AbilityKey{AbilityChangeAutoRenewOption}},
		{SubscriptionStatusStopped, false, PaymentModelPrepay, []AbilityKey{AbilityActivate, AbilityDestroy, AbilityRenew,
			AbilityProlong, AbilityDecreaseResourcesProlongOrder, AbilityChangeAutoRenewOption}},
		{SubscriptionStatusStopped, true, PaymentModelPrepay, []AbilityKey{AbilityDestroy, AbilityRenew,
			AbilityProlong, AbilityDecreaseResourcesProlongOrder, AbilityChangeAutoRenewOption}},
		{SubscriptionStatusStopped, true, PaymentModelPostpay, []AbilityKey{AbilityActivate, AbilityDestroy, AbilityRenew,
			AbilityProlong, AbilityDecreaseResourcesProlongOrder, AbilityChangeAutoRenewOption}},
	}
	for _, c := range cases {
		in := baseAbility(t, BillingCSPMonthly)
		in.Status, in.CreditHold, in.PaymentModel = c.status, c.creditHold, c.model
		if got, want := SubscriptionAbility(in), abilityOf(c.want...); got != want {
			t.Errorf("%s (credit hold %v, %s):\n got %+v\nwant %+v", c.status, c.creditHold, c.model, got, want)
		}
	}
}

// TestAbilityWindowEdges checks every day-counted window the day before it opens (or
// closes), on that day, and the day after.
func TestAbilityWindowEdges(t *testing.T) {
	cases := []struct {
		name  string
		bt    BillingType
		setup func(*AbilityInput)
		key   AbilityKey
		days  [3]string // the day before, the day of, the day after the edge
		want  [3]bool
	}{
		{"RenewPoint10", BillingPayAsYouGo, func(in *AbilityInput) {
			in.Terms.ManualRenewPoint, in.ExpirationDate = 10, mustDate(t, "2027-06-20")
		}, AbilityRenew, [3]string{"2027-06-09", "2027-06-10", "2027-06-11"}, [3]bool{false, true, true}},
		{"RenewPoint0", BillingPayAsYouGo, func(in *AbilityInput) {
			in.Terms.ManualRenewPoint, in.ExpirationDate = 0, mustDate(t, "2027-06-20")
		}, AbilityRenew, [3]string{"2027-06-19", "2027-06-20", "2027-06-21"}, [3]bool{false, true, true}},
		{"NonRefundRenewsFromExpiration", BillingNonRefund, func(in *AbilityInput) {
			in.ExpirationDate = mustDate(t, "2027-06-20")
		}, AbilityRenew, [3]string{"2027-06-19", "2027-06-20", "2027-06-21"}, [3]bool{false, true, true}},
		{"SwitchPoint5", BillingCSPAnnual, func(in *AbilityInput) {
			in.Terms.ManualSwitchPoint, in.ExpirationDate = 5, mustDate(t, "2027-06-20")
		}, AbilitySwitchPlan, [3]string{"2027-06-14", "2027-06-15", "2027-06-16"}, [3]bool{false, true, true}},
		{"DeletionPeriod30", BillingPayAsYouGo, func(in *AbilityInput) {
			in.Terms.DeletionPeriod, in.StartDate = 30, mustDate(t, "2027-01-10")
		}, AbilityDestroy, [3]string{"2027-02-08", "2027-02-09", "2027-02-10"}, [3]bool{true, false, false}},
		{"DeletionPeriod0", BillingPayAsYouGo, func(in *AbilityInput) {
			in.Terms.DeletionPeriod, in.StartDate = 0, mustDate(t, "2027-01-10")
		}, AbilityDestroy, [3]string{"2027-01-10", "2027-01-11", "2027-01-12"}, [3]bool{false, false, false}},
		{"ProlongOneMonthBeforePaidTo", BillingCSPMonthly, func(in *AbilityInput) {
			in.PaidTo = mustDate(t, "2027-04-10")
		}, AbilityProlong, [3]string{"2027-03-09", "2027-03-10", "2027-03-11"}, [3]bool{false, true, true}},
		{"ProlongClampsToMonthEnd", BillingMonthlyCommitment, func(in *AbilityInput) {
			in.PaidTo = mustDate(t, "2027-03-31")
		}, AbilityProlong, [3]string{"2027-02-27", "2027-02-28", "2027-03-01"}, [3]bool{false, true, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, day := range c.days {
				in := baseAbility(t, c.bt)
				c.setup(&in)
				in.Today = mustDate(t, day)
				if got := SubscriptionAbility(in).Allows(c.key); got != c.want[i] {
					t.Errorf("%s on %s = %v, want %v", c.key, day, got, c.want[i])
				}
			}
		})
	}
}

func TestAbilityRules(t *testing.T) {
	cases := []struct {
		name   string
		bt     BillingType
		change func(*AbilityInput)
		key    AbilityKey
		want   bool
	}{
		{"TrialNoAdjust", BillingPayAsYouGo, func(in *AbilityInput) { in.Trial = true }, AbilityAdjust, false},
		{"TrialNoDecrease", BillingPayAsYouGo, func(in *AbilityInput) { in.Trial = true }, AbilityDecreaseResourcesChangeOrder, false},
		{"TrialNoProlong", BillingCSPMonthly, func(in *AbilityInput) { in.Trial = true }, AbilityProlong, false},
		{"TrialRenewsOutsideWindow", BillingPayAsYouGo, func(in *AbilityInput) { in.Trial, in.Terms.ManualRenewPoint = true, 3 }, AbilityRenew, true},
		{"TrialSwitchesOutsideWindow", BillingPayAsYouGo, func(in *AbilityInput) { in.Trial, in.Terms.ManualSwitchPoint = true, 3 }, AbilitySwitchPlan, true},
		{"OutsideRenewWindow", BillingPayAsYouGo, func(in *AbilityInput) { in.Terms.ManualRenewPoint = 3 }, AbilityRenew, false},
		{"EndlessNoRenew", BillingPayAsYouGo, func(in *AbilityInput) { in.Endless, in.ExpirationDate = true, Date{} }, AbilityRenew, false},
		{"EndlessNoAutoRenewOption", BillingPayAsYouGo, func(in *AbilityInput) { in.Endless, in.ExpirationDate = true, Date{} }, AbilityChangeAutoRenewOption, false},
		{"EndlessSwitchAlwaysOpen", BillingPayAsYouGo, func(in *AbilityInput) { in.Endless, in.ExpirationDate = true, Date{} }, AbilitySwitchPlan, true},
		{"EndlessSwitchPoint", BillingPayAsYouGo, func(in *AbilityInput) {
			in.Endless, in.ExpirationDate, in.Terms.ManualSwitchPoint = true, Date{}, 5
		}, AbilitySwitchPlan, false},
		{"EndlessCSPMonthlySwitches", BillingCSPMonthly, func(in *AbilityInput) { in.Endless, in.ExpirationDate = true, Date{} }, AbilitySwitchPlan, true},
		{"EndlessMonthlyCommitmentNeverSwitches", BillingMonthlyCommitment, func(in *AbilityInput) { in.Endless, in.ExpirationDate = true, Date{} }, AbilitySwitchPlan, false},
		{"EndlessProlongs", BillingCSPMonthly, func(in *AbilityInput) { in.Endless, in.ExpirationDate = true, Date{} }, AbilityProlong, true},
		{"ProlongedToExpiration", BillingCSPMonthly, func(in *AbilityInput) { in.PaidTo = in.ExpirationDate }, AbilityProlong, false},
		{"ProlongWithoutPaidTo", BillingCSPMonthly, func(in *AbilityInput) { in.PaidTo = Date{} }, AbilityProlong, false},
		{"DisableAutorenew", BillingPayAsYouGo, func(in *AbilityInput) { in.DisableAutorenew = true }, AbilityChangeAutoRenewOption, false},
		{"AutorenewOffStillToggles", BillingPayAsYouGo, func(in *AbilityInput) { in.Autorenew = false }, AbilityChangeAutoRenewOption, true},
		{"PlanInactiveNoRenew", BillingPayAsYouGo, func(in *AbilityInput) { in.PlanActive = false }, AbilityRenew, false},
		{"PlanInactiveSwitchesAway", BillingPayAsYouGo, func(in *AbilityInput) { in.PlanActive = false }, AbilitySwitchPlan, true},
		{"NoSwitchTargets", BillingPayAsYouGo, func(in *AbilityInput) { in.SwitchTargets = false }, AbilitySwitchPlan, false},
		{"InFlightNoAdjust", BillingPayAsYouGo, pending(ChangeOrder, OrderStatusWaitingForPayment), AbilityAdjust, false},
		{"InFlightNoSwitch", BillingPayAsYouGo, pending(ChangeOrder, OrderStatusProvisioning), AbilitySwitchPlan, false},
		{"InFlightNoRenew", BillingPayAsYouGo, pending(SwitchOrder, OrderStatusProvisioningFailed), AbilityRenew, false},
		{"InFlightNoProlong", BillingCSPMonthly, pending(RenewalOrder, OrderStatusWaitingForProvisioning), AbilityProlong, false},
		{"InFlightStillStops", BillingPayAsYouGo, pending(RenewalOrder, OrderStatusWaitingForPayment), AbilityStop, true},
		{"ClosedOrderFrees", BillingPayAsYouGo, pending(ChangeOrder, OrderStatusCompleted), AbilityAdjust, true},
		{"DelayedRenewalQuantities", BillingMonthlyCommitment, pending(RenewalOrder, OrderStatusWaitingForProvisioning), AbilityChangeResourcesRenewalOrder, true},
		{"UnpaidRenewalQuantities", BillingMonthlyCommitment, pending(RenewalOrder, OrderStatusWaitingForPayment), AbilityChangeResourcesRenewalOrder, false},
		{"PayAsYouGoRenewalNotDelayed", BillingPayAsYouGo, pending(RenewalOrder, OrderStatusWaitingForProvisioning), AbilityChangeResourcesRenewalOrder, false},
		{"NoRenewalNoQuantities", BillingCSPAnnual, func(*AbilityInput) {}, AbilityChangeResourcesRenewalOrder, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := baseAbility(t, c.bt)
			c.change(&in)
			if got := SubscriptionAbility(in).Allows(c.key); got != c.want {
				t.Fatalf("%s=%v, want %v", c.key, got, c.want)
			}
		})
	}
}

func pending(kind OrderKind, status OrderStatus) func(*AbilityInput) {
	return func(in *AbilityInput) { in.Pending = PendingOrder{Kind: kind, Status: status} }
}
