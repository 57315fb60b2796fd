package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/store"
)

// cfApply applies a catalogue file (YAML) to a reseller's catalogue and fails the
// test if the server refuses it. It returns the changes made.
func cfApply(tb testing.TB, c *client.Client, resellerID int64, doc string) *client.CatalogChanges {
	tb.Helper()
	ch, err := c.ApplyCatalog(context.Background(), resellerID, []byte(doc), false)
	if err != nil {
		tb.Fatalf("apply catalogue to reseller %d: %v", resellerID, err)
	}
	return ch
}

// cfDryRun lists the changes a catalogue file would make, failing the test on error.
func cfDryRun(tb testing.TB, c *client.Client, resellerID int64, doc string) *client.CatalogChanges {
	tb.Helper()
	ch, err := c.ApplyCatalog(context.Background(), resellerID, []byte(doc), true)
	if err != nil {
		tb.Fatalf("dry run of catalogue for reseller %d: %v", resellerID, err)
	}
	return ch
}

// cfDoc is a small catalogue: two categories, two products (one manual), three plans
// with periods, resources, switches both ways and order attributes. Its fee of
// mail-basic's monthly period is recurring, so tests can change one price.
func cfDoc(recurring string) string {
	return `
service_terms:
  - key: monthly
    name: Monthly terms
    billing_day: 1
categories:
  - key: office
    name: Office
    description: Mail and documents
    priority: 1
  - key: infra
    name: Infrastructure
    public: false
products:
  - key: mail
    name: Mail Hosting
    type: saas
    category: office
    vendor: Example Vendor
    integration:
      mode: automatic
      api_path: https://vendor.example/api
      allow_order_attributes: true
      allow_usage_url: true
  - key: backup
    name: Backup
    category: infra
    integration:
      mode: manual
      email: ops@vendor.example
plans:
  - key: mail-basic
    product: mail
    name: Mail Basic
    description: Five mailboxes
    service_term: monthly
    billing_type: csp_monthly
    currency: USD
    sku: MB-1
    periods:
      - key: 1m
        duration: 1
        unit: months
        setup_fee: "5.00"
        recurring_fee: ` + recurring + `
      - key: 1y
        duration: 1
        unit: years
        recurring_fee: 100
      - key: trial
        duration: 14
        unit: days
        trial: true
    resources:
      - key: mailbox
        name: Mailbox
        measurable: true
        included: 5
        minimum: 5
        limit: 100
        recurring_fee: 2.50
        overuse_fee: "3.00"
      - key: archive
        name: Archive
        unit: boolean
        recurring_fee: 1
    switch_to:
      - plan: mail-pro
        type: immediate_switch
    order_attributes:
      - key: domain_name
        label: Domain name
        type: string
        required: true
      - key: region
        label: Region
        type: list
        values: [eu, us]
  - key: mail-pro
    product: mail
    name: Mail Pro
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "20.00"}
    switch_to:
      - {plan: mail-basic, type: delayed_switch}
  - key: backup-forever
    product: backup
    name: Backup Forever
    currency: USD
    status: inactive
    periods:
      - {key: life, unit: endless, setup_fee: "99.99"}
`
}

// cfState reads a reseller's whole stored catalogue, soft-deleted items included.
func cfState(tb testing.TB, s *server, resellerID int64) *store.CatalogState {
	tb.Helper()
	st, err := s.DB.Reader().LoadCatalog(context.Background(), resellerID)
	if err != nil {
		tb.Fatalf("load catalogue of reseller %d: %v", resellerID, err)
	}
	return st
}

// cfChangeLines renders changes as "action kind plan/key", for comparisons.
func cfChangeLines(ch *client.CatalogChanges) []string {
	out := make([]string, len(ch.Changes))
	for i, c := range ch.Changes {
		s := c.Action + " " + c.Kind + " "
		if c.Plan != "" {
			s += c.Plan + "/"
		}
		s += c.Key
		if c.ResellerID != 0 {
			s += " @" + strconv.FormatInt(c.ResellerID, 10)
		}
		if len(c.Fields) > 0 {
			s += " " + strings.Join(c.Fields, ",")
		}
		out[i] = s
	}
	return out
}

// cfPeriod returns the stored period of a plan with the given key.
func cfPeriod(tb testing.TB, p *store.CatalogPlan, key string) store.CatalogPeriod {
	tb.Helper()
	for _, pp := range p.Periods {
		if pp.Key == key {
			return pp
		}
	}
	tb.Fatalf("plan %s has no period %s", p.Key, key)
	return store.CatalogPeriod{}
}

// cfResource returns the stored resource of a plan with the given key.
func cfResource(tb testing.TB, p *store.CatalogPlan, key string) store.CatalogResource {
	tb.Helper()
	for _, r := range p.Resources {
		if r.Key == key {
			return r
		}
	}
	tb.Fatalf("plan %s has no resource %s", p.Key, key)
	return store.CatalogResource{}
}

// cfPlan returns a stored plan by key.
func cfPlan(tb testing.TB, st *store.CatalogState, key string) *store.CatalogPlan {
	tb.Helper()
	p := st.Plans[key]
	if p == nil {
		tb.Fatalf("no plan %s", key)
	}
	return p
}

// cfInvalid asserts err is a 422 and returns its errors by pointer.
func cfInvalid(tb testing.TB, err error) map[string]client.ErrorObject {
	tb.Helper()
	e := apiError(tb, err, 422)
	out := map[string]client.ErrorObject{}
	for _, o := range e.Errors {
		if o.Source == nil || o.Source.Pointer == "" {
			tb.Errorf("422 error without a pointer: %+v", o)
			continue
		}
		if o.Meta == nil || o.Meta.Line < 1 || o.Meta.Column < 1 {
			tb.Errorf("422 error at %s without line and column: %+v", o.Source.Pointer, o.Meta)
		}
		out[o.Source.Pointer] = o
	}
	return out
}
