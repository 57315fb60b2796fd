package vendor

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSettingsFromEnv(t *testing.T) {
	s, err := SettingsFromEnv(func(string) string { return "" })
	want := []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}
	if err != nil || s.Timeout != 30*time.Second || !slices.Equal(s.Retry, want) || s.Addresses.AllowPrivate {
		t.Fatalf("defaults: %+v, %v", s, err)
	}
	env := map[string]string{"CASCADE_VENDOR_TIMEOUT": "5s", "CASCADE_VENDOR_RETRY": "1s, 2m",
		"CASCADE_VENDOR_ALLOW_PRIVATE": "1"}
	s, err = SettingsFromEnv(func(k string) string { return env[k] })
	if err != nil || s.Timeout != 5*time.Second || !slices.Equal(s.Retry, []time.Duration{time.Second, 2 * time.Minute}) ||
		!s.Addresses.AllowPrivate {
		t.Fatalf("set: %+v, %v", s, err)
	}
	env = map[string]string{"CASCADE_VENDOR_TIMEOUT": "soon", "CASCADE_VENDOR_RETRY": "1s,,2s",
		"CASCADE_VENDOR_ALLOW_PRIVATE": "maybe"}
	_, err = SettingsFromEnv(func(k string) string { return env[k] })
	for _, name := range []string{"CASCADE_VENDOR_TIMEOUT", "CASCADE_VENDOR_RETRY", "CASCADE_VENDOR_ALLOW_PRIVATE"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("bad %s: %v", name, err)
		}
	}
}

func TestParseRetry(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []time.Duration
		ok   bool
	}{
		{"10s,1m", []time.Duration{10 * time.Second, time.Minute}, true},
		{" 5m ", []time.Duration{5 * time.Minute}, true},
		{"none", []time.Duration{}, true},
		{"0", []time.Duration{}, true},
		{"", nil, false},
		{"-1s", nil, false},
		{"0s", nil, false},
		{"1s,x", nil, false},
		{"200h", nil, false},
		{strings.Repeat("1s,", 50) + "1s", nil, false},
	} {
		got, err := ParseRetry(tc.in)
		if (err == nil) != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("ParseRetry(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	sched := []time.Duration{10 * time.Second, time.Minute}
	for _, tc := range []struct {
		attempt int
		random  float64
		want    time.Duration
		ok      bool
	}{
		{1, 0, 10 * time.Second, true},
		{1, 0.5, 11 * time.Second, true},
		{2, 0.999, time.Minute + time.Duration(0.2*0.999*float64(time.Minute)), true},
		{2, 1.5, time.Minute, true}, // out of range: no jitter
		{3, 0, 0, false},
		{0, 0, 0, false},
	} {
		got, ok := RetryDelay(sched, tc.attempt, tc.random)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RetryDelay(attempt %d, %v) = %s, %v; want %s, %v", tc.attempt, tc.random, got, ok, tc.want, tc.ok)
		}
	}
	// The jitter only lengthens a delay, by less than a fifth.
	for r := 0.0; r < 1; r += 0.01 {
		d, _ := RetryDelay(sched, 1, r)
		if d < 10*time.Second || d >= 12*time.Second {
			t.Fatalf("jitter %v: delay %s outside [10s, 12s)", r, d)
		}
	}
}
