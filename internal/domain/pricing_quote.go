package domain

import "math/big"

// FeeKind is what a quote line charges, named after the charge types.
type FeeKind string

// Fee kinds. A refund, or the credit for the unused part of a plan being left, is a
// recurring-fee line with a negative quantity and amount.
const (
	FeeSetup     FeeKind = "setup_fee"     // once per unit, when the unit is first ordered
	FeeRecurring FeeKind = "recurring_fee" // per unit and month
	FeeRenewal   FeeKind = "renewal_fee"   // once per unit and renewal
	// FeeCreditKept takes back the part of a switch's credit beyond the new plan's price
	// where the billing type returns no money, so the order costs nothing rather than
	// paying out.
	FeeCreditKept FeeKind = "credit_kept"
)

// QuoteLine is one priced item of an order: a fee of the plan period (PlanResourceID
// 0) or of a resource's units.
type QuoteLine struct {
	Fee            FeeKind
	PlanID         int64
	PlanResourceID int64  // 0 for the period's own fee
	Quantity       int64  // units charged (1 for the period); negative for a refund or credit
	UnitPrice      Amount // exact, as the catalogue states it; per month for a recurring fee
	Months         Months // months charged, for a recurring fee; zero for a one-off fee
	// Amount is UnitPrice × Quantity (× Months), rounded once to the currency's minor
	// unit, half away from zero (Amount.Round).
	Amount Amount
}

// Quote is the price of an order: its lines and their exact sum, in Currency. Unit
// prices stay in PlanCurrency, the currency of the tariff it was priced by; each
// line's Amount is converted by Rate (the rate times its adjustment) and rounded
// once. Rate is 1 and PlanCurrency empty or equal to Currency when no conversion
// applies.
type Quote struct {
	Currency     string
	PlanCurrency string
	Rate         Rate
	Lines        []QuoteLine
	Total        Amount
}

// quoteBuilder collects the lines of a quote and the first error met pricing them.
type quoteBuilder struct {
	q     Quote
	total big.Int
	err   error
}

func newQuote(currency string) *quoteBuilder { return &quoteBuilder{q: Quote{Currency: currency}} }

// add prices one line; a line that charges nothing (no units, no price, no months) is
// left out, while one whose exact amount rounds to zero is kept.
func (b *quoteBuilder) add(fee FeeKind, planID, resourceID, qty int64, unit Amount, months Months, perMonth bool) {
	if b.err != nil || qty == 0 || unit == 0 || perMonth && months.IsZero() {
		return
	}
	exact := new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(int64(unit)), big.NewInt(qty)))
	if perMonth {
		exact.Mul(exact, months.Rat())
	}
	amount, err := roundAmount(exact, b.q.Currency)
	if err != nil {
		b.err = err
		return
	}
	if !perMonth {
		months = Months{}
	}
	b.q.Lines = append(b.q.Lines, QuoteLine{Fee: fee, PlanID: planID, PlanResourceID: resourceID,
		Quantity: qty, UnitPrice: unit, Months: months, Amount: amount})
	b.total.Add(&b.total, big.NewInt(int64(amount)))
}

// done returns the quote, or the error of an amount or total beyond what Amount holds.
func (b *quoteBuilder) done() (Quote, error) {
	if b.err != nil {
		return Quote{}, b.err
	}
	if !b.total.IsInt64() {
		return Quote{}, errPriceRange()
	}
	b.q.Total = Amount(b.total.Int64())
	return b.q, nil
}

// roundAmount rounds exact, in Amount steps, to the minor unit of currency.
func roundAmount(exact *big.Rat, currency string) (Amount, error) {
	units := new(big.Rat).Quo(exact, big.NewRat(AmountScale, 1))
	r := roundRat(units, MinorUnits(currency))
	r.Mul(r, big.NewRat(AmountScale, 1))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, errPriceRange()
	}
	return Amount(r.Num().Int64()), nil
}

// setupLines charges the setup fee of the period (when period is set) and of each
// resource's units added from the quantities before to after (before nil: none held).
func (b *quoteBuilder) setupLines(t Tariff, period bool, before, after Quantities) {
	if period {
		b.add(FeeSetup, t.PlanID, 0, 1, t.Period.SetupFee, Months{}, false)
	}
	for _, r := range t.Resources {
		added := r.ChargedUnits(after[r.ID])
		if before != nil {
			added -= r.ChargedUnits(before[r.ID])
		}
		if added > 0 {
			b.add(FeeSetup, t.PlanID, r.ID, added, r.SetupFee, Months{}, false)
		}
	}
}

// recurringLines charges (sign 1) or credits (sign -1) the recurring fees of the
// period and of every resource's charged units at quantities q for months.
func (b *quoteBuilder) recurringLines(t Tariff, q Quantities, months Months, sign int64) {
	b.add(FeeRecurring, t.PlanID, 0, sign, t.Period.RecurringFee, months, true)
	for _, r := range t.Resources {
		b.add(FeeRecurring, t.PlanID, r.ID, sign*r.ChargedUnits(q[r.ID]), r.RecurringFee, months, true)
	}
}
