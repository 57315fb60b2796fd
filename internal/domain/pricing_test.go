package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// lineText renders a quote line as "fee pPLAN rRESOURCE qty×unit×months=amount".
func lineText(l QuoteLine) string {
	return fmt.Sprintf("%s p%d r%d %d×%s×%s=%s", l.Fee, l.PlanID, l.PlanResourceID, l.Quantity, l.UnitPrice, l.Months, l.Amount)
}

// checkQuote compares a quote with the lines and total worked out by hand.
func checkQuote(t *testing.T, q Quote, err error, total string, lines ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("quote: %v", err)
	}
	got := make([]string, len(q.Lines))
	for i, l := range q.Lines {
		got[i] = lineText(l)
	}
	if !slices.Equal(got, lines) {
		t.Errorf("lines:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(lines, "\n  "))
	}
	if q.Total.String() != total {
		t.Errorf("total=%s, want %s", q.Total, total)
	}
	checkSum(t, q)
}

// checkSum: the lines of a quote add up to its total exactly.
func checkSum(t testing.TB, q Quote) {
	t.Helper()
	var sum Amount
	for _, l := range q.Lines {
		sum += l.Amount
	}
	if sum != q.Total {
		t.Fatalf("lines sum to %s, total is %s", sum, q.Total)
	}
}

var (
	mailQ  = Quantities{resSeats: 8, resStorage: 50, resBackup: 1}
	march  = Term{Start: Date{2027, 3, 1}, End: Date{2027, 4, 1}, Months: WholeMonths(1)}
	mar11  = Date{2027, 3, 11} // 21 of March's 31 days remain
	mailSU = []string{
		"setup_fee p1 r0 1×10.0×0=10.0",
		"setup_fee p1 r11 6×1.5×0=9.0",
		"setup_fee p1 r13 1×2.0×0=2.0",
	}
)

func TestQuoteSales(t *testing.T) {
	plan := mailPlan(t)
	t.Run("Monthly", func(t *testing.T) {
		q, err := QuoteSales(mustTariff(t, plan, 101), mailQ)
		checkQuote(t, q, err, "68.0", append(mailSU,
			"recurring_fee p1 r0 1×20.0×1=20.0",
			"recurring_fee p1 r11 6×3.0×1=18.0",
			"recurring_fee p1 r12 40×0.125×1=5.0",
			"recurring_fee p1 r13 1×4.0×1=4.0")...)
	})
	t.Run("Yearly", func(t *testing.T) {
		q, err := QuoteSales(mustTariff(t, plan, 112), mailQ)
		checkQuote(t, q, err, "561.0", append(mailSU,
			"recurring_fee p1 r0 1×18.0×12=216.0",
			"recurring_fee p1 r11 6×3.0×12=216.0",
			"recurring_fee p1 r12 40×0.125×12=60.0",
			"recurring_fee p1 r13 1×4.0×12=48.0")...)
	})
	t.Run("MinimumIsCharged", func(t *testing.T) {
		// Included 2, minimum 5: five seats charge three, and no storage beyond the included 10.
		q, err := QuoteSales(mustTariff(t, plan, 101), Quantities{resSeats: 5, resStorage: 10})
		checkQuote(t, q, err, "43.5",
			"setup_fee p1 r0 1×10.0×0=10.0",
			"setup_fee p1 r11 3×1.5×0=4.5",
			"recurring_fee p1 r0 1×20.0×1=20.0",
			"recurring_fee p1 r11 3×3.0×1=9.0")
	})
	t.Run("Endless", func(t *testing.T) {
		q, err := QuoteSales(mustTariff(t, plan, 199), mailQ)
		checkQuote(t, q, err, "58.0",
			"setup_fee p1 r11 6×1.5×0=9.0",
			"setup_fee p1 r13 1×2.0×0=2.0",
			"recurring_fee p1 r0 1×20.0×1=20.0",
			"recurring_fee p1 r11 6×3.0×1=18.0",
			"recurring_fee p1 r12 40×0.125×1=5.0",
			"recurring_fee p1 r13 1×4.0×1=4.0")
	})
	t.Run("SevenDays", func(t *testing.T) {
		p := plan
		p.Periods = []PlanPeriod{{ID: 107, Duration: 7, Unit: UnitDays, RecurringFee: amt(t, "20")}}
		q, err := QuoteSales(mustTariff(t, p, 107), Quantities{resSeats: 5, resStorage: 10})
		// 20 × 7/30 = 4.6666… → 4.67; 3 seats × 3 × 7/30 = 2.1.
		checkQuote(t, q, err, "11.27",
			"setup_fee p1 r11 3×1.5×0=4.5",
			"recurring_fee p1 r0 1×20.0×7/30=4.67",
			"recurring_fee p1 r11 3×3.0×7/30=2.1")
	})
	t.Run("TrialIsFree", func(t *testing.T) {
		q, err := QuoteSales(mustTariff(t, plan, 114), mailQ)
		checkQuote(t, q, err, "0.0")
	})
	t.Run("NonRecurringSetupOnly", func(t *testing.T) {
		p := plan
		p.BillingType = BillingNonRecurring
		q, err := QuoteSales(mustTariff(t, p, 101), mailQ)
		checkQuote(t, q, err, "21.0", mailSU...)
	})
}

