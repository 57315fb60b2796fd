package vendor

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterAnswer(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, status, header string
		code                 int
		want                 time.Duration
	}{
		{"Seconds429", "", "120", http.StatusTooManyRequests, 2 * time.Minute},
		{"Date503", "", now.Add(90 * time.Second).Format(http.TimeFormat), http.StatusServiceUnavailable, 90 * time.Second},
		{"PastDate", "", now.Add(-time.Hour).Format(http.TimeFormat), http.StatusServiceUnavailable, 0},
		{"Malformed", "", "soon", http.StatusTooManyRequests, 0},
		{"Negative", "", "-5", http.StatusTooManyRequests, 0},
		{"HugeSeconds", "", "999999999", http.StatusTooManyRequests, maxRetryDelay},
		{"Ignored500", "", "120", http.StatusInternalServerError, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tc.header)
				w.WriteHeader(tc.code)
			})
			c := privateClient(time.Second)
			c.Now = func() time.Time { return now }
			err := c.SubscriptionDelete(context.Background(), target(v), "job-1", sampleSub)
			var f *Failure
			if !errors.As(err, &f) || f.Outcome != Retryable {
				t.Fatalf("err = %v, want a retryable failure", err)
			}
			if f.RetryAfter != tc.want {
				t.Fatalf("RetryAfter = %s, want %s", f.RetryAfter, tc.want)
			}
		})
	}
}

func TestNextRetryDelay(t *testing.T) {
	sched := []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute}
	asks := func(d time.Duration) error { return &Failure{Outcome: Retryable, Status: 429, RetryAfter: d} }
	for _, tc := range []struct {
		name    string
		attempt int
		err     error
		want    time.Duration
		ok      bool
	}{
		{"NoHeader", 1, asks(0), 10 * time.Second, true},
		{"Shorter", 2, asks(30 * time.Second), time.Minute, true},
		{"Longer", 1, asks(2 * time.Minute), 2 * time.Minute, true},
		{"CappedAtLast", 1, asks(time.Hour), 5 * time.Minute, true},
		{"NotAFailure", 1, errors.New("reset"), 10 * time.Second, true},
		{"Spent", 4, asks(time.Minute), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NextRetryDelay(sched, tc.attempt, 0, tc.err)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("NextRetryDelay = %s, %v; want %s, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
