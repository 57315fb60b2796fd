package domain

import (
	"strings"
	"testing"
)

func TestSalesOrderInputValidate(t *testing.T) {
	one, model, bad := int64(1), "prepay", "later"
	t.Run("OK", func(t *testing.T) {
		day := "2026-03-10"
		r, err := SalesOrderInput{AccountID: &one, PlanID: &one, PlanPeriodID: &one, PaymentModel: &model,
			ProvisioningDate: &day}.Validate()
		if err != nil || r.PaymentModel != PaymentModelPrepay || r.ProvisioningDate.String() != day || !r.CreditLimitUseSystem {
			t.Fatalf("Validate() = %+v, %v", r, err)
		}
	})
	t.Run("ErrEveryField", func(t *testing.T) {
		limit, day := "-1", "10.03.2026"
		_, err := SalesOrderInput{PaymentModel: &bad, CreditLimit: &limit, ProvisioningDate: &day,
			PromoCode: strings.Repeat("p", MaxPromoCode+1)}.Validate()
		want := map[string]bool{PtrSalesAccount: true, PtrSalesPlan: true, PtrPlanPeriod: true,
			PtrSalesPaymentModel: true, PtrSalesCreditLimit: true, PtrSalesProvisioningDate: true, PtrOrderPromoCode: true}
		for _, e := range Errors(err) {
			delete(want, e.Pointer)
		}
		if len(want) != 0 {
			t.Fatalf("Validate() = %v, missing pointers %v", err, want)
		}
	})
}

func TestSalesProvisioningDateWindow(t *testing.T) {
	today := Date{Year: 2026, Month: 1, Day: 31}
	for _, tc := range []struct {
		day Date
		ok  bool
	}{
		{Date{}, true}, {today, true}, {today.AddDays(SalesDelayDays), true},
		{today.AddDays(-1), false}, {today.AddDays(SalesDelayDays + 1), false},
	} {
		err := SalesOrderRequest{ProvisioningDate: tc.day}.CheckProvisioningDate(today)
		if (err == nil) != tc.ok {
			t.Errorf("provisioning date %v on %v: err %v, want ok=%v", tc.day, today, err, tc.ok)
		}
	}
}

func TestAccountClassPaymentModel(t *testing.T) {
	for _, tc := range []struct {
		class ChargingModel
		pay   PaymentModel
		ok    bool
	}{
		{ChargingModelPrepay, PaymentModelPrepay, true}, {ChargingModelPrepay, PaymentModelPostpay, false},
		{ChargingModelPostpay, PaymentModelPostpay, true}, {ChargingModelPostpay, PaymentModelPrepay, false},
	} {
		err := AccountClass{ChargingModel: tc.class}.CheckPaymentModel(tc.pay)
		if (err == nil) != tc.ok {
			t.Errorf("class %s, payment model %s: err %v, want ok=%v", tc.class, tc.pay, err, tc.ok)
		}
	}
}

func TestActivePeriod(t *testing.T) {
	today := Date{Year: 2026, Month: 1, Day: 31}
	start, end, paid := ActivePeriod(today, PlanPeriod{Duration: 1, Unit: UnitYears}, BillingCSPMonthly.Rules())
	if start != today || end.String() != "2027-01-31" || paid.String() != "2026-02-28" {
		t.Errorf("csp_monthly for a year from %v: %v %v %v", today, start, end, paid)
	}
	_, end, paid = ActivePeriod(today, PlanPeriod{Duration: 1, Unit: UnitMonths}, BillingPayAsYouGo.Rules())
	if end.String() != "2026-02-28" || paid != end {
		t.Errorf("pay_as_you_go for a month from %v: ends %v paid to %v", today, end, paid)
	}
	if _, end, _ = ActivePeriod(today, PlanPeriod{Unit: UnitEndless}, BillingPayAsYouGo.Rules()); !end.IsZero() {
		t.Errorf("endless period ends %v", end)
	}
}
