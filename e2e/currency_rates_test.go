package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// crReseller creates a reseller selling in currency below parent.
func crReseller(t *testing.T, c *client.Client, parent int64, name, currency string) *client.Reseller {
	t.Helper()
	dom := strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "-" + unique("r") + ".example.com"
	r, err := c.CreateChildReseller(context.Background(), parent, client.ResellerInput{
		General: &client.ResellerGeneralInput{Name: client.String(name), Domain: client.String(dom),
			Currency: client.String(currency)},
		Company: &client.ResellerCompanyInput{Name: client.String(name + " Inc"), Country: client.String("US")},
	})
	if err != nil {
		t.Fatalf("create reseller %q: %v", name, err)
	}
	return r
}

// crRate finds the rate of iso in rs, failing the test when it is not there.
func crRate(t *testing.T, rs *client.CurrencyRates, iso string) client.CurrencyRate {
	t.Helper()
	for _, r := range rs.Rates {
		if r.ISOCode == iso {
			return r
		}
	}
	t.Fatalf("no %s rate in %+v", iso, rs.Rates)
	return client.CurrencyRate{}
}

// crGet reads the rates of reseller rid through c.
func crGet(t *testing.T, c *client.Client, rid int64) *client.CurrencyRates {
	t.Helper()
	rs, err := c.GetCurrencyRates(context.Background(), rid)
	if err != nil {
		t.Fatalf("currency rates of %d: %v", rid, err)
	}
	return rs
}

// crItem is an update item of base/foreign at rate for quantity units.
func crItem(base, foreign string, quantity int64, rate, adjustment string) client.CurrencyRateInput {
	return client.CurrencyRateInput{BaseCurrency: base, ForeignCurrency: foreign, Quantity: quantity, Rate: rate,
		Adjustment: adjustment, ShowForClient: client.Bool(true)}
}

