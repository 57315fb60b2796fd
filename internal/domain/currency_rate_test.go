package domain

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestConvertQuoteProperties converts random quotes of every kind at random rates and
// checks what must hold whatever the numbers: the converted lines sum to the total,
// each line keeps its unit price and is its exact amount times the rate rounded once
// to the target currency's minor unit, and a switch that keeps its credit stays at zero.
func TestConvertQuoteProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	targets := []string{"USD", "JPY", "KWD"}
	fee := func() Amount { return Amount(rng.Int64N(100_000_000)) }
	tariff := func(planID int64) Tariff {
		t := Tariff{PlanID: planID, Currency: "EUR", BillingType: BillingTypes[rng.IntN(len(BillingTypes))],
			Period: PlanPeriod{Duration: 1 + rng.IntN(12), Unit: UnitMonths, SetupFee: fee(), RecurringFee: fee(),
				RenewalFee: fee()}}
		for id := int64(1); id <= int64(1+rng.IntN(3)); id++ {
			t.Resources = append(t.Resources, PlanResource{ID: planID*10 + id, Unlimited: true,
				SetupFee: fee(), RecurringFee: fee(), RenewalFee: fee()})
		}
		return t
	}
	qty := func(t Tariff) Quantities {
		q := Quantities{}
		for _, r := range t.Resources {
			q[r.ID] = rng.Int64N(500)
		}
		return q
	}
	for i := 0; i < 2000; i++ {
		a, b := tariff(1), tariff(2)
		qa, qa2, qb := qty(a), qty(a), qty(b)
		start := Date{2027, 1, 1}.AddDays(rng.IntN(300))
		term, err := PeriodTerm(start, a.Period)
		if err != nil {
			t.Fatal(err)
		}
		today := start.AddDays(rng.IntN(200))
		rate, _ := RateFraction(1+rng.Int64N(5_000_000), 1+rng.Int64N(3_000_000))
		cur := targets[rng.IntN(len(targets))]
		var quotes []Quote
		for _, f := range []func() (Quote, error){
			func() (Quote, error) { return QuoteSales(a, qa) },
			func() (Quote, error) { return QuoteRenewal(a, qa, qa2) },
			func() (Quote, error) { return QuoteProlong(a, qa, qa2) },
			func() (Quote, error) {
				return QuoteChange(Change{Tariff: a, From: qa, To: qa2, Term: term, Today: today, Rule: ProrateImmediate})
			},
			func() (Quote, error) {
				return quoteSwitch(Switch{From: a, FromQ: qa, To: b, ToQ: qb, Term: term, Today: today,
					Rule: ProrateImmediate}, BillingRules{Recurring: true})
			},
		} {
			q, err := f()
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			quotes = append(quotes, q)
		}
		step := new(big.Rat).Quo(big.NewRat(AmountScale, 1),
			new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(MinorUnits(cur))), nil)))
		half := new(big.Rat).Quo(step, big.NewRat(2, 1))
		for k, q := range quotes {
			c, err := ConvertQuote(q, cur, rate)
			if err != nil {
				t.Fatalf("case %d/%d: %v", i, k, err)
			}
			if c.Currency != cur || c.PlanCurrency != "EUR" || !c.Rate.Equal(rate) || len(c.Lines) != len(q.Lines) {
				t.Fatalf("case %d/%d: converted quote %+v", i, k, c)
			}
			checkSum(t, c)
			kept := false
			for j, l := range c.Lines {
				if l.UnitPrice != q.Lines[j].UnitPrice || l.Quantity != q.Lines[j].Quantity {
					t.Fatalf("case %d/%d: line %d changed its unit price or quantity", i, k, j)
				}
				if l.Fee == FeeCreditKept {
					kept = true
					continue
				}
				exact := new(big.Rat).SetInt64(int64(l.UnitPrice))
				exact.Mul(exact, new(big.Rat).SetInt64(l.Quantity))
				if !l.Months.IsZero() {
					exact.Mul(exact, l.Months.Rat())
				}
				exact.Mul(exact, rate.Rat())
				got := new(big.Rat).SetInt64(int64(l.Amount))
				if !new(big.Rat).Quo(got, step).IsInt() {
					t.Fatalf("case %d/%d: line %s is not in whole %s minor units", i, k, lineText(l), cur)
				}
				off := new(big.Rat).Sub(got, exact)
				if off.Abs(off).Cmp(half) > 0 {
					t.Fatalf("case %d/%d: line %s is %s away from its exact amount", i, k, lineText(l), off.FloatString(3))
				}
			}
			if kept && c.Total != 0 {
				t.Fatalf("case %d/%d: a switch keeping its credit totals %s", i, k, c.Total)
			}
		}
	}
}

