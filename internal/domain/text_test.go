package domain

import "testing"

func TestPlainText(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"", true},
		{"Anna Schmidt", true},
		{"tab\tline\nreturn\r", true},
		{"Hauptstraße ünïcödé 東京", true},
		{"nul\x00", false},
		{"escape\x1b", false},
		{"unit\x1f", false},
		{"delete\x7f", false},
		{"bad \xff byte", false},
	} {
		if got := PlainText(c.in); got != c.want {
			t.Errorf("PlainText(%q)=%v, want %v", c.in, got, c.want)
		}
	}
}
