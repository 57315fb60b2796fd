package httpapi

import (
	"testing"

	"github.com/cascade-billing/cascade/internal/domain"
)

// awkwardTexts are strings whose JSON needs escapes: quotes, backslashes, control
// characters, HTML, non-ASCII, the line separators JSON escapes, invalid UTF-8.
var awkwardTexts = []string{"", "plain", `qu"ote`, `back\slash`, "tab\tnew\nline", "<b>&amp;</b>",
	"Кириллица", "line\u2028sep\u2029", "bad\xffutf8", "\x00\x1f\x7f"}

// TestSubscriptionAttributesJSON holds the hand-written attributes to the bytes
// encoding/json gives for the same struct.
func TestSubscriptionAttributesJSON(t *testing.T) {
	date := "2027-01-31"
	for i, text := range awkwardTexts {
		a := &subscriptionAttributes{CreatedAt: "2026-01-01T00:00:00.000+00:00", UpdatedAt: text,
			PlanID: int64(i), AccountID: -7, Name: text, Trial: i%2 == 0, Status: "active", PromoCode: text,
			PaymentModel: "prepay", PaymentModelParameters: paymentModelParameters{CreditLimit: "0.0", CurrentDebt: "123.456"},
			RenewalSettings: renewalSettings{Autorenew: true, AutorenewPoint: 3, ManualRenewPoint: -1},
			FixedPrice:      i%3 == 0, CustomPrice: i%2 == 1,
			Ability: domain.Ability{Stop: true, Adjust: i%2 == 0, DecreaseResourcesProlongOrder: true}}
		if i%2 == 0 {
			a.StartDate, a.ExpirationDate = &date, &text
			a.ExternalID, a.ProvisioningJobID = &text, &date
			a.VendorAttributes = map[string]string{text: text, "z": "last", "a": text}
			a.ProvisioningError = &provisioningError{Code: "422", Message: text, At: text}
		}
		if i%3 == 0 {
			a.VendorAttributes = map[string]string{}
		}
		want, err := encodeCompact(a)
		if err != nil {
			t.Fatal(err)
		}
		if got := subscriptionAttributesJSON(a); string(got) != string(want) {
			t.Errorf("text %q:\n got %s\nwant %s", text, got, want)
		}
	}
}

// TestRelationshipsJSON holds the hand-written relationships to encoding/json's bytes.
func TestRelationshipsJSON(t *testing.T) {
	for _, text := range awkwardTexts {
		rels := map[string]relationship{
			"plan": {Data: &identifier{Type: "plans", ID: text}}, "account": {Data: &identifier{Type: text, ID: "1"}},
			"payment": {}, "none": {Data: (*identifier)(nil)}, text: {Data: []identifier{{Type: "a", ID: text}, {Type: "b", ID: "2"}}},
			"empty": {Data: []identifier{}},
		}
		want, err := encodeCompact(rels) // without HTML escapes, as documents are written
		if err != nil {
			t.Fatal(err)
		}
		got, ok := appendRelationships(nil, rels)
		if !ok || string(got) != string(want) {
			t.Errorf("text %q:\n got %s (%v)\nwant %s", text, got, ok, want)
		}
	}
}