func TestQuoteRenewal(t *testing.T) {
	plan := mailPlan(t)
	monthly := mustTariff(t, plan, 101)
	t.Run("SameQuantities", func(t *testing.T) {
		q, err := QuoteRenewal(monthly, mailQ, mailQ)
		checkQuote(t, q, err, "55.0",
			"recurring_fee p1 r0 1×20.0×1=20.0",
			"recurring_fee p1 r11 6×3.0×1=18.0",
			"recurring_fee p1 r12 40×0.125×1=5.0",
			"recurring_fee p1 r13 1×4.0×1=4.0",
			"renewal_fee p1 r0 1×5.0×0=5.0",
			"renewal_fee p1 r11 6×0.5×0=3.0")
	})
	t.Run("MoreSeats", func(t *testing.T) {
		q, err := QuoteRenewal(monthly, mailQ, Quantities{resSeats: 10, resStorage: 50, resBackup: 1})
		checkQuote(t, q, err, "65.0",
			"setup_fee p1 r11 2×1.5×0=3.0",
			"recurring_fee p1 r0 1×20.0×1=20.0",
			"recurring_fee p1 r11 8×3.0×1=24.0",
			"recurring_fee p1 r12 40×0.125×1=5.0",
			"recurring_fee p1 r13 1×4.0×1=4.0",
			"renewal_fee p1 r0 1×5.0×0=5.0",
			"renewal_fee p1 r11 8×0.5×0=4.0")
	})
	t.Run("NonRecurringNothing", func(t *testing.T) {
		p := plan
		p.BillingType = BillingNonRecurring
		q, err := QuoteRenewal(mustTariff(t, p, 101), mailQ, mailQ)
		checkQuote(t, q, err, "0.0")
	})
}

