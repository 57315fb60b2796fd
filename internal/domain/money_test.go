package domain

import (
	"errors"
	"testing"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Amount
		err  error
	}{
		{"21", 21_000_000, nil},
		{"21.0", 21_000_000, nil},
		{"987.65", 987_650_000, nil},
		{"-0.5", -500_000, nil},
		{"+3", 3_000_000, nil},
		{".25", 250_000, nil},
		{"0.000001", 1, nil},
		{"1.0000010", 1_000_001, nil},
		{"1.0000001", 0, ErrAmountSyntax},
		{"1e3", 0, ErrAmountSyntax},
		{"", 0, ErrAmountSyntax},
		{".", 0, ErrAmountSyntax},
		{"-", 0, ErrAmountSyntax},
		{"1,5", 0, ErrAmountSyntax},
		{"99999999999999999999", 0, ErrAmountRange},
	} {
		got, err := ParseAmount(tc.in)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestAmountString(t *testing.T) {
	for _, tc := range []struct {
		in   Amount
		want string
	}{
		{0, "0.0"}, {21_000_000, "21.0"}, {987_650_000, "987.65"}, {-500_000, "-0.5"}, {125, "0.000125"},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%d.String() = %q, want %q", tc.in, got, tc.want)
		}
		back, err := ParseAmount(tc.want)
		if err != nil || back != tc.in {
			t.Errorf("round trip of %q = %d, %v", tc.want, back, err)
		}
	}
}

func TestAmountRound(t *testing.T) {
	for _, tc := range []struct {
		in       string
		currency string
		want     string
	}{
		{"1.005", "USD", "1.01"},
		{"1.004999", "USD", "1.0"},
		{"-1.005", "USD", "-1.01"},
		{"2.5", "JPY", "3.0"},
		{"1.0005", "KWD", "1.001"},
		{"0.333333", "EUR", "0.33"},
	} {
		a, _ := ParseAmount(tc.in)
		if got := a.Round(tc.currency).String(); got != tc.want {
			t.Errorf("Round(%s, %s) = %s, want %s", tc.in, tc.currency, got, tc.want)
		}
	}
	if _, err := Amount(1 << 62).MulQty(4); !errors.Is(err, ErrAmountRange) {
		t.Errorf("MulQty overflow: %v", err)
	}
}
