package catalogfile

import (
	"slices"
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// classesStored is the stored classes of a new installation, with one account
// of postpay.
func classesStored(operator bool) Stored {
	return Stored{Operator: operator, AccountClasses: map[string]StoredClass{
		"default": {ChargingModel: domain.ChargingModelPrepay, Default: true},
		"prepay":  {ChargingModel: domain.ChargingModelPrepay},
		"postpay": {ChargingModel: domain.ChargingModelPostpay, Accounts: 1},
	}}
}

// TestAccountClassesChecks: the section's values are checked by Parse, and Check
// keeps it to the operator, keeps the charging model of a class in use and one
// default class.
func TestAccountClassesChecks(t *testing.T) {
	cases := []struct {
		name     string
		doc      string
		operator bool
		want     []string
	}{
		{"valid", "account_classes:\n  - {key: tight, name: Tight, charging_model: prepay, credit_limit: 50, subzero_period: 3}\n",
			true, nil},
		{"not the operator", "account_classes:\n  - {key: tight, name: Tight, charging_model: prepay}\n",
			false, []string{"2:3 account_classes account_classes_operator"}},
		{"bad values", "account_classes:\n  - {key: t, name: T, charging_model: later, credit_limit: -1, subzero_period: -2}\n",
			true, []string{"2:39 account_classes[0].charging_model not_in_list", "2:60 account_classes[0].credit_limit invalid_amount",
				"2:80 account_classes[0].subzero_period subzero_period"}},
		{"period too long", "account_classes:\n  - {key: t, name: T, charging_model: prepay, subzero_period: 36501}\n",
			true, []string{"2:63 account_classes[0].subzero_period subzero_period"}},
		{"model in use", "account_classes:\n  - {key: postpay, name: Postpay, charging_model: prepay}\n",
			true, []string{"2:51 account_classes[0].charging_model account_class_in_use"}},
		{"two defaults", "account_classes:\n  - {key: a, name: A, charging_model: prepay, default: true}\n" +
			"  - {key: b, name: B, charging_model: prepay, default: true}\n",
			true, []string{"3:56 account_classes[1].default account_class_default"}},
		{"no default left", "account_classes:\n  - {key: default, name: Default, charging_model: prepay, default: false}\n",
			true, []string{"2:3 account_classes account_class_default"}},
		{"a new default", "account_classes:\n  - {key: prepay, name: Prepay, charging_model: prepay, default: true}\n",
			true, nil},
	}
	for _, c := range cases {
		got := problemsOf(t, c.doc, classesStored(c.operator))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: problems = %q, want %q", c.name, got, c.want)
		}
	}
}
