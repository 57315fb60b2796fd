package domain

import (
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

func TestUsageCharge(t *testing.T) {
	at := time.Date(2027, 3, 1, 0, 5, 0, 0, time.UTC)
	storage := PlanResource{ID: 7, Name: "Storage", Included: 10, OveruseFee: amt(t, "0.15")}
	sub := &Subscription{ID: 3, ResellerID: 1, AccountID: 2, PaymentModel: PaymentModelPostpay,
		Resources: []SubscriptionResource{{ID: 30, PlanResourceID: 7, Included: 10, Additional: 5}}}
	feb := UsagePeriod{Subscription: sub, Resource: storage, From: Date{2027, 2, 1}, To: Date{2027, 3, 1}}
	eurUSD, _ := ParseRate("1.08")
	for _, tc := range []struct {
		name      string
		reads     []string
		rate      Rate
		want      string // amount; "" for no charge
		wantUnits int64
	}{
		{"within what is held", []string{"7.5", "7.5"}, RateOne(), "", 0},
		{"beyond, exact", []string{"10", "7.5"}, RateOne(), "0.38", 3},     // 2.5 × 0.15 = 0.375 → 0.38
		{"converted once", []string{"10", "7.5"}, eurUSD, "0.41", 3},       // 0.375 × 1.08 = 0.405 → 0.41
		{"many small reads", repeat("0.001", 16000), RateOne(), "0.15", 1}, // 16 − 15 = 1 unit
	} {
		feb.Reads = tc.reads
		c, err := UsageCharge(feb, "EUR", "USD", tc.rate, at)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.want == "" {
			if c != nil {
				t.Errorf("%s: charged %s, want nothing", tc.name, c.Amount)
			}
			continue
		}
		if c == nil || c.Amount != amt(t, tc.want) || c.Quantity != tc.wantUnits {
			t.Fatalf("%s: %+v, want amount %s for %d units", tc.name, c, tc.want, tc.wantUnits)
		}
		if c.Type != ChargeOveruse || c.SubscriptionResourceID != 30 || c.BillingKey != "usage:7:2027-02-01" ||
			c.OperateTo != (Date{2027, 2, 28}) || c.Duration != WholeMonths(1) || !c.CurrencyRate.Equal(tc.rate) {
			t.Errorf("%s: %+v", tc.name, c)
		}
	}
	for _, bad := range []string{"-1", "1e3", "", "x", "1.2.3"} {
		feb.Reads = []string{bad}
		if _, err := UsageCharge(feb, "EUR", "EUR", RateOne(), at); err == nil {
			t.Errorf("read %q accepted", bad)
		}
	}
}

// TestUsageChargeRoundsOnce checks that charging a period's reads together
// equals the exact sum rounded once, however the reads are cut.
func TestUsageChargeRoundsOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	res := PlanResource{ID: 1, OveruseFee: amt(t, "0.013")}
	sub := &Subscription{ID: 1}
	for range 500 {
		var reads []string
		exact := new(big.Rat)
		for range 1 + r.IntN(20) {
			milli := r.Int64N(100000)
			reads = append(reads, strconv.FormatFloat(float64(milli)/1000, 'f', 3, 64))
			exact.Add(exact, big.NewRat(milli, 1000))
		}
		c, err := UsageCharge(UsagePeriod{Subscription: sub, Resource: res, From: Date{2027, 1, 1},
			To: Date{2027, 2, 1}, Reads: reads}, "USD", "USD", RateOne(), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := roundAmount(exact.Mul(exact, new(big.Rat).SetInt64(int64(res.OveruseFee))), "USD")
		if exact.Sign() == 0 {
			continue
		}
		if c == nil || c.Amount != want {
			t.Fatalf("reads %v charged %v, want %s", reads, c, want)
		}
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestMonthsBetween(t *testing.T) {
	for _, tc := range []struct {
		from, to Date
		want     string
	}{
		{Date{2027, 1, 31}, Date{2027, 2, 28}, "1"},
		{Date{2027, 1, 1}, Date{2028, 1, 1}, "12"},
		{Date{2027, 1, 1}, Date{2027, 1, 8}, "7/30"},
	} {
		if got := monthsBetween(tc.from, tc.to).String(); got != tc.want {
			t.Errorf("monthsBetween(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}
