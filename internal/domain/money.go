package domain

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Amount is an exact sum of money: an integer count of millionths of a currency unit.
// Six places hold every ISO 4217 minor unit (at most three) and leave room for unit
// prices finer than a cent, such as per-gigabyte fees; int64 still reaches 9.2 trillion
// units. Amounts never pass through float64.
type Amount int64

// AmountScale is the number of Amount steps in one currency unit.
const AmountScale = 1_000_000

const amountPlaces = 6

// ErrAmountSyntax and ErrAmountRange are what ParseAmount refuses.
var (
	ErrAmountSyntax = errors.New("not a decimal number with at most 6 decimal places")
	ErrAmountRange  = errors.New("amount out of range")
)

// ParseAmount reads a decimal such as "21", "-0.5" or "987.650000". Exponents, more
// than six decimal places and values beyond the int64 range are refused, never
// rounded: a price is stored exactly as written or not at all.
func ParseAmount(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) {
		return 0, ErrAmountSyntax
	}
	if len(frac) > amountPlaces {
		// Trailing zeros beyond the scale change nothing.
		if strings.TrimRight(frac[amountPlaces:], "0") != "" {
			return 0, ErrAmountSyntax
		}
		frac = frac[:amountPlaces]
	}
	frac += strings.Repeat("0", amountPlaces-len(frac))
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/AmountScale-1 {
		return 0, ErrAmountRange
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := Amount(w*AmountScale + f)
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String renders a as the API shows money: a decimal with the fewest places that say
// it exactly, and at least one ("21.0", "987.65", "0.000125").
func (a Amount) String() string {
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-a)
	}
	whole, frac := u/AmountScale, u%AmountScale
	fs := strconv.FormatUint(frac+AmountScale, 10)[1:] // zero-padded to six places
	fs = strings.TrimRight(fs, "0")
	if fs == "" {
		fs = "0"
	}
	s := strconv.FormatUint(whole, 10) + "." + fs
	if neg {
		s = "-" + s
	}
	return s
}

// Round rounds a to the minor unit of currency (cents for USD, whole yen for JPY,
// thousandths for KWD), half away from zero. It is the one place Cascade rounds
// money: prices are stored exactly, and a sum becomes payable only through Round.
func (a Amount) Round(currency string) Amount {
	step := Amount(1)
	for i := MinorUnits(currency); i < amountPlaces; i++ {
		step *= 10
	}
	if step == 1 {
		return a
	}
	q, r := a/step, a%step
	switch {
	case r*2 >= step:
		q++
	case r*2 <= -step:
		q--
	}
	return q * step
}

// MulQty multiplies a by a whole quantity, failing rather than overflowing.
func (a Amount) MulQty(qty int64) (Amount, error) {
	p := new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(qty))
	if !p.IsInt64() {
		return 0, ErrAmountRange
	}
	return Amount(p.Int64()), nil
}

// minorUnits lists the ISO 4217 currencies whose minor unit is not 2 decimal places.
var minorUnits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
	"RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// MinorUnits is the number of decimal places of currency's minor unit.
func MinorUnits(currency string) int {
	if n, ok := minorUnits[currency]; ok {
		return n
	}
	return 2
}
