package domain

import (
	"math/big"
	"strconv"
	"time"
)

// Currency rates (docs/billing.md "Currency rates"). A reseller sets how much a unit of
// a foreign currency is worth in its own; plan prices in that currency are converted
// at the rate in force when an order is made. A reseller without its own rate for a
// pair inherits its nearest ancestor's, and the default is the rate 1.

// CurrencyRate is one stored rate: from ValidFrom on, Quantity units of Foreign are
// worth Rate units of Base (the reseller's currency), and prices are converted at
// Rate / Quantity × Adjustment. Rows are never changed: an update adds one.
type CurrencyRate struct {
	ID            int64
	ResellerID    int64 // the reseller that set it (an ancestor's when inherited)
	Base          string
	Foreign       string
	Quantity      int64
	Rate          Rate
	Adjustment    Rate
	ShowForClient bool
	ValidFrom     time.Time
	// Current reports whether no later row of the same reseller and pair exists.
	Current bool
}

// DefaultCurrencyRate is the rate in force for reseller's pair base/foreign when no
// reseller on its path set one: 1 for one unit, adjustment 1.
func DefaultCurrencyRate(resellerID int64, base, foreign string) CurrencyRate {
	return CurrencyRate{ResellerID: resellerID, Base: base, Foreign: foreign, Quantity: 1, Current: true}
}

// Conversion is the exact factor that converts a price in Foreign into Base: the
// rate divided by its quantity, times the adjustment.
func (r CurrencyRate) Conversion() Rate {
	q := r.Quantity
	if q < 1 {
		q = 1
	}
	per, _ := RateFraction(1, q)
	return r.Rate.Mul(per).Mul(r.Adjustment)
}

// The bounds of a rate's adjustment.
var (
	adjustmentMin = big.NewRat(1, 10000)
	adjustmentMax = big.NewRat(1000, 1)
)

// CurrencyID is the number the API shows for an ISO 4217 code: the code read as a
// number in base 26 (A = 0), plus 1. It never changes and needs no table: USD is
// 13992, EUR 3242. 0 for what is not three capital letters.
func CurrencyID(code string) int64 {
	if len(code) != 3 {
		return 0
	}
	var n int64
	for i := 0; i < 3; i++ {
		c := code[i]
		if c < 'A' || c > 'Z' {
			return 0
		}
		n = n*26 + int64(c-'A')
	}
	return n + 1
}

// CurrencyIDText is CurrencyID as the API writes an id.
func CurrencyIDText(code string) string { return strconv.FormatInt(CurrencyID(code), 10) }

// currencySigns are the signs the API shows for the most used currencies; the others
// show their code.
var currencySigns = map[string]string{
	"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "RUB": "руб.", "KZT": "тг.",
	"UAH": "₴", "INR": "₹", "KRW": "₩", "TRY": "₺", "PLN": "zł", "CHF": "Fr.", "BYN": "Br",
}

// CurrencyUnit is the display sign of a currency, or its code when it has none here.
func CurrencyUnit(code string) string {
	if s, ok := currencySigns[code]; ok {
		return s
	}
	return code
}

// CurrencyRateInput is one item of an update of currency rates as the client sent it:
// rate and adjustment keep their decimal digits as written; nil is absent.
type CurrencyRateInput struct {
	Base, Foreign *string
	Quantity      *int64
	Rate          *string
	Adjustment    *string
	ShowForClient *bool
}

// CurrencyRateChange is a checked item of an update.
type CurrencyRateChange struct {
	Foreign       string
	Quantity      int64
	Rate          Rate
	Adjustment    Rate
	ShowForClient bool
}

// ValidateCurrencyRates checks an update of the rates of a reseller whose currency is
// base: every item, each problem with its pointer (/data/attributes/<i>/<field>).
// Nothing is applied unless every item is good.
func ValidateCurrencyRates(base string, in []CurrencyRateInput) ([]CurrencyRateChange, error) {
	var p Problems
	if len(in) == 0 {
		p.Add("/data/attributes", MsgBlank)
	}
	if len(in) > MaxCurrencyRateItems {
		p.Add("/data/attributes", MsgCurrencyRateItems, MaxCurrencyRateItems)
		return nil, p.Err()
	}
	out := make([]CurrencyRateChange, 0, len(in))
	for i, item := range in {
		at := "/data/attributes/" + strconv.Itoa(i) + "/"
		var c CurrencyRateChange
		if item.Base == nil {
			p.Add(at+"base_currency", MsgRequired)
		} else if b := p.Currency(at+"base_currency", *item.Base, true); b != "" && b != base {
			p.Add(at+"base_currency", MsgCurrencyRateBase, base)
		}
		if item.Foreign == nil {
			p.Add(at+"foreign_currency", MsgRequired)
		} else if c.Foreign = p.Currency(at+"foreign_currency", *item.Foreign, true); c.Foreign == base {
			p.Add(at+"foreign_currency", MsgCurrencyRateSame)
		}
		switch {
		case item.Quantity == nil:
			p.Add(at+"quantity", MsgRequired)
		case *item.Quantity < 1 || *item.Quantity > maxRateQuantity:
			p.Add(at+"quantity", MsgOutOfRange, 1, maxRateQuantity)
		default:
			c.Quantity = *item.Quantity
		}
		if item.Rate == nil {
			p.Add(at+"rate", MsgRequired)
		} else if r, err := ParseRate(*item.Rate); err != nil {
			p.Add(at+"rate", MsgCurrencyRatePositive)
		} else {
			c.Rate = r
		}
		c.Adjustment = RateOne()
		if item.Adjustment != nil {
			a, err := ParseRate(*item.Adjustment)
			if err != nil || a.Rat().Cmp(adjustmentMin) < 0 || a.Rat().Cmp(adjustmentMax) > 0 {
				p.Add(at+"adjustment", MsgCurrencyRateAdjustment)
			} else {
				c.Adjustment = a
			}
		}
		if item.ShowForClient != nil {
			c.ShowForClient = *item.ShowForClient
		}
		out = append(out, c)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// MaxCurrencyRateItems bounds the items of one update.
const MaxCurrencyRateItems = 200

// maxRateQuantity bounds the units a rate is quoted for.
const maxRateQuantity = 1_000_000

// RateDisplay writes a conversion rate for display: the exact decimal when it has at
// most six places, otherwise rounded half away from zero to six places. Stored rates
// and the arithmetic keep every digit; only what people read is rounded.
func RateDisplay(r Rate) string {
	s, ok := exactDecimal(r.Rat())
	if ok && decimalPlaces(s) <= 6 {
		return s
	}
	s, _ = exactDecimal(roundRat(r.Rat(), 6))
	return s
}

// decimalPlaces counts the digits after the point of a decimal.
func decimalPlaces(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return len(s) - i - 1
		}
	}
	return 0
}
