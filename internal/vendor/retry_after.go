package vendor

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryAfter is the wait a 429 or 503 answer asks for in its Retry-After header,
// in seconds or as an HTTP date relative to now, at most maxRetryDelay; 0 when the
// answer is another status, or the header is missing, malformed or in the past.
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		// Capped before the multiplication, which a huge value would overflow.
		return time.Duration(min(secs, int64(maxRetryDelay/time.Second))) * time.Second
	}
	at, err := http.ParseTime(v)
	if err != nil || !at.After(now) {
		return 0
	}
	return min(at.Sub(now), maxRetryDelay)
}

// NextRetryDelay is RetryDelay for a call that failed with err: when the vendor
// asked to wait longer than the schedule's delay (Retry-After on a 429 or 503), the
// wait it asked for, but never longer than the schedule's last delay, so a vendor
// cannot push delivery out beyond what the installation allows.
func NextRetryDelay(schedule []time.Duration, attempt int, random float64, err error) (time.Duration, bool) {
	d, ok := RetryDelay(schedule, attempt, random)
	if !ok {
		return 0, false
	}
	var f *Failure
	if errors.As(err, &f) && f.RetryAfter > d {
		d = max(d, min(f.RetryAfter, schedule[len(schedule)-1]))
	}
	return d, true
}