// TestCurrencyRates: rates set on a reseller are inherited below it unless a reseller
// sets its own; a pair listed twice ends at its last item; a bad item writes
// nothing; only administrators update; another branch is not found.
func TestCurrencyRates(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		a := crReseller(t, s.Admin, domain.OperatorID, "Rates Parent", "USD")
		b := crReseller(t, s.Admin, a.ID, "Rates Child", "USD")
		other := crReseller(t, s.Admin, domain.OperatorID, "Rates Other", "USD")
		adminA := s.client(mustCreateManager(t, s.Admin, a.ID, "admin").APIToken)
		ownerA := s.client(mustCreateManager(t, s.Admin, a.ID, "owner").APIToken)
		salesA := s.client(mustCreateManager(t, s.Admin, a.ID, "sales").APIToken)
		marketingA := s.client(mustCreateManager(t, s.Admin, a.ID, "marketing").APIToken)
		adminOther := s.client(mustCreateManager(t, s.Admin, other.ID, "admin").APIToken)

		empty := crGet(t, marketingA, a.ID)
		if empty.ID != "13992" || empty.ResellerCurrencyISOCode != "USD" || empty.ResellerCurrencyUnit != "$" ||
			len(empty.Rates) != 0 {
			t.Fatalf("rates before any: %+v", empty)
		}

		rows, err := s.Admin.UpdateCurrencyRates(ctx, domain.OperatorID, []client.CurrencyRateInput{
			crItem("USD", "EUR", 1, "1.08", ""), crItem("USD", "KZT", 100, "0.21", "")})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].FromID != 3242 || rows[0].ToID != 13992 || rows[0].Rate != "1.08" ||
			!rows[0].Current || rows[0].ResellerID != domain.OperatorID || rows[0].Adjustment != "1" ||
			rows[1].ConversionRate != "0.0021" || rows[1].Quantity != 100 {
			t.Fatalf("operator's update answered %+v", rows)
		}
		// Inherited by both levels below.
		for _, rid := range []int64{a.ID, b.ID} {
			eur := crRate(t, crGet(t, salesA, rid), "EUR")
			if eur.Rate != "1.08" || eur.ResellerID != domain.OperatorID || eur.Unit != "€" || !eur.ShowForClient {
				t.Fatalf("reseller %d inherits %+v", rid, eur)
			}
		}

		// A pair listed twice: both rows are kept, the last is in force.
		rows, err = adminA.UpdateCurrencyRates(ctx, a.ID, []client.CurrencyRateInput{
			crItem("USD", "EUR", 1, "1.10", "1.2"), crItem("USD", "EUR", 1, "1.12", "1.2")})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Current || !rows[1].Current || rows[1].ResellerID != a.ID ||
			rows[1].ConversionRate != "1.344" || rows[0].ID >= rows[1].ID {
			t.Fatalf("a pair twice answered %+v", rows)
		}
		child := crGet(t, ownerA, b.ID)
		if eur := crRate(t, child, "EUR"); eur.Rate != "1.12" || eur.Adjustment != "1.2" || eur.ResellerID != a.ID {
			t.Fatalf("child sees EUR %+v, want its parent's 1.12", eur)
		}
		if kzt := crRate(t, child, "KZT"); kzt.Rate != "0.21" || kzt.Quantity != 100 || kzt.ResellerID != domain.OperatorID {
			t.Fatalf("child sees KZT %+v, want the operator's", kzt)
		}
		if eur := crRate(t, crGet(t, s.Admin, domain.OperatorID), "EUR"); eur.Rate != "1.08" {
			t.Fatalf("the operator's own rate changed to %+v", eur)
		}

		// One bad item: 422 at each bad field, nothing written.
		_, err = adminA.UpdateCurrencyRates(ctx, a.ID, []client.CurrencyRateInput{
			crItem("USD", "EUR", 1, "2.00", ""),
			crItem("EUR", "XYZ", 0, "0", "1000.5"),
			crItem("USD", "USD", 1, "-1", "0.00001")})
		e := apiError(t, err, 422)
		for _, p := range []string{"/data/attributes/1/base_currency", "/data/attributes/1/foreign_currency",
			"/data/attributes/1/quantity", "/data/attributes/1/rate", "/data/attributes/1/adjustment",
			"/data/attributes/2/foreign_currency", "/data/attributes/2/rate", "/data/attributes/2/adjustment"} {
			if !hasPointer(e, p) {
				t.Errorf("no error at %s in %+v", p, e.Errors)
			}
		}
		if hasPointer(e, "/data/attributes/0/rate") {
			t.Errorf("the good item is blamed: %+v", e.Errors)
		}
		if eur := crRate(t, crGet(t, adminA, a.ID), "EUR"); eur.Rate != "1.12" {
			t.Fatalf("a refused update wrote EUR %+v", eur)
		}

		// Roles: only administrators update; every role reads.
		for _, c := range []*client.Client{ownerA, salesA, marketingA} {
			_, err = c.UpdateCurrencyRates(ctx, a.ID, []client.CurrencyRateInput{crItem("USD", "EUR", 1, "9", "")})
			apiError(t, err, 403)
		}
		// Scope: the subtree only; another branch and the reseller above are not found.
		_, err = adminOther.GetCurrencyRates(ctx, a.ID)
		apiError(t, err, 404)
		_, err = adminA.GetCurrencyRates(ctx, other.ID)
		apiError(t, err, 404)
		_, err = adminA.UpdateCurrencyRates(ctx, domain.OperatorID, []client.CurrencyRateInput{crItem("USD", "EUR", 1, "9", "")})
		apiError(t, err, 404)
		if _, err = adminA.UpdateCurrencyRates(ctx, b.ID, []client.CurrencyRateInput{crItem("USD", "GBP", 1, "1.27", "")}); err != nil {
			t.Fatalf("the parent's administrator sets its child's rate: %v", err)
		}
		if gbp := crRate(t, crGet(t, adminA, b.ID), "GBP"); gbp.ResellerID != b.ID {
			t.Fatalf("child's own GBP %+v", gbp)
		}
		if len(crGet(t, adminA, a.ID).Rates) != 2 {
			t.Fatalf("the child's own rate reached its parent")
		}

		// The history of the child: every row that could price its orders, newest
		// first; the refused update left none.
		hist, err := marketingA.ListCurrencyRateHistory(ctx, b.ID, &client.ListOptions{Sort: "-id"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hist.Items {
			got = append(got, fmt.Sprintf("%d:%s:%s:%v", h.ResellerID, h.ForeignCurrency, h.Rate, h.Current))
		}
		want := fmt.Sprintf("%[2]d:GBP:1.27:true %[1]d:EUR:1.12:true %[1]d:EUR:1.1:false 1:KZT:0.21:true 1:EUR:1.08:true",
			a.ID, b.ID)
		if strings.Join(got, " ") != want || hist.TotalCount != 5 {
			t.Fatalf("history of the child %s (total %d), want %s", strings.Join(got, " "), hist.TotalCount, want)
		}
		_, err = adminA.ListCurrencyRateHistory(ctx, other.ID, nil)
		apiError(t, err, 404)
	})
}

// crCatalog sells a plan priced in EUR: 10.00 a month and 2.50 per mailbox beyond
// the one included.
const crCatalog = `
categories:
  - {key: office, name: Office, public: true}
products:
  - key: mail
    name: Mail Hosting
    category: office
    public: true
    integration: {mode: manual, email: ops@vendor.example}
payment_methods:
  - {key: cash, name: Cash}
plans:
  - key: mail-eur
    product: mail
    name: Mail in Euro
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: EUR
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.50"}
`

