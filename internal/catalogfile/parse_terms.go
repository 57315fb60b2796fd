package catalogfile

import (
	"errors"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
	"gopkg.in/yaml.v3"
)

// The entries of a catalogue file that set the terms of selling rather than what is
// sold: service terms with their lifecycle settings, and payment methods.

// termKnobs are the fields of a service term's lifecycle settings (domain.TermSettings).
var termKnobs = []string{"autorenew_point", "manual_renew_point", "manual_switch_point", "grace_period",
	"deletion_period", "stop_period", "cancel_unpaid_order_in", "stop_type", "delete_type", "proration"}

func (r *reader) serviceTerm(n *yaml.Node, p path) (ServiceTerm, bool) {
	o := r.object(n, p, append([]string{"key", "name", "billing_day"}, termKnobs...)...)
	if o == nil {
		return ServiceTerm{}, false
	}
	t := ServiceTerm{at: o}
	t.Key = o.key("key")
	t.Name = o.text("name", true, maxName)
	t.BillingDay = int(o.integer("billing_day", false, 1))
	if t.BillingDay < 1 || t.BillingDay > 28 {
		o.fail("billing_day", domain.MsgOutOfRange, 1, 28)
	}
	t.TermSettings = o.termSettings()
	return t, true
}

// termSettings reads the lifecycle settings of a service term, each knob left out
// taking its default, and checks them with the domain's rules, each problem at the
// knob it names.
func (o *object) termSettings() domain.TermSettings {
	s := domain.DefaultTermSettings
	days := []struct {
		field string
		v     *int
	}{
		{"autorenew_point", &s.AutoRenewPoint}, {"manual_renew_point", &s.ManualRenewPoint},
		{"manual_switch_point", &s.ManualSwitchPoint}, {"grace_period", &s.GracePeriod},
		{"deletion_period", &s.DeletionPeriod}, {"stop_period", &s.StopPeriod},
		{"cancel_unpaid_order_in", &s.CancelUnpaidOrderIn},
	}
	// A knob of the wrong type is reported as such and keeps its default, which
	// Validate must not judge in its place.
	failed := map[string]bool{}
	for _, d := range days {
		n, ok := checked(o, func() int64 { return o.integer(d.field, false, int64(*d.v)) })
		failed[d.field] = !ok
		// Far out of range is out of range: clamp before narrowing to int.
		*d.v = int(max(min(n, domain.MaxTermDays+1), -2))
	}
	enum := func(field string, def string) string {
		if !o.has(field) {
			return def
		}
		v, ok := checked(o, func() string { return o.text(field, false, 64) })
		if !ok {
			failed[field] = true
			return def
		}
		return v
	}
	s.StopType = domain.ApprovalType(enum("stop_type", string(s.StopType)))
	s.DeleteType = domain.ApprovalType(enum("delete_type", string(s.DeleteType)))
	s.Proration = domain.ProrationRule(enum("proration", string(s.Proration)))
	var ps domain.Problems
	s.Validate(&ps, "")
	for _, err := range unjoin(ps.Err()) {
		var de *domain.Error
		if !errors.As(err, &de) {
			continue
		}
		if field := strings.TrimPrefix(de.Pointer, "/"); !failed[field] {
			o.fail(field, de.Message, de.Args...)
		}
	}
	return s
}

// unjoin returns the errors errors.Join joined into err; nil for nil.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}

func (r *reader) paymentMethod(n *yaml.Node, p path) (PaymentMethod, bool) {
	o := r.object(n, p, "key", "name")
	if o == nil {
		return PaymentMethod{}, false
	}
	m := PaymentMethod{at: o}
	// Payments name their method by key in API values: lower case, digits and '_'.
	m.Key = o.text("key", true, 1<<20)
	if m.Key != "" && !domain.ValidPaymentMethodKey(m.Key) {
		o.fail("key", domain.MsgPaymentMethodKey)
	}
	m.Name = o.text("name", true, maxName)
	return m, true
}
