package catalogfile

import "testing"

func TestChangeString(t *testing.T) {
	for _, c := range []struct {
		ch   Change
		want string
	}{
		{Change{Action: Create, Kind: KindPlan, Key: "mail-basic"}, "+ plan mail-basic"},
		{Change{Action: Update, Kind: KindPlan, Key: "mail-basic", Fields: []FieldChange{{Name: "name"}, {Name: "status"}}},
			"~ plan mail-basic: name, status"},
		{Change{Action: Update, Kind: KindPeriod, Key: "1m", Plan: "mail-basic",
			Fields: []FieldChange{{Name: "recurring_fee", Old: "10.0", New: "12.0", Fee: &FeeChange{Old: 10_000_000, New: 12_000_000}}}},
			"~ period mail-basic/1m: recurring_fee 10.0 -> 12.0"},
		{Change{Action: Delete, Kind: KindResource, Key: "archive", Plan: "mail-basic"}, "- resource mail-basic/archive"},
		{Change{Action: Create, Kind: KindSwitch, Key: "mail-pro", Plan: "mail-basic", SwitchType: "delayed_switch"},
			"+ switch mail-basic -> mail-pro (delayed_switch)"},
		{Change{Action: Deactivate, Kind: KindDelegation, Key: "mail-basic", ResellerID: 7, Fields: []FieldChange{{Name: "status"}}},
			"- delegation mail-basic -> reseller 7 (deactivated by provider): status"},
	} {
		if got := c.ch.String(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.ch, got, c.want)
		}
	}
	r := &Result{}
	if r.Changed() {
		t.Error("an empty result changed")
	}
}