func TestQuoteProlongUsesLockedPrices(t *testing.T) {
	plan := mailPlan(t)
	plan.BillingType = BillingCSPMonthly
	bought := mustTariff(t, plan, 112)
	snap := bought.Snapshot()
	// The plan's prices rise after the purchase, and a resource joins it.
	plan.Periods[1].RecurringFee = amt(t, "30")
	plan.Resources[0].RecurringFee = amt(t, "4")
	plan.Resources = append(plan.Resources, PlanResource{ID: 14, PlanID: 1, UnitOfMeasure: MeasureUnit,
		Limit: 10, RecurringFee: amt(t, "1")})
	locked := mustTariff(t, plan, 112).WithPrices(snap)
	next := Quantities{resSeats: 8, resStorage: 50, resBackup: 1, 14: 2}

	t.Run("Locked", func(t *testing.T) {
		q, err := QuoteProlong(locked, next, next)
		checkQuote(t, q, err, "47.0",
			"recurring_fee p1 r0 1×18.0×1=18.0",
			"recurring_fee p1 r11 6×3.0×1=18.0",
			"recurring_fee p1 r12 40×0.125×1=5.0",
			"recurring_fee p1 r13 1×4.0×1=4.0",
			"recurring_fee p1 r14 2×1.0×1=2.0")
	})
	t.Run("CurrentPricesWouldDiffer", func(t *testing.T) {
		q, err := QuoteProlong(mustTariff(t, plan, 112), next, next)
		if err != nil || q.Total.String() != "65.0" {
			t.Fatalf("total=%s,%v, want 65.0 at the current prices", q.Total, err)
		}
	})
	t.Run("AddedSeatsPaySetup", func(t *testing.T) {
		more := Quantities{resSeats: 10, resStorage: 50, resBackup: 1, 14: 2}
		q, err := QuoteProlong(locked, next, more)
		checkQuote(t, q, err, "56.0",
			"setup_fee p1 r11 2×1.5×0=3.0",
			"recurring_fee p1 r0 1×18.0×1=18.0",
			"recurring_fee p1 r11 8×3.0×1=24.0",
			"recurring_fee p1 r12 40×0.125×1=5.0",
			"recurring_fee p1 r13 1×4.0×1=4.0",
			"recurring_fee p1 r14 2×1.0×1=2.0")
	})
	t.Run("Snapshot", func(t *testing.T) {
		if snap.Currency != "USD" || snap.Period.Recurring != amt(t, "18") || snap.Period.Setup != amt(t, "10") ||
			snap.Resources[resSeats].Recurring != amt(t, "3") || len(snap.Resources) != 3 {
			t.Fatalf("snapshot=%+v", snap)
		}
	})
}

