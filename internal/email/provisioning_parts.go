package email

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/cascade-billing/cascade/vendorkit"
)

// writePlan lists the plan and its quantities, with the previous ones where they
// differ.
func writePlan(b *body, plan vendorkit.Plan, prev *vendorkit.Plan) {
	name := oneLine(plan.Name)
	if prev != nil && prev.Name != plan.Name {
		name += " (was " + oneLine(prev.Name) + ")"
	}
	b.field("Plan", name)
	b.field("SKU", plan.SKU)
	b.field("Period", period(plan.Period))
	if len(plan.Resources) == 0 {
		return
	}
	was := map[string]int64{}
	if prev != nil {
		for _, r := range prev.Resources {
			was[resourceName(r)] = r.Quantity
		}
	}
	b.line("Resources")
	for _, r := range plan.Resources {
		q := fmt.Sprint(r.Quantity)
		if w, ok := was[resourceName(r)]; ok && w != r.Quantity {
			q += fmt.Sprintf(" (was %d)", w)
		} else if !ok && prev != nil {
			q += " (new)"
		}
		b.field("  "+resourceName(r), q)
	}
}

func resourceName(r vendorkit.PlanResource) string {
	if r.Key != "" {
		return oneLine(r.Key)
	}
	return "resource " + oneLine(r.Resource)
}

// period reads "1 month", "12 months"; "" for none.
func period(p vendorkit.Period) string {
	if p.Value == 0 || p.Type == "" {
		return ""
	}
	unit := strings.ToLower(p.Type)
	if p.Value != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", p.Value, unit)
}

// writeTenant describes the customer and, on create, the first user (never the
// password: it is not for e-mail).
func writeTenant(b *body, t vendorkit.Tenant, u *vendorkit.User) {
	b.blank()
	b.line("Customer (account %d)", t.ID)
	b.field("  Company", t.CompanyName)
	b.field("  Type", t.Type)
	c := t.Contact
	b.field("  Contact", join(" ", c.FirstName, c.LastName))
	b.field("  E-mail", c.Email)
	b.field("  Phone", c.Phone)
	b.field("  Address", join(", ", c.AddressLine1, c.AddressLine2, c.City, join(" ", c.State, c.Zip), c.Country))
	b.field("  Owner", join(", ", join(" ", t.Owner.FirstName, t.Owner.LastName), t.Owner.Phone))
	if u != nil {
		email := oneLine(u.Email)
		if email != "" {
			email = "<" + email + ">"
		}
		b.field("  First user", join(" ", u.FirstName, u.LastName, email))
	}
}

// writeReseller describes the reseller that sold the subscription.
func writeReseller(b *body, r vendorkit.Reseller) {
	b.blank()
	b.line("Sold by reseller %d", r.ID)
	b.field("  Name", r.Name)
	b.field("  Company", r.CompanyName)
	b.field("  E-mail", r.CompanyEmail)
	b.field("  Phone", r.CompanyPhone)
}

// body builds a plain-text body line by line.
type body struct{ strings.Builder }

func (b *body) line(format string, args ...any) {
	fmt.Fprintf(&b.Builder, format, args...)
	b.WriteByte('\n')
}

func (b *body) blank() { b.WriteByte('\n') }

// wrapAt is the width paragraphs are wrapped to, so the text reads alike in every
// mail program.
const wrapAt = 72

// paragraph writes text wrapped at spaces to wrapAt columns.
func (b *body) paragraph(text string) {
	n := 0
	for _, word := range strings.Fields(text) {
		if n > 0 && n+1+len([]rune(word)) > wrapAt {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len([]rune(word))
	}
	b.WriteByte('\n')
}

// field writes "label  value" aligned, skipping an empty value.
func (b *body) field(label, value string) {
	if value = oneLine(value); value != "" {
		b.line("%-16s%s", label+":", value)
	}
}

// oneLine turns line breaks, tabs and other control characters into spaces and
// trims the ends.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
}

// join joins the non-empty parts with sep.
func join(sep string, parts ...string) string {
	parts = slices.DeleteFunc(slices.Clone(parts), func(s string) bool { return oneLine(s) == "" })
	return strings.Join(parts, sep)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
