package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
)

// ctFixture is a catalogue built by applying catalogue files, with a clock that
// stands still between steps, over this reseller tree:
//
//	operator (1) ── north ── north-east
//	            └── south
//
// The operator sells five plans of three products:
//
//	plan        product  currency  status    public  created  switches
//	mail-basic  mail     USD       active    true    09:00    -> mail-pro (immediate), mail-max (delayed)
//	notes-std   notes    USD       active    true    09:00
//	mail-pro    mail     EUR       inactive  false   10:00    -> mail-basic (immediate)
//	mail-max    mail     USD       active    true    10:00
//	crm-one     crm      USD       active    true    10:00
//
// mail-basic changes at 11:00 (its 3m period is withdrawn). mail-basic is available to
// north at north's own prices, and north passes it on to north-east at 12:00;
// notes-std was available to north until 13:00, when the operator withdrew it, so
// north's copy is "deactivated by provider". north also sells its own widget plan. Categories: office (mail, crm),
// tools (notes), spare (no product), and north's gadgets (widget).
type ctFixture struct {
	s                       *server
	clock                   *domain.TestClock
	north, northEast, south *client.Reseller
	// plans[reseller id][plan key] is the plan's id.
	plans map[int64]map[string]int64
	// products and categories by key; all but widget and gadgets are the operator's.
	products   map[string]int64
	categories map[string]int64
}

// ctDay is the day the fixture's catalogue is written.
var ctDay = time.Date(2030, 5, 6, 0, 0, 0, 0, time.UTC)

const ctOperatorBase = `
service_terms:
  - {key: monthly, name: Monthly terms, billing_day: 1}
categories:
  - {key: office, name: Office, description: Mail and documents, priority: 2, public: true, logo: "https://cdn.example.com/office.png"}
  - {key: tools, name: Tools, priority: 1, public: false}
  - {key: spare, name: Spare Parts, priority: 3, public: true}
products:
  - key: mail
    name: Mail Hosting
    type: saas
    category: office
    description: Business e-mail
    public: true
    priority: 1
    vendor: Example Vendor
    integration: {mode: automatic, api_path: "https://vendor.example/api", allow_order_attributes: true}
  - key: notes
    name: Notes
    type: app
    category: tools
    public: false
    priority: 3
    vendor: Paper Inc
    integration: {mode: manual, email: ops@paper.example}
  - key: crm
    name: CRM Suite
    type: saas
    category: office
    public: true
    priority: 2
    integration: {mode: manual, email: crm@vendor.example}
plans:
%s`

const ctMailBasic = `
  - key: mail-basic
    product: mail
    name: Mail Basic
    description: %s
    status: active
    public: true
    service_term: monthly
    billing_type: csp_monthly
    currency: USD
    sku: MB-1
    periods:
      - {key: 1m, duration: 1, unit: months, setup_fee: "5.00", recurring_fee: "10.00", renewal_fee: "0", transfer_fee: "0"}
%s      - {key: 1y, duration: 1, unit: years, recurring_fee: "100.50", renewal_fee: "1.000001"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 5, minimum: 5, limit: 100, recurring_fee: "2.50", overuse_fee: "3.00", public: true}
      - {key: archive, name: Archive, unit: boolean, unlimited: true, setup_fee: "0.125", public: false}
%s    available_to:
      - reseller: %d
        prices:
          periods:
            1m: {recurring_fee: "9.00"}
          resources:
            mailbox: {recurring_fee: "2.00"}
`

const ctNotesStd = `
  - key: notes-std
    product: notes
    name: Notes Standard
    billing_type: csp_annual
    currency: USD
    sku: NS-1
    status: active
    public: true
    periods:
      - {key: 1y, duration: 1, unit: years, recurring_fee: "12"}
%s`

const ctLaterPlans = `
  - key: mail-pro
    product: mail
    name: Mail Pro
    billing_type: csp_monthly
    currency: EUR
    sku: MP-1
    status: inactive
    public: false
    fixed_price: true
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "20"}
    switch_to:
      - {plan: mail-basic, type: immediate_switch}
  - key: mail-max
    product: mail
    name: mail MAX
    billing_type: csp_monthly
    currency: USD
    sku: MX-1
    status: active
    public: true
    periods:
      - {key: forever, unit: endless, setup_fee: "99.99"}
  - key: crm-one
    product: crm
    name: CRM One
    billing_type: csp_monthly
    currency: USD
    status: active
    public: true
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "7"}
`

const ctMailBasicSwitches = `    switch_to:
      - {plan: mail-pro, type: immediate_switch}
      - {plan: mail-max, type: delayed_switch}
`

const ctNorthCatalog = `
categories:
  - {key: gadgets, name: Gadgets, priority: 5, public: true}
products:
  - key: widget
    name: Widget
    type: device
    category: gadgets
    public: true
    integration: {mode: manual, email: widgets@north.example}
plans:
  - key: widget-plan
    product: widget
    name: Widget Plan
    billing_type: csp_monthly
    currency: EUR
    status: active
    public: true
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "3"}
delegated:
  - plan: mail-basic
    available_to:
      - reseller: %d
        prices:
          periods:
            1m: {recurring_fee: "8.50"}
`

