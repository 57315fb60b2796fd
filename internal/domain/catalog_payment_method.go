package domain

import "regexp"

// PaymentMethod is a way a reseller's customers may pay (cash, a bank transfer, a
// card gateway), declared in the reseller's catalogue file under a stable key that
// payments name.
type PaymentMethod struct {
	ID         int64
	ResellerID int64
	Key        string
	Name       string
	Timestamps
}

// paymentMethodKey is the form of a payment method's key: it travels in API values,
// so lower case, digits and '_' only.
var paymentMethodKey = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// ValidPaymentMethodKey reports whether k may be a payment method's key.
func ValidPaymentMethodKey(k string) bool { return paymentMethodKey.MatchString(k) }
