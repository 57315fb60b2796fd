package domain

import "testing"

func TestCodeLists(t *testing.T) {
	if got := len(countryCodes); got != 249 {
		t.Errorf("country codes: got %d, want 249", got)
	}
	if got := len(currencyCodes); got < 150 {
		t.Errorf("currency codes: got %d, want at least 150", got)
	}
	for _, c := range []string{"AD", "AT", "BY", "DE", "US", "ZW"} {
		if !ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = false", c)
		}
	}
	for _, c := range []string{"", "XX", "de", "DEU", "UK"} {
		if ValidCountry(c) {
			t.Errorf("ValidCountry(%q) = true", c)
		}
	}
	for _, c := range []string{"AED", "BYN", "EUR", "RUB", "USD", "ZWG"} {
		if !ValidCurrency(c) {
			t.Errorf("ValidCurrency(%q) = false", c)
		}
	}
	for _, c := range []string{"", "EU", "usd", "XXX", "EURO"} {
		if ValidCurrency(c) {
			t.Errorf("ValidCurrency(%q) = true", c)
		}
	}
}
