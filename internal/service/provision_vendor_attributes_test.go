package service

import (
	"encoding/json"
	"testing"
)

// TestApplicationTexts checks that the attributes a vendor's create carries are the
// values the validation task kept, numbers as written.
func TestApplicationTexts(t *testing.T) {
	result := json.RawMessage(`{"valid":true,"errors":[],"application_attributes":` +
		`{"price":-12.50,"seats":12345678901234567890,"small":1e3,"ok":true,"name":"box"}}`)
	got, err := applicationTexts(result)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"price": "-12.50", "seats": "12345678901234567890", "small": "1e3", "ok": "true",
		"name": "box"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s=%q, want %q", k, got[k], w)
		}
	}
}
