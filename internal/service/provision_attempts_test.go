package service

import (
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/vendor"
)

// A provisioning job may run once, then once after each delay of the vendor retry
// schedule: a schedule longer than the usual bound lengthens the bound, so no delay
// of it is cut off.
func TestProvisionAttemptsCoverTheRetrySchedule(t *testing.T) {
	clock := domain.NewTestClock(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		delays int
		vendor bool
		want   int
	}{
		{0, false, provisionAttempts},
		{6, true, provisionAttempts},
		{12, true, 13},
	} {
		opts := Options{}
		if tc.vendor {
			opts.VendorCalls = &vendor.Settings{Retry: make([]time.Duration, tc.delays)}
		}
		if got := New(nil, clock, opts).provisionAttempts(); got != tc.want {
			t.Errorf("%d delays: %d attempts, want %d", tc.delays, got, tc.want)
		}
	}
}