func TestQuoteChange(t *testing.T) {
	plan := mailPlan(t)
	payg := mustTariff(t, plan, 101)
	more := Quantities{resSeats: 12, resStorage: 50, resBackup: 1}
	change := func(from, to Quantities, rule ProrationRule) Change {
		return Change{Tariff: payg, From: from, To: to, Term: march, Today: mar11, Rule: rule}
	}
	cases := []struct {
		name   string
		change Change
		rules  BillingRules
		total  string
		lines  []string
	}{
		// Four seats more on 11 March, 21 of 31 days left: 4 × 3.00 × 21/31 = 8.129… → 8.13.
		{"UpProrated", change(mailQ, more, ProrateImmediate), BillingPayAsYouGo.Rules(), "14.13",
			[]string{"setup_fee p1 r11 4×1.5×0=6.0", "recurring_fee p1 r11 4×3.0×21/31=8.13"}},
		{"UpFull", change(mailQ, more, ProrateImmediateFull), BillingPayAsYouGo.Rules(), "18.0",
			[]string{"setup_fee p1 r11 4×1.5×0=6.0", "recurring_fee p1 r11 4×3.0×1=12.0"}},
		{"UpNextPeriod", change(mailQ, more, ProrateNextPeriod), BillingPayAsYouGo.Rules(), "6.0",
			[]string{"setup_fee p1 r11 4×1.5×0=6.0"}},
		{"DownProratedRefund", change(more, mailQ, ProrateImmediate), BillingPayAsYouGo.Rules(), "-8.13",
			[]string{"recurring_fee p1 r11 -4×3.0×21/31=-8.13"}},
		{"DownFullRefundsTheRemainder", change(more, mailQ, ProrateImmediateFull), BillingPayAsYouGo.Rules(), "-8.13",
			[]string{"recurring_fee p1 r11 -4×3.0×21/31=-8.13"}},
		{"DownNextPeriod", change(more, mailQ, ProrateNextPeriod), BillingPayAsYouGo.Rules(), "0.0", nil},
		{"DownNoRefund", change(more, mailQ, ProrateImmediate), BillingRules{Recurring: true, DecreaseByChange: true}, "0.0", nil},
		{"BooleanOn", change(Quantities{resSeats: 8, resStorage: 50}, mailQ, ProrateImmediate), BillingPayAsYouGo.Rules(), "4.71",
			[]string{"setup_fee p1 r13 1×2.0×0=2.0", "recurring_fee p1 r13 1×4.0×21/31=2.71"}},
		// 3 GB × 0.125 × 21/31 = 0.2540… → 0.25.
		{"Storage", change(mailQ, Quantities{resSeats: 8, resStorage: 53, resBackup: 1}, ProrateImmediate), BillingPayAsYouGo.Rules(), "0.25",
			[]string{"recurring_fee p1 r12 3×0.125×21/31=0.25"}},
		// Included 2, minimum 5: from 5 to 6 seats is one more charged seat.
		{"AboveMinimum", change(Quantities{resSeats: 5, resStorage: 10}, Quantities{resSeats: 6, resStorage: 10}, ProrateImmediateFull), BillingPayAsYouGo.Rules(), "4.5",
			[]string{"setup_fee p1 r11 1×1.5×0=1.5", "recurring_fee p1 r11 1×3.0×1=3.0"}},
		{"BothWays", change(mailQ, Quantities{resSeats: 12, resStorage: 50}, ProrateImmediate), BillingPayAsYouGo.Rules(), "11.42",
			[]string{"setup_fee p1 r11 4×1.5×0=6.0", "recurring_fee p1 r11 4×3.0×21/31=8.13", "recurring_fee p1 r13 -1×4.0×21/31=-2.71"}},
		{"NonRecurringSetupOnly", change(mailQ, more, ProrateImmediate), BillingNonRecurring.Rules(), "6.0",
			[]string{"setup_fee p1 r11 4×1.5×0=6.0"}},
		{"AfterTheTerm", Change{Tariff: payg, From: mailQ, To: more, Term: march, Today: Date{2027, 4, 1}, Rule: ProrateImmediate},
			BillingPayAsYouGo.Rules(), "6.0", []string{"setup_fee p1 r11 4×1.5×0=6.0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := quoteChange(c.change, c.rules)
			checkQuote(t, q, err, c.total, c.lines...)
		})
	}
	t.Run("Exported", func(t *testing.T) {
		q, err := QuoteChange(change(mailQ, more, ProrateImmediate))
		checkQuote(t, q, err, "14.13", "setup_fee p1 r11 4×1.5×0=6.0", "recurring_fee p1 r11 4×3.0×21/31=8.13")
	})
	t.Run("Trial", func(t *testing.T) {
		q, err := QuoteChange(Change{Tariff: mustTariff(t, plan, 114), From: mailQ, To: more, Term: march, Today: mar11, Rule: ProrateImmediate})
		checkQuote(t, q, err, "0.0")
	})
	t.Run("FromJanuary31", func(t *testing.T) {
		// Bought on 31 January: the period ends on 28 February, 28 days; on 14 February
		// half of it remains.
		term, err := PeriodTerm(Date{2027, 1, 31}, payg.Period)
		if err != nil {
			t.Fatal(err)
		}
		q, err := QuoteChange(Change{Tariff: payg, From: mailQ, To: more, Term: term, Today: Date{2027, 2, 14}, Rule: ProrateImmediate})
		checkQuote(t, q, err, "12.0", "setup_fee p1 r11 4×1.5×0=6.0", "recurring_fee p1 r11 4×3.0×1/2=6.0")
	})
	t.Run("ErrUnknownRule", func(t *testing.T) {
		if _, err := QuoteChange(change(mailQ, more, "someday")); CodeOf(err) != ErrInternal {
			t.Fatalf("err=%v, want an internal error", err)
		}
	})
}