// TestCurrencyRatesOrders: a USD reseller sells a plan priced in EUR; its orders are
// priced in USD at the rate in force when each is made. The rate changes mid-year
// through the test clock: the renewals after it use the new rate, those before keep
// theirs.
func TestCurrencyRatesOrders(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		r := crReseller(t, s.Admin, domain.OperatorID, "Dollar Seller", "USD")
		cfApply(t, s.Admin, r.ID, crCatalog)
		plan := atPlan(t, s.Admin, r.ID, "mail-eur")
		acc := acMustCreate(t, s.Admin, r.ID, acPostpaid("Paul", "Postpaid"))
		prepaid := acMustCreate(t, s.Admin, r.ID, acPerson("Petra", "Prepaid"))
		if _, err := s.Admin.UpdateCurrencyRates(ctx, r.ID, []client.CurrencyRateInput{
			crItem("USD", "EUR", 1, "1.08", "")}); err != nil {
			t.Fatal(err)
		}
		order := func(account int64, model string) client.SalesOrderInput {
			return client.SalesOrderInput{AccountID: account, PlanID: plan.ID, PlanPeriodID: odPeriod(t, plan, "1m"),
				PaymentModel: model, Resources: &client.ResourceList{Data: []client.ResourceQuantity{
					{PlanResourceID: atResource(t, plan, "mailbox"), Quantity: 3}}}}
		}
		// 10.00 + 2 × 2.50 = 15.00 EUR a month; × 1.08 = 16.20 USD.
		o, err := s.Admin.CreateSalesOrder(ctx, r.ID, order(acc.ID, "postpay"))
		if err != nil {
			t.Fatal(err)
		}
		if o.Total != "16.2" || o.Currency != "USD" {
			t.Fatalf("sale priced %s %s, want 16.2 USD", o.Total, o.Currency)
		}
		odWaitOrder(t, s.Admin, r.ID, o.ID, "completed")
		pre, err := s.Admin.CreateSalesOrder(ctx, r.ID, order(prepaid.ID, "prepay"))
		if err != nil {
			t.Fatal(err)
		}
		pay, err := s.Admin.GetPayment(ctx, r.ID, *pre.PaymentID)
		if err != nil {
			t.Fatal(err)
		}
		if pre.Total != "16.2" || pay.Total != "16.2" || pay.CurrencyCode != "USD" {
			t.Fatalf("prepaid sale %s, its payment %s %s; want 16.2 USD both", pre.Total, pay.Total, pay.CurrencyCode)
		}

		// The account pays each month's invoice, so its subscription is never
		// blocked for an expired one and renews every month.
		exAdvancePaying(t, s, r.ID, psAt("2027-07-31", 10))
		// 12 USD for 10 EUR, adjusted by 1.05: 1.26 per EUR, so 15 EUR is 18.90 USD.
		if _, err := s.Admin.UpdateCurrencyRates(ctx, r.ID, []client.CurrencyRateInput{
			crItem("USD", "EUR", 10, "12", "1.05")}); err != nil {
			t.Fatal(err)
		}
		exAdvancePaying(t, s, r.ID, psAt("2028-01-31", 10))

		renewals := rnOrders(t, s, r.ID, o.SubscriptionID, "RenewalOrder")
		if len(renewals) != 12 {
			t.Fatalf("%d renewals in a year, want 12", len(renewals))
		}
		for i, rn := range renewals {
			want := "16.2"
			if i >= 6 {
				want = "18.9"
			}
			if rn.Total != want || rn.Currency != "USD" {
				t.Errorf("renewal of %s: %s %s, want %s USD", rn.CreatedAt[:10], rn.Total, rn.Currency, want)
			}
		}
		if old, err := s.Admin.GetOrder(ctx, r.ID, o.ID, nil); err != nil || old.Total != "16.2" {
			t.Fatalf("the sale now reads %+v, %v; want its 16.2 kept", old, err)
		}
		// The stored orders keep the plan's currency and the rate that priced them.
		first, err := s.DB.Reader().FindOrderByID(ctx, r.ID, renewals[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		last, err := s.DB.Reader().FindOrderByID(ctx, r.ID, renewals[11].ID)
		if err != nil {
			t.Fatal(err)
		}
		if first.PlanCurrency != "EUR" || first.CurrencyRate.String() != "1.08" ||
			last.PlanCurrency != "EUR" || last.CurrencyRate.String() != "1.26" {
			t.Fatalf("stored rates %s %s and %s %s, want EUR 1.08 and EUR 1.26", first.PlanCurrency,
				first.CurrencyRate, last.PlanCurrency, last.CurrencyRate)
		}
		// Their charges keep both amounts and the rate: unit prices in EUR, amounts
		// in USD, summing to the orders' totals (the first invoiced and closed by
		// now, the last blocked until its billing day).
		for _, c := range []struct {
			order        *client.Order
			rate, status string
		}{{&renewals[0], "1.08", "closed"}, {&renewals[11], "1.26", "blocked"}} {
			charges := chWantCharges(t, s.Admin, r.ID, c.order, map[string]string{"Charge::Recurring": c.status})
			for _, ch := range charges {
				if ch.Currency != "EUR" || ch.ResellerCurrency != "USD" || ch.CurrencyRate != c.rate {
					t.Fatalf("charge of %s: %s in %s, %s in %s at %s; want EUR, USD at %s", c.order.DocumentID,
						ch.UnitPrice, ch.Currency, ch.Amount, ch.ResellerCurrency, ch.CurrencyRate, c.rate)
				}
			}
		}
	})
}
