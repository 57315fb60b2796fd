package domain

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestRoundAmountAgreesWithRound: the exact-fraction rounding of quote lines and
// Amount.Round are one rule.
func TestRoundAmountAgreesWithRound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		a := Amount(rng.Int64N(2_000_000_000) - 1_000_000_000)
		for _, cur := range []string{"USD", "JPY", "KWD"} {
			got, err := roundAmount(new(big.Rat).SetInt64(int64(a)), cur)
			if err != nil || got != a.Round(cur) {
				t.Fatalf("roundAmount(%s, %s)=%s,%v, want %s", a, cur, got, err, a.Round(cur))
			}
		}
	}
}

// TestQuoteProperties prices random orders of every kind and checks what must hold
// whatever the numbers: the lines sum to the total, every line is its exact amount
// rounded once to the currency's minor unit (never further than half a step from
// it), and one-off fees carry no months.
func TestQuoteProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	currencies := []string{"USD", "JPY", "KWD", "EUR", "BHD"}
	units := []PeriodUnit{UnitDays, UnitMonths, UnitYears, UnitEndless}
	rules := []ProrationRule{ProrateImmediate, ProrateImmediateFull, ProrateNextPeriod}
	fee := func() Amount { return Amount(rng.Int64N(100_000_000)) } // up to 100.000000
	tariff := func(planID int64, currency string) Tariff {
		t := Tariff{PlanID: planID, Currency: currency, BillingType: BillingTypes[rng.IntN(len(BillingTypes))],
			Period: PlanPeriod{Duration: 1 + rng.IntN(40), Unit: units[rng.IntN(len(units))], Trial: rng.IntN(10) == 0,
				SetupFee: fee(), RecurringFee: fee(), RenewalFee: fee()}}
		for id := int64(1); id <= int64(rng.IntN(4)); id++ {
			inc := rng.Int64N(5)
			t.Resources = append(t.Resources, PlanResource{ID: planID*10 + id, Included: inc, Minimum: inc + rng.Int64N(3),
				Unlimited: true, SetupFee: fee(), RecurringFee: fee(), RenewalFee: fee()})
		}
		return t
	}
	quantities := func(t Tariff) Quantities {
		q := Quantities{}
		for _, r := range t.Resources {
			q[r.ID] = r.LowestQuantity() + rng.Int64N(1000)
		}
		return q
	}
	for i := 0; i < 3000; i++ {
		cur := currencies[rng.IntN(len(currencies))]
		a, b := tariff(1, cur), tariff(2, cur)
		qa, qa2, qb := quantities(a), quantities(a), quantities(b)
		start := Date{2027, 1, 1}.AddDays(rng.IntN(700))
		term, err := PeriodTerm(start, a.Period)
		if err != nil {
			t.Fatal(err)
		}
		today := start.AddDays(rng.IntN(400) - 10)
		rule := rules[rng.IntN(len(rules))]

		var quotes []Quote
		add := func(q Quote, err error) {
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			quotes = append(quotes, q)
		}
		add(QuoteSales(a, qa))
		add(QuoteRenewal(a, qa, qa2))
		add(QuoteProlong(a, qa, qa2))
		add(QuoteChange(Change{Tariff: a, From: qa, To: qa2, Term: term, Today: today, Rule: rule}))
		add(QuoteSwitch(Switch{From: a, FromQ: qa, To: b, ToQ: qb, Term: term, Today: today, Rule: rule}))
		add(quoteSwitch(Switch{From: a, FromQ: qa, To: b, ToQ: qb, Term: term, Today: today, Rule: rule}, BillingRules{Recurring: true}))

		step := big.NewRat(AmountScale, 1)
		step.Quo(step, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(MinorUnits(cur))), nil)))
		half := new(big.Rat).Quo(step, big.NewRat(2, 1))
		for k, q := range quotes {
			checkSum(t, q)
			for _, l := range q.Lines {
				exact := new(big.Rat).SetInt64(int64(l.UnitPrice))
				exact.Mul(exact, new(big.Rat).SetInt64(l.Quantity))
				perMonth := l.Fee == FeeRecurring
				if perMonth != !l.Months.IsZero() {
					t.Fatalf("case %d/%d: line %s: months on a one-off fee, or none on a recurring one", i, k, lineText(l))
				}
				if perMonth {
					exact.Mul(exact, l.Months.Rat())
				}
				got := new(big.Rat).SetInt64(int64(l.Amount))
				if !new(big.Rat).Quo(got, step).IsInt() {
					t.Fatalf("case %d/%d: line %s is not in whole %s minor units", i, k, lineText(l), cur)
				}
				off := new(big.Rat).Sub(got, exact)
				if off.Abs(off).Cmp(half) > 0 {
					t.Fatalf("case %d/%d: line %s is %s steps away from its exact amount", i, k, lineText(l), off.FloatString(3))
				}
			}
		}
		// A switch under a billing type without refunds never pays out.
		if kept := quotes[len(quotes)-1]; kept.Total < 0 {
			t.Fatalf("case %d: switch without refunds totals %s", i, kept.Total)
		}
	}
}