func TestQuoteSwitch(t *testing.T) {
	from := mustTariff(t, mailPlan(t), 101)
	to := mustTariff(t, proPlan(t), 201)
	toQ := Quantities{resProSeat: 7}
	sw := func(rule ProrationRule) Switch {
		return Switch{From: from, FromQ: mailQ, To: to, ToQ: toQ, Term: march, Today: mar11, Rule: rule}
	}
	// The unused part of the old plan, 21/31 of March: 20 → 13.548… → 13.55, six seats
	// 18 → 12.19, 40 GB 5 → 3.39, backup 4 → 2.71; 31.84 in all.
	credit := []string{
		"recurring_fee p1 r0 -1×20.0×21/31=-13.55",
		"recurring_fee p1 r11 -6×3.0×21/31=-12.19",
		"recurring_fee p1 r12 -40×0.125×21/31=-3.39",
		"recurring_fee p1 r13 -1×4.0×21/31=-2.71",
	}
	t.Run("Prorated", func(t *testing.T) {
		q, err := QuoteSwitch(sw(ProrateImmediate))
		checkQuote(t, q, err, "20.26", append([]string{
			"setup_fee p2 r0 1×25.0×0=25.0",
			"recurring_fee p2 r0 1×35.0×21/31=23.71",
			"recurring_fee p2 r21 2×2.5×21/31=3.39"}, credit...)...)
	})
	t.Run("Full", func(t *testing.T) {
		q, err := QuoteSwitch(sw(ProrateImmediateFull))
		checkQuote(t, q, err, "33.16", append([]string{
			"setup_fee p2 r0 1×25.0×0=25.0",
			"recurring_fee p2 r0 1×35.0×1=35.0",
			"recurring_fee p2 r21 2×2.5×1=5.0"}, credit...)...)
	})
	t.Run("NextPeriod", func(t *testing.T) {
		q, err := QuoteSwitch(sw(ProrateNextPeriod))
		checkQuote(t, q, err, "25.0", "setup_fee p2 r0 1×25.0×0=25.0")
	})
	cheap := proPlan(t)
	cheap.Periods[0].SetupFee, cheap.Periods[0].RecurringFee = 0, amt(t, "1")
	down := sw(ProrateImmediate)
	down.To, down.ToQ = mustTariff(t, cheap, 201), Quantities{resProSeat: 5}
	t.Run("DownRefunded", func(t *testing.T) {
		q, err := QuoteSwitch(down)
		checkQuote(t, q, err, "-31.16", append([]string{"recurring_fee p2 r0 1×1.0×21/31=0.68"}, credit...)...)
	})
	t.Run("DownCreditKept", func(t *testing.T) {
		q, err := quoteSwitch(down, BillingRules{Recurring: true, Switch: true})
		checkQuote(t, q, err, "0.0", append(append([]string{"recurring_fee p2 r0 1×1.0×21/31=0.68"}, credit...),
			"credit_kept p1 r0 1×31.16×0=31.16")...)
	})
	t.Run("FromTrialIsASale", func(t *testing.T) {
		s := sw(ProrateImmediate)
		s.From = mustTariff(t, mailPlan(t), 114)
		q, err := QuoteSwitch(s)
		checkQuote(t, q, err, "65.0",
			"setup_fee p2 r0 1×25.0×0=25.0",
			"recurring_fee p2 r0 1×35.0×1=35.0",
			"recurring_fee p2 r21 2×2.5×1=5.0")
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		s := sw(ProrateImmediate)
		s.To.Currency = "EUR"
		_, err := QuoteSwitch(s)
		wantOneError(t, err, MsgSwitchCurrency, "/data/attributes/plan_id")
	})
}

