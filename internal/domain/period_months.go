package domain

import (
	"fmt"
	"math/big"
	"strconv"
)

// Months is an exact length of time in months: whole months (1, 12) or a fraction
// (7/30 for a seven-day period, 1/2 for half of a prorated month). Charges state their
// period in months, and recurring fees are prices per month, so every recurring amount
// is a fee times a Months. The zero value is zero months.
type Months struct{ num, den int64 } // lowest terms, den > 0, or the zero value

// WholeMonths is n months.
func WholeMonths(n int64) Months {
	if n == 0 {
		return Months{}
	}
	return Months{n, 1}
}

// monthsOf converts r, refusing a fraction whose terms do not fit in int64.
func monthsOf(r *big.Rat) (Months, error) {
	if !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return Months{}, errPriceRange()
	}
	if r.Sign() == 0 {
		return Months{}, nil
	}
	return Months{r.Num().Int64(), r.Denom().Int64()}, nil
}

// MonthsFraction is num/den months, as Fraction stored them; den must be positive
// unless num is zero.
func MonthsFraction(num, den int64) (Months, error) {
	if num == 0 {
		return Months{}, nil
	}
	if den <= 0 {
		return Months{}, fmt.Errorf("months %d/%d: the denominator must be positive", num, den)
	}
	return monthsOf(big.NewRat(num, den))
}

// Fraction is m as numerator and denominator in lowest terms (0/0 for zero months),
// for storing.
func (m Months) Fraction() (num, den int64) { return m.num, m.den }

// Rat is m as a new big.Rat.
func (m Months) Rat() *big.Rat {
	if m.num == 0 {
		return new(big.Rat)
	}
	return big.NewRat(m.num, m.den)
}

// IsZero reports whether m is no time at all.
func (m Months) IsZero() bool { return m.num == 0 }

// String renders m exactly: "12", "1/2", "7/30".
func (m Months) String() string {
	if m.num == 0 {
		return "0"
	}
	if m.den == 1 {
		return strconv.FormatInt(m.num, 10)
	}
	return strconv.FormatInt(m.num, 10) + "/" + strconv.FormatInt(m.den, 10)
}

// Decimal renders m with the given number of decimal places, rounded half away from
// zero, as charges show their duration ("0.233" for seven days).
func (m Months) Decimal(places int) string {
	return roundRat(m.Rat(), places).FloatString(places)
}

// roundRat rounds r to places decimal places, half away from zero: the rule of
// Amount.Round, kept in one place for exact fractions.
func roundRat(r *big.Rat, places int) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	n := new(big.Int).Mul(r.Num(), scale)
	q, m := new(big.Int).QuoRem(n, r.Denom(), new(big.Int)) // truncated toward zero
	// |remainder| * 2 >= denominator: at least half a step away, so move away from zero.
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(int64(n.Sign())))
	}
	return new(big.Rat).SetFrac(q, scale)
}
