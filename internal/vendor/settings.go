package vendor

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Defaults of the settings (docs/vendor-protocol.md, Retries).
const (
	DefaultTimeout = 30 * time.Second
	DefaultRetry   = "10s,1m,5m,30m,2h,6h"
	// DefaultUsageInterval is how often usage and consumption are read.
	DefaultUsageInterval = time.Hour
)

// Settings tune the vendor calls of an installation.
type Settings struct {
	// Timeout bounds one call, from dialling to the last byte of the answer
	// (CASCADE_VENDOR_TIMEOUT).
	Timeout time.Duration
	// Retry is the delay before each repeated attempt of a call that may succeed
	// later; after the last, the operation fails (CASCADE_VENDOR_RETRY).
	Retry []time.Duration
	// Addresses is which addresses calls may reach (CASCADE_VENDOR_ALLOW_PRIVATE).
	Addresses AddressPolicy
	// UsageInterval is how often each subscription's usage and consumption are
	// read from its vendor (CASCADE_VENDOR_USAGE_INTERVAL).
	UsageInterval time.Duration
	// Observe, when set, is told of every call made: its event, how it ended
	// (Outcome's String) and how long it took, from the address check to the
	// answer read.
	Observe func(event, outcome string, d time.Duration)
}

// DefaultSettings returns the settings of an installation that sets none.
func DefaultSettings() Settings {
	retry, _ := ParseRetry(DefaultRetry)
	return Settings{Timeout: DefaultTimeout, Retry: retry, UsageInterval: DefaultUsageInterval}
}

// SettingsFromEnv reads CASCADE_VENDOR_TIMEOUT, CASCADE_VENDOR_RETRY and
// CASCADE_VENDOR_ALLOW_PRIVATE over the defaults, reporting every malformed value.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	s := DefaultSettings()
	var errs []error
	if v := getenv("CASCADE_VENDOR_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > time.Hour {
			errs = append(errs, fmt.Errorf("CASCADE_VENDOR_TIMEOUT %q: want a duration from 1ms to 1h, such as 30s", v))
		} else {
			s.Timeout = d
		}
	}
	if v := getenv("CASCADE_VENDOR_RETRY"); v != "" {
		r, err := ParseRetry(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("CASCADE_VENDOR_RETRY: %w", err))
		} else {
			s.Retry = r
		}
	}
	if v := getenv("CASCADE_VENDOR_USAGE_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > maxRetryDelay {
			errs = append(errs, fmt.Errorf("CASCADE_VENDOR_USAGE_INTERVAL %q: want a duration from 1s to 168h, such as 1h", v))
		} else {
			s.UsageInterval = d
		}
	}
	if v := getenv("CASCADE_VENDOR_ALLOW_PRIVATE"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("CASCADE_VENDOR_ALLOW_PRIVATE %q: want 1 or 0 (true or false)", v))
		}
		s.Addresses.AllowPrivate = on
	}
	return s, errors.Join(errs...)
}

// maxRetries bounds the schedule's length, and maxRetryDelay each delay: delivery
// gives up after hours, not months.
const (
	maxRetries    = 50
	maxRetryDelay = 7 * 24 * time.Hour
)

// ParseRetry reads a retry schedule: a comma list of positive durations, such as
// "10s,1m,5m". An empty list, written "0" or "none", retries never.
func ParseRetry(s string) ([]time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" || s == "none" {
		return []time.Duration{}, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxRetries {
		return nil, fmt.Errorf("%q: at most %d delays", s, maxRetries)
	}
	out := make([]time.Duration, len(parts))
	for i, p := range parts {
		d, err := time.ParseDuration(strings.TrimSpace(p))
		if err != nil || d <= 0 || d > maxRetryDelay {
			return nil, fmt.Errorf("%q: delay %d %q: want a duration from 1ms to %s, such as 5m", s, i+1, strings.TrimSpace(p), maxRetryDelay)
		}
		out[i] = d
	}
	return out, nil
}

// jitterShare is the most a delay is lengthened by, as a share of itself: deliveries
// that failed together spread out instead of calling the vendor together again.
const jitterShare = 0.2

// RetryDelay returns how long to wait before the next attempt of a call after its
// failed attempt number attempt (1 for the first), and false when the schedule is
// spent and the operation fails. random is a number in [0, 1) that picks the jitter,
// so the same inputs always give the same delay.
func RetryDelay(schedule []time.Duration, attempt int, random float64) (time.Duration, bool) {
	if attempt < 1 || attempt > len(schedule) {
		return 0, false
	}
	if random < 0 || random >= 1 {
		random = 0
	}
	d := schedule[attempt-1]
	return d + time.Duration(float64(d)*jitterShare*random), true
}
