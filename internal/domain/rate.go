package domain

import (
	"errors"
	"math/big"
	"strings"
)

// Rate is an exact positive currency rate: how many units of one currency one unit of
// another is worth (a rate quoted for several units is divided out). It keeps every
// digit it was given, so a charge converted by it can always be explained. The zero
// value is the rate 1, the rate between a currency and itself.
type Rate struct{ r *big.Rat }

// ErrRateSyntax is what ParseRate refuses.
var ErrRateSyntax = errors.New("not a positive decimal number")

// rateMaxDigits bounds the text a rate is read from, so a client cannot make the
// server hold or multiply arbitrarily long numbers.
const rateMaxDigits = 40

// RateOne is the rate 1.
func RateOne() Rate { return Rate{} }

// ParseRate reads a positive decimal such as "1.08" or "0.0021". Exponents, signs
// and zero are refused.
func ParseRate(s string) (Rate, error) {
	r, ok := parseDecimal(strings.TrimSpace(s), rateMaxDigits)
	if !ok || r.Sign() <= 0 {
		return Rate{}, ErrRateSyntax
	}
	return rateOf(r), nil
}

// parseDecimal reads an unsigned decimal without exponent ("12", "0.5", ".5") of at
// most maxDigits digits, exactly.
func parseDecimal(s string, maxDigits int) (*big.Rat, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) || len(whole)+len(frac) > maxDigits {
		return nil, false
	}
	return new(big.Rat).SetString(s)
}

// RateFraction is num/den, both positive.
func RateFraction(num, den int64) (Rate, error) {
	if num <= 0 || den <= 0 {
		return Rate{}, ErrRateSyntax
	}
	return rateOf(big.NewRat(num, den)), nil
}

func rateOf(r *big.Rat) Rate {
	if r.Cmp(big.NewRat(1, 1)) == 0 {
		return Rate{}
	}
	return Rate{r}
}

// Rat is the rate as a new fraction the caller may change.
func (x Rate) Rat() *big.Rat {
	if x.r == nil {
		return big.NewRat(1, 1)
	}
	return new(big.Rat).Set(x.r)
}

// IsOne reports whether x is 1.
func (x Rate) IsOne() bool { return x.r == nil }

// Equal reports whether x and y are the same rate.
func (x Rate) Equal(y Rate) bool { return x.Rat().Cmp(y.Rat()) == 0 }

// Mul is x times y, exactly.
func (x Rate) Mul(y Rate) Rate { return rateOf(new(big.Rat).Mul(x.Rat(), y.Rat())) }

// String is the exact decimal when the rate has one ("1.08", "1.296"), otherwise the
// fraction ("10/3"): a rate divided by a quantity may not end.
func (x Rate) String() string { return decimalText(x.Rat()) }

// decimalText writes r as a decimal when it has a finite one, else as a fraction.
func decimalText(r *big.Rat) string {
	if s, ok := exactDecimal(r); ok {
		return s
	}
	return r.String()
}

// exactDecimal is r written as a finite decimal, when it is one.
func exactDecimal(r *big.Rat) (string, bool) {
	for places := 0; places <= 2*rateMaxDigits; places++ {
		scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
		n := new(big.Int).Mul(r.Num(), scale)
		q, m := new(big.Int).QuoRem(n, r.Denom(), new(big.Int))
		if m.Sign() != 0 {
			continue
		}
		s := q.String()
		if places == 0 {
			return s, true
		}
		for len(s) <= places {
			s = "0" + s
		}
		return s[:len(s)-places] + "." + s[len(s)-places:], true
	}
	return "", false
}

// ParseStoredRate reads what String wrote: a decimal or a fraction.
func ParseStoredRate(s string) (Rate, error) {
	if strings.Contains(s, "/") {
		r, ok := new(big.Rat).SetString(s)
		if !ok || r.Sign() <= 0 {
			return Rate{}, ErrRateSyntax
		}
		return rateOf(r), nil
	}
	return ParseRate(s)
}
