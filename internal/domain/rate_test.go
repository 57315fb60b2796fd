package domain

import "testing"

func TestRateRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1", "1"}, {"1.08", "1.08"}, {"1.0800", "1.08"}, {"0.0021", "0.0021"}, {".5", "0.5"},
	} {
		r, err := ParseRate(tc.in)
		if err != nil {
			t.Fatalf("ParseRate(%q): %v", tc.in, err)
		}
		if got := r.String(); got != tc.want {
			t.Errorf("ParseRate(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseStoredRate(r.String())
		if err != nil || !back.Equal(r) {
			t.Errorf("ParseStoredRate(%q) = %v, %v", r.String(), back, err)
		}
	}
	third, _ := RateFraction(1, 3)
	if got := third.String(); got != "1/3" {
		t.Errorf("1/3 is written %q", got)
	}
	if back, err := ParseStoredRate("1/3"); err != nil || !back.Equal(third) {
		t.Errorf("ParseStoredRate(1/3) = %v, %v", back, err)
	}
	for _, bad := range []string{"", "0", "-1", "1e3", "abc", "1.2.3", "00000000000000000000000000000000000000001"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	a, _ := ParseRate("1.08")
	b, _ := ParseRate("1.2")
	if got := a.Mul(b).String(); got != "1.296" {
		t.Errorf("1.08 × 1.2 = %s", got)
	}
	if !RateOne().IsOne() || !RateOne().Mul(RateOne()).IsOne() {
		t.Error("one times one is not one")
	}
}
