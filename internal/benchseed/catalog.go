package benchseed

import (
	"fmt"
	"strings"
)

// Catalog writes a catalogue file with n plans spread over ten products, each plan
// with a monthly and a yearly period and three resources, so a page of plans carries
// as much nested data as a real one.
func Catalog(n int) []byte { return catalog(n, "") }

// RenewalAhead is the auto-renew point of RenewalCatalog's service term: the
// automatic renewal orders are made this many days before the periods end.
const RenewalAhead = 3

// RenewalCatalog is Catalog with every plan on a service term whose automatic
// renewals are made RenewalAhead days before the period ends, as most installations
// set it: a renewal made ahead waits for its date or its payment, so the pass that
// makes it writes orders and payments, and nothing else falls due with it.
func RenewalCatalog(n int) []byte {
	return catalog(n, fmt.Sprintf("{key: bench-renewal, name: Bench renewal, autorenew_point: %d}", RenewalAhead))
}

// BillingCatalog is RenewalCatalog with the service term's billing day set to
// billingDay (1 to 28): the billing pass invoices its plans' charges on that day of
// the month.
func BillingCatalog(n, billingDay int) []byte {
	return catalog(n, fmt.Sprintf("{key: bench-renewal, name: Bench renewal, autorenew_point: %d, billing_day: %d}",
		RenewalAhead, billingDay))
}

// catalog writes n plans, all on the service term given as a flow mapping whose key
// is bench-renewal, or on none when term is "".
func catalog(n int, term string) []byte {
	var b strings.Builder
	if term != "" {
		fmt.Fprintf(&b, "service_terms:\n  - %s\n", term)
		term = "\n    service_term: bench-renewal"
	}
	b.WriteString("categories:\n")
	for c := 0; c < 2; c++ {
		fmt.Fprintf(&b, "  - {key: bench-cat-%d, name: Bench category %d, public: true, priority: %d}\n", c, c, c)
	}
	b.WriteString("products:\n")
	for p := 0; p < 10; p++ {
		fmt.Fprintf(&b, "  - key: bench-product-%d\n    name: Bench product %d\n    type: saas\n"+
			"    category: bench-cat-%d\n    public: true\n    integration: {mode: manual, email: ops@example.com}\n",
			p, p, p%2)
	}
	b.WriteString("plans:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  - key: bench-plan-%[1]d
    product: bench-product-%[2]d
    name: Bench plan %[1]d
    description: A plan of the load benchmark
    status: active
    public: true
    billing_type: csp_monthly%[4]s
    currency: USD
    sku: BP-%[1]d
    periods:
      - {key: 1m, duration: 1, unit: months, setup_fee: "5.00", recurring_fee: "%[3]d.99"}
      - {key: 1y, duration: 1, unit: years, recurring_fee: "%[3]d.49", renewal_fee: "1.00"}
    resources:
      - {key: seats, name: Seats, unit: unit, included: 5, minimum: 5, limit: 500, recurring_fee: "2.50", overuse_fee: "3.00"}
      - {key: storage, name: Storage GB, unit: unit, measurable: true, included: 10, minimum: 10, unlimited: true, overuse_fee: "0.125"}
      - {key: archive, name: Archive, unit: boolean, included: 0, minimum: 0, limit: 1, recurring_fee: "4.00"}
`, i, i%10, 10+i%40, term)
	}
	return []byte(b.String())
}
