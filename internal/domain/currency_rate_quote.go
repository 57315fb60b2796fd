package domain

import "math/big"

// ConvertQuote prices q, priced in its plan's currency, in currency at rate (the
// conversion of the rate in force, CurrencyRate.Conversion): every line keeps its unit
// price in the plan's currency, and its Amount becomes unit price × quantity (×
// months) × rate, exact, rounded once to currency's minor unit; the total is the sum
// of the new amounts. A FeeCreditKept line, which only brings a switch's negative sum
// to zero, takes back the converted sum of the other lines so that the total stays
// zero. Where currency is q's own the quote is returned as it is, with rate 1.
func ConvertQuote(q Quote, currency string, rate Rate) (Quote, error) {
	out := q
	out.PlanCurrency = q.Currency
	if currency == q.Currency || currency == "" {
		out.Rate = RateOne()
		return out, nil
	}
	out.Currency, out.Rate = currency, rate
	out.Lines = make([]QuoteLine, len(q.Lines))
	var total big.Int
	kept := -1
	for i, l := range q.Lines {
		out.Lines[i] = l
		if l.Fee == FeeCreditKept {
			kept = i
			continue
		}
		exact := new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(int64(l.UnitPrice)), big.NewInt(l.Quantity)))
		if !l.Months.IsZero() {
			exact.Mul(exact, l.Months.Rat())
		}
		exact.Mul(exact, rate.Rat())
		amount, err := roundAmount(exact, currency)
		if err != nil {
			return Quote{}, err
		}
		out.Lines[i].Amount = amount
		total.Add(&total, big.NewInt(int64(amount)))
	}
	if kept >= 0 {
		back := new(big.Int).Neg(&total)
		if back.Sign() < 0 {
			back.SetInt64(0)
		}
		if !back.IsInt64() {
			return Quote{}, errPriceRange()
		}
		out.Lines[kept].Amount = Amount(back.Int64())
		total.Add(&total, back)
	}
	if !total.IsInt64() {
		return Quote{}, errPriceRange()
	}
	out.Total = Amount(total.Int64())
	return out, nil
}
