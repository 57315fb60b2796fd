package domain

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The state tables of docs/lifecycle.md are rendered from the code: each sits between
// "<!-- table:NAME -->" and "<!-- end -->", and TestLifecycleDocTables fails, printing
// the table the code gives, when the document says something else.

func code(s any) string { return fmt.Sprintf("`%v`", s) }

func row(cells ...string) string { return "| " + strings.Join(cells, " | ") + " |\n" }

func header(cells ...string) string {
	seps := make([]string, len(cells))
	for i := range seps {
		seps[i] = "---"
	}
	return row(cells...) + row(seps...)
}

// orderTable is statuses × events. A change order is used, so supersede shows what it
// does to the kinds it applies to.
func orderTable() string {
	cols := []string{"status"}
	for _, ev := range OrderEvents {
		cols = append(cols, code(ev))
	}
	var b strings.Builder
	b.WriteString(header(cols...))
	for _, s := range OrderStatuses {
		cells := []string{code(s)}
		for _, ev := range OrderEvents {
			now, errNow := NextOrderStatus(OrderState{Status: s, Kind: ChangeOrder}, ev)
			later, errLater := NextOrderStatus(OrderState{Status: s, Kind: ChangeOrder, Delayed: true}, ev)
			switch {
			case errNow != nil && errLater != nil:
				cells = append(cells, "—")
			case errNow == nil && errLater == nil && now == later:
				cells = append(cells, code(now))
			case errNow == nil && errLater == nil:
				cells = append(cells, code(now)+"; delayed: "+code(later))
			case errNow == nil:
				cells = append(cells, code(now)+" (on or after the date)")
			default:
				cells = append(cells, code(later)+" (before the date)")
			}
		}
		b.WriteString(row(cells...))
	}
	return b.String()
}

// subscriptionTable lists, per event, where each status goes; statuses that go to the
// same place share a row. Several states are tried so that the outcomes that depend on
// the billing type, the payment model or what was remembered all show.
func subscriptionTable() string {
	states := []SubscriptionState{
		{PaymentModel: PaymentModelPostpay, Rules: BillingPayAsYouGo.Rules()},
		{PaymentModel: PaymentModelPrepay, Rules: BillingNonRecurring.Rules()},
		{PaymentModel: PaymentModelPostpay, Awaiting: ProvisionOpStop, Return: SubscriptionStatusGraced},
		{PaymentModel: PaymentModelPostpay, Awaiting: ProvisionOpDelete, Return: SubscriptionStatusStopped},
	}
	var b strings.Builder
	b.WriteString(header("event", "from", "to"))
	for _, ev := range SubscriptionEvents() {
		var order []string
		froms := map[string][]string{}
		for _, from := range SubscriptionStatuses {
			var tos []string
			for _, st := range states {
				st.Status = from
				if to, err := NextSubscriptionStatus(st, ev); err == nil && !slices.Contains(tos, code(to)) {
					tos = append(tos, code(to))
				}
			}
			if len(tos) == 0 {
				continue
			}
			key := strings.Join(tos, " or ")
			if _, seen := froms[key]; !seen {
				order = append(order, key)
			}
			froms[key] = append(froms[key], code(from))
		}
		for _, to := range order {
			b.WriteString(row(ev.String(), strings.Join(froms[to], ", "), to))
		}
	}
	return b.String()
}

// paymentTable lists, per event, the moves and the purposes they apply to.
func paymentTable() string {
	purposes := []PaymentPurpose{PaymentForOrder, PaymentForInvoice, PaymentForTopUp}
	var b strings.Builder
	b.WriteString(header("event", "from", "to", "payments for"))
	for _, ev := range PaymentEvents {
		var order []string
		froms := map[string][]string{}
		for _, from := range PaymentStatuses {
			var ok []string
			to := from
			for _, p := range purposes {
				if next, err := NextPaymentStatus(from, p, ev); err == nil {
					ok, to = append(ok, string(p)), next
				}
			}
			if len(ok) == 0 {
				continue
			}
			who := strings.Join(ok, ", ")
			if len(ok) == len(purposes) {
				who = "all"
			}
			key := code(to) + "|" + who
			if _, seen := froms[key]; !seen {
				order = append(order, key)
			}
			froms[key] = append(froms[key], code(from))
		}
		for _, key := range order {
			to, who, _ := strings.Cut(key, "|")
			b.WriteString(row(code(ev), strings.Join(froms[key], ", "), to, who))
		}
	}
	return b.String()
}

// abilityTable shows the ability of an active subscription in the middle of a period,
// every window open, per billing type (delivered for the non-recurring one).
func abilityTable(t *testing.T) string {
	cols := []string{"billing type"}
	for _, k := range AbilityKeys {
		cols = append(cols, code(k))
	}
	var b strings.Builder
	b.WriteString(header(cols...))
	for _, bt := range BillingTypes {
		in := baseAbility(t, bt)
		if bt.Rules().Delivered {
			in.Status = SubscriptionStatusDelivered
		}
		a := SubscriptionAbility(in)
		cells := []string{code(bt)}
		for _, k := range AbilityKeys {
			cells = append(cells, map[bool]string{true: "yes", false: "no"}[a.Allows(k)])
		}
		b.WriteString(row(cells...))
	}
	return b.String()
}

var docTable = regexp.MustCompile(`(?s)<!-- table:(\w+) -->\n(.*?)<!-- end -->`)

func TestLifecycleDocTables(t *testing.T) {
	b, err := os.ReadFile("../../docs/lifecycle.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"orders": orderTable(), "subscriptions": subscriptionTable(),
		"payments": paymentTable(), "ability": abilityTable(t),
	}
	found := map[string]bool{}
	for _, m := range docTable.FindAllStringSubmatch(string(b), -1) {
		name, got := m[1], m[2]
		w, ok := want[name]
		if !ok {
			t.Errorf("docs/lifecycle.md has an unknown table %q", name)
			continue
		}
		found[name] = true
		if got != w {
			t.Errorf("docs/lifecycle.md table %q differs from the code; the code gives:\n%s", name, w)
		}
	}
	for name := range want {
		if !found[name] {
			t.Errorf("docs/lifecycle.md lacks <!-- table:%s -->; the code gives:\n%s", name, want[name])
		}
	}
}