// TestConvertQuoteExample is the worked example of docs/billing.md: 5 users at 3.99 EUR
// a month for 12 months at 1.08 USD per EUR with an adjustment of 1.05.
func TestConvertQuoteExample(t *testing.T) {
	unit, _ := ParseAmount("3.99")
	months := WholeMonths(12)
	q := Quote{Currency: "EUR", Lines: []QuoteLine{{Fee: FeeRecurring, Quantity: 5, UnitPrice: unit, Months: months}}}
	r, _ := ParseRate("1.08")
	adj, _ := ParseRate("1.05")
	rate := CurrencyRate{Quantity: 1, Rate: r, Adjustment: adj}.Conversion()
	if rate.String() != "1.134" {
		t.Fatalf("conversion %s, want 1.134", rate)
	}
	c, err := ConvertQuote(q, "USD", rate)
	if err != nil {
		t.Fatal(err)
	}
	// 3.99 × 5 × 12 = 239.40 EUR; × 1.134 = 271.4796 USD, rounded once to 271.48.
	if c.Total.String() != "271.48" || c.Lines[0].Amount.String() != "271.48" || c.PlanCurrency != "EUR" {
		t.Fatalf("converted %+v", c)
	}
	same, err := ConvertQuote(q, "EUR", rate)
	if err != nil || !same.Rate.IsOne() || same.Currency != "EUR" || same.PlanCurrency != "EUR" {
		t.Fatalf("same currency: %+v, %v", same, err)
	}
}

// TestCurrencyRateConversion: a rate quoted for several units is divided out exactly,
// and display rounds only what does not end within six places.
func TestCurrencyRateConversion(t *testing.T) {
	r, _ := ParseRate("0.21")
	c := CurrencyRate{Quantity: 100, Rate: r, Adjustment: RateOne()}.Conversion()
	if c.String() != "0.0021" || RateDisplay(c) != "0.0021" {
		t.Fatalf("KZT conversion %s / %s", c, RateDisplay(c))
	}
	third, _ := RateFraction(10, 3)
	if RateDisplay(third) != "3.333333" || third.String() != "10/3" {
		t.Fatalf("10/3 shows %s, stored %s", RateDisplay(third), third)
	}
	if CurrencyID("USD") != 13992 || CurrencyID("EUR") != 3242 || CurrencyID("usd") != 0 {
		t.Fatalf("currency ids %d %d", CurrencyID("USD"), CurrencyID("EUR"))
	}
	if got := DefaultCurrencyRate(1, "USD", "EUR").Conversion(); !got.IsOne() {
		t.Fatalf("default conversion %s", got)
	}
}

// TestValidateCurrencyRates reports every bad item with its pointer, and nothing else.
func TestValidateCurrencyRates(t *testing.T) {
	s := func(v string) *string { return &v }
	n := func(v int64) *int64 { return &v }
	good := CurrencyRateInput{Base: s("USD"), Foreign: s("eur"), Quantity: n(1), Rate: s("1.08"), Adjustment: s("1.2")}
	out, err := ValidateCurrencyRates("USD", []CurrencyRateInput{good})
	if err != nil || len(out) != 1 || out[0].Foreign != "EUR" || out[0].Adjustment.String() != "1.2" {
		t.Fatalf("good item: %+v, %v", out, err)
	}
	bad := []CurrencyRateInput{good,
		{Base: s("EUR"), Foreign: s("XXX"), Quantity: n(0), Rate: s("0"), Adjustment: s("1000.5")},
		{Base: s("USD"), Foreign: s("USD"), Quantity: n(1), Rate: s("-1"), Adjustment: s("0.00009")}}
	_, err = ValidateCurrencyRates("USD", bad)
	want := []string{"/data/attributes/1/adjustment", "/data/attributes/1/base_currency",
		"/data/attributes/1/foreign_currency", "/data/attributes/1/quantity", "/data/attributes/1/rate",
		"/data/attributes/2/adjustment", "/data/attributes/2/foreign_currency", "/data/attributes/2/rate"}
	got := mgPointersOf(err)
	if len(got) != len(want) {
		t.Fatalf("pointers %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pointers %v, want %v", got, want)
		}
	}
}