// oneFee prices a sales order of a non-recurring plan whose only fee is a setup fee of
// price in currency: one line, the fee rounded.
func oneFee(t *testing.T, currency, price string) Quote {
	t.Helper()
	tariff := Tariff{PlanID: 9, Currency: currency, BillingType: BillingNonRecurring,
		Period: PlanPeriod{Duration: 1, Unit: UnitMonths, SetupFee: amt(t, price)}}
	q, err := QuoteSales(tariff, nil)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestQuoteRounding(t *testing.T) {
	cases := []struct {
		currency, price, want string
	}{
		{"USD", "0.125", "0.13"}, // half away from zero, not to even
		{"USD", "0.135", "0.14"},
		{"USD", "0.124999", "0.12"},
		{"USD", "0.115", "0.12"},
		{"USD", "-0.125", "-0.13"},
		{"EUR", "987.654321", "987.65"},
		{"JPY", "12.5", "13.0"},
		{"JPY", "13.5", "14.0"},
		{"JPY", "12.499999", "12.0"},
		{"KRW", "0.5", "1.0"},
		{"KWD", "1.2345", "1.235"},
		{"KWD", "1.2344", "1.234"},
		{"BHD", "0.0005", "0.001"},
		{"OMR", "-0.0005", "-0.001"},
	}
	for _, c := range cases {
		t.Run(c.currency+c.price, func(t *testing.T) {
			q := oneFee(t, c.currency, c.price)
			if len(q.Lines) != 1 || q.Total.String() != c.want || q.Lines[0].UnitPrice.String() != amt(t, c.price).String() {
				t.Fatalf("quote=%+v, want one line of %s", q, c.want)
			}
		})
	}
	t.Run("ProratedOnce", func(t *testing.T) {
		// One unit at 1.00 a month for 1/8 of a month is 0.125 → 0.13: the line is
		// rounded once, from the exact product.
		tariff := Tariff{PlanID: 9, Currency: "USD", BillingType: BillingPayAsYouGo,
			Period:    PlanPeriod{Duration: 8, Unit: UnitDays},
			Resources: []PlanResource{{ID: 1, Limit: 10, RecurringFee: amt(t, "1")}}}
		term := Term{Start: Date{2027, 1, 1}, End: Date{2027, 1, 9}, Months: WholeMonths(1)}
		q, err := QuoteChange(Change{Tariff: tariff, From: Quantities{}, To: Quantities{1: 1}, Term: term,
			Today: Date{2027, 1, 8}, Rule: ProrateImmediate})
		checkQuote(t, q, err, "0.13", "recurring_fee p9 r1 1×1.0×1/8=0.13")
	})
	t.Run("TinyLineKept", func(t *testing.T) {
		q := oneFee(t, "USD", "0.001")
		if len(q.Lines) != 1 || q.Total != 0 {
			t.Fatalf("quote=%+v, want one line rounded to 0", q)
		}
	})
}

func TestQuoteRefusesOverflow(t *testing.T) {
	plan := mailPlan(t)
	t.Run("Line", func(t *testing.T) {
		_, err := QuoteSales(mustTariff(t, plan, 101), Quantities{resSeats: 5, resStorage: math.MaxInt64})
		wantOneError(t, err, MsgPriceRange, "")
	})
	t.Run("LineTimesMonths", func(t *testing.T) {
		// 2^40 GB at 0.125 fit one month, not twelve months × 3000.
		p := plan
		p.Periods = []PlanPeriod{{ID: 1, Duration: 3000, Unit: UnitYears}}
		_, err := QuoteSales(mustTariff(t, p, 1), Quantities{resSeats: 5, resStorage: 1 << 40})
		wantOneError(t, err, MsgPriceRange, "")
	})
	t.Run("Total", func(t *testing.T) {
		p := plan
		p.BillingType = BillingNonRecurring
		p.Periods = []PlanPeriod{{ID: 1, Duration: 1, Unit: UnitMonths, SetupFee: amt(t, "5000000000000")}}
		p.Resources[2].SetupFee = amt(t, "5000000000000")
		_, err := QuoteSales(mustTariff(t, p, 1), Quantities{resSeats: 5, resStorage: 10, resBackup: 1})
		wantOneError(t, err, MsgPriceRange, "")
	})
	t.Run("Period", func(t *testing.T) {
		p := plan
		p.Periods = []PlanPeriod{{ID: 1, Duration: math.MaxInt, Unit: UnitYears}}
		_, err := QuoteSales(mustTariff(t, p, 1), Quantities{resSeats: 5, resStorage: 10})
		wantOneError(t, err, MsgPriceRange, "")
	})
	t.Run("FitsJustUnder", func(t *testing.T) {
		p := plan
		p.BillingType = BillingNonRecurring
		p.Periods = []PlanPeriod{{ID: 1, Duration: 1, Unit: UnitMonths, SetupFee: amt(t, "4000000000000")}}
		p.Resources[2].SetupFee = amt(t, "5000000000000")
		q, err := QuoteSales(mustTariff(t, p, 1), Quantities{resSeats: 5, resStorage: 10, resBackup: 1})
		if err != nil || q.Total.String() != "9000000000004.5" {
			t.Fatalf("total=%s,%v, want 9000000000004.5", q.Total, err)
		}
	})
}