// ctApply applies a catalogue file to a reseller's catalogue.
func ctApply(t testing.TB, c *client.Client, resellerID int64, doc string) {
	t.Helper()
	if _, err := c.ApplyCatalog(context.Background(), resellerID, []byte(doc), false); err != nil {
		t.Fatalf("apply catalogue to reseller %d: %v\n%s", resellerID, err, doc)
	}
}

// ctEachEngine runs f on every engine with a fresh fixture.
func ctEachEngine(t *testing.T, f func(t *testing.T, fx *ctFixture)) {
	t.Helper()
	mgEachEngineClocked(t, func(t *testing.T, s *server, clock *domain.TestClock) {
		f(t, ctNewFixture(t, s, clock))
	})
}

func ctNewFixture(t *testing.T, s *server, clock *domain.TestClock) *ctFixture {
	t.Helper()
	at := func(hour int) { clock.Set(ctDay.Add(time.Duration(hour) * time.Hour)) }
	at(8)
	fx := &ctFixture{s: s, clock: clock}
	fx.north = mustCreateReseller(t, s.Admin, domain.OperatorID, "North")
	fx.northEast = mustCreateReseller(t, s.Admin, fx.north.ID, "North East")
	fx.south = mustCreateReseller(t, s.Admin, domain.OperatorID, "South")

	mailBasic := func(description, extraPeriod, switches string) string {
		return fmt.Sprintf(ctMailBasic, description, extraPeriod, switches, fx.north.ID)
	}
	threeMonths := "      - {key: 3m, duration: 3, unit: months, recurring_fee: \"28.5\"}\n"
	notes := fmt.Sprintf(ctNotesStd, fmt.Sprintf("    available_to:\n      - {reseller: %d}\n", fx.north.ID))
	at(9)
	ctApply(t, s.Admin, domain.OperatorID, fmt.Sprintf(ctOperatorBase, mailBasic("Five mailboxes", threeMonths, "")+notes))
	at(10)
	ctApply(t, s.Admin, domain.OperatorID, fmt.Sprintf(ctOperatorBase,
		mailBasic("Five mailboxes", threeMonths, ctMailBasicSwitches)+notes+ctLaterPlans))
	at(11)
	ctApply(t, s.Admin, domain.OperatorID, fmt.Sprintf(ctOperatorBase,
		mailBasic("Five mailboxes, now without the quarter", "", ctMailBasicSwitches)+notes+ctLaterPlans))
	at(12)
	ctApply(t, s.Admin, fx.north.ID, fmt.Sprintf(ctNorthCatalog, fx.northEast.ID))
	at(13)
	// notes-std is no longer available to north, which keeps it deactivated.
	ctApply(t, s.Admin, domain.OperatorID, fmt.Sprintf(ctOperatorBase,
		mailBasic("Five mailboxes, now without the quarter", "", ctMailBasicSwitches)+fmt.Sprintf(ctNotesStd, "")+ctLaterPlans))
	at(14)

	ctx := context.Background()
	fx.plans = map[int64]map[string]int64{}
	for _, rid := range []int64{domain.OperatorID, fx.north.ID, fx.northEast.ID, fx.south.ID} {
		page, err := s.Admin.ListPlans(ctx, rid, &client.ListOptions{PageSize: 1000})
		if err != nil {
			t.Fatalf("plans of %d: %v", rid, err)
		}
		fx.plans[rid] = map[string]int64{}
		for _, p := range page.Items {
			fx.plans[rid][p.Key] = p.ID
		}
	}
	fx.products, fx.categories = map[string]int64{}, map[string]int64{}
	for _, rid := range []int64{domain.OperatorID, fx.north.ID} {
		ps, err := s.Admin.ListProducts(ctx, rid, &client.ListOptions{PageSize: 1000})
		if err != nil {
			t.Fatalf("products of %d: %v", rid, err)
		}
		for _, p := range ps.Items {
			fx.products[p.Key] = p.ID
		}
		cs, err := s.Admin.ListProductCategories(ctx, rid, &client.ListOptions{PageSize: 1000})
		if err != nil {
			t.Fatalf("categories of %d: %v", rid, err)
		}
		for _, c := range cs.Items {
			fx.categories[c.Key] = c.ID
		}
	}
	return fx
}

// plan is the id of the plan with the given key owned by reseller rid.
func (fx *ctFixture) plan(t testing.TB, rid int64, key string) int64 {
	t.Helper()
	id, ok := fx.plans[rid][key]
	if !ok {
		t.Fatalf("reseller %d has no plan %q (has %v)", rid, key, fx.plans[rid])
	}
	return id
}

// hour is the fixture day's time at the given hour, UTC.
func ctHour(h int) time.Time { return ctDay.Add(time.Duration(h) * time.Hour) }
