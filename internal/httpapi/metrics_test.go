package httpapi

import (
	"testing"
	"time"
)

// TestObserveAllocatesNothing: once a child exists, recording a request, a job run
// or a vendor call allocates nothing, so the metrics cost every request almost
// nothing.
func TestObserveAllocatesNothing(t *testing.T) {
	m := NewMetrics(nil, nil)
	for name, observe := range map[string]func(){
		"request":     func() { m.observe("GET /x", 200, time.Millisecond) },
		"job run":     func() { m.ObserveJob("provision", "completed", time.Millisecond) },
		"vendor call": func() { m.ObserveVendorCall("subscription.create", "success", time.Millisecond) },
	} {
		observe() // makes the children
		if n := testing.AllocsPerRun(1000, observe); n != 0 {
			t.Errorf("recording a %s allocates %v times", name, n)
		}
	}
}
