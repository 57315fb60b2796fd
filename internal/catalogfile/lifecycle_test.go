package catalogfile

import (
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// TestParseBillingType checks that a plan's billing type is one of the closed list,
// the default type when left out, and that any other value is a problem at the field
// whose text names the allowed values.
func TestParseBillingType(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, bt := range domain.BillingTypes {
			f, err := parse(plan("    billing_type: " + string(bt) + "\n" + monthly))
			if err != nil {
				t.Fatalf("%s: %v", bt, err)
			}
			if got := f.Plans[0].BillingType; got != bt {
				t.Errorf("billing type = %q, want %q", got, bt)
			}
		}
	})
	t.Run("Default", func(t *testing.T) {
		f, err := parse(plan(monthly))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Plans[0].BillingType; got != domain.DefaultBillingType {
			t.Errorf("billing type = %q, want the default %q", got, domain.DefaultBillingType)
		}
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		wantProblems(t, plan("    billing_type: monthly\n"+monthly), "8:19 plans[0].billing_type billing_type")
		_, err := parse(plan("    billing_type: monthly\n" + monthly))
		inv := err.(*Invalid)
		const want = "must be one of pay_as_you_go, monthly_commitment, csp_monthly, csp_annual, pay_in_full, non_refund, non_recurring"
		if got := inv.Problems[0].Text(domain.LocaleEN); got != want {
			t.Errorf("text = %q, want %q", got, want)
		}
		if got := inv.Problems[0].Pointer; got != "/plans/0/billing_type" {
			t.Errorf("pointer = %q", got)
		}
	})
	t.Run("ErrWrongType", func(t *testing.T) {
		wantProblems(t, plan("    billing_type: [csp_monthly]\n"+monthly), "8:19 plans[0].billing_type must_be_string")
	})
}

// TestParseTermSettings checks the lifecycle knobs of a service term: defaults for
// what is left out, every knob read, and each problem at the knob it is about.
func TestParseTermSettings(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		f, err := parse("service_terms: [{key: s, name: S}]\n")
		if err != nil {
			t.Fatal(err)
		}
		if got := f.ServiceTerms[0].TermSettings; got != domain.DefaultTermSettings {
			t.Errorf("settings = %+v, want the defaults %+v", got, domain.DefaultTermSettings)
		}
	})
	t.Run("OK", func(t *testing.T) {
		f, err := parse(`service_terms:
  - key: s
    name: S
    billing_day: 15
    autorenew_point: 5
    manual_renew_point: 10
    manual_switch_point: -1
    grace_period: 0
    deletion_period: 14
    stop_period: 60
    cancel_unpaid_order_in: 1
    stop_type: manual
    delete_type: manual
    proration: next_period
`)
		if err != nil {
			t.Fatal(err)
		}
		want := domain.TermSettings{AutoRenewPoint: 5, ManualRenewPoint: 10, ManualSwitchPoint: domain.AlwaysOpen,
			GracePeriod: 0, DeletionPeriod: 14, StopPeriod: 60, CancelUnpaidOrderIn: 1,
			StopType: domain.ApprovalManual, DeleteType: domain.ApprovalManual, Proration: domain.ProrateNextPeriod}
		if got := f.ServiceTerms[0]; got.TermSettings != want || got.BillingDay != 15 {
			t.Errorf("settings = %+v, want %+v", got.TermSettings, want)
		}
	})
	t.Run("ErrValues", func(t *testing.T) {
		wantProblems(t, `service_terms:
  - key: s
    name: S
    autorenew_point: 10
    manual_renew_point: 3
    manual_switch_point: -2
    grace_period: 99999999999
    stop_type: later
    delete_type: true
    proration: halfway
    stop_period: ten
`,
			"5:25 service_terms[0].manual_renew_point manual_renew_below_auto",
			"6:26 service_terms[0].manual_switch_point term_days_range",
			"7:19 service_terms[0].grace_period term_days_range",
			"8:16 service_terms[0].stop_type approval_type",
			"9:18 service_terms[0].delete_type must_be_string",
			"10:16 service_terms[0].proration proration_rule",
			"11:18 service_terms[0].stop_period must_be_integer")
	})
	t.Run("ErrAutoRenewNegative", func(t *testing.T) {
		wantProblems(t, "service_terms: [{key: s, name: S, autorenew_point: -1}]\n",
			"1:52 service_terms[0].autorenew_point term_days_range")
	})
}

// TestParsePaymentMethods checks the payment methods of a file: read in order, keys
// of lower case, digits and '_' only, unique, and names required.
func TestParsePaymentMethods(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f, err := parse("payment_methods:\n  - {key: cash, name: Cash}\n  - {key: bank_transfer_2, name: Bank transfer}\n")
		if err != nil {
			t.Fatal(err)
		}
		if len(f.PaymentMethods) != 2 || f.PaymentMethods[0].Key != "cash" || f.PaymentMethods[1].Name != "Bank transfer" {
			t.Errorf("payment methods = %+v", f.PaymentMethods)
		}
	})
	t.Run("Err", func(t *testing.T) {
		wantProblems(t, `payment_methods:
  - {key: Cash, name: Cash}
  - {key: bank-transfer, name: Bank}
  - {key: card, name: Card}
  - {key: card, name: ""}
  - {name: Nothing}
  - {key: ok, name: Ok, fee: 1}
`,
			"2:11 payment_methods[0].key invalid_payment_method_key",
			"3:11 payment_methods[1].key invalid_payment_method_key",
			"5:11 payment_methods[3].key duplicate",
			"5:23 payment_methods[3].name blank",
			"6:5 payment_methods[4].key required",
			"7:25 payment_methods[5].fee unknown_field")
	})
	t.Run("ErrLimit", func(t *testing.T) {
		lim := DefaultLimits()
		lim.PaymentMethods = 1
		_, err := Parse(t.Context(), []byte("payment_methods: [{key: a, name: A}, {key: b, name: B}]\n"), lim)
		inv, ok := err.(*Invalid)
		if !ok || len(inv.Problems) != 1 || inv.Problems[0].Message != domain.MsgCatalogLimit {
			t.Fatalf("err = %v, want one catalog_limit problem", err)
		}
	})
}
