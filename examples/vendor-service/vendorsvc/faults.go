package vendorsvc

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
)

// Fault is a failure the service is told to answer calls with.
type Fault struct {
	// Events are the calls it applies to; every call when empty.
	Events []vendorkit.Event `json:"events,omitempty"`
	// Status is the failure's HTTP status: 500 when 0. A 5xx, 408 or 429 asks
	// Cascade to try again later; another 4xx fails the operation at once.
	Status int `json:"status,omitempty"`
	// Message is the failure's text.
	Message string `json:"message,omitempty"`
	// Times is how many calls it fails; 0 fails every call until Clear.
	Times int `json:"times,omitempty"`
	// AfterEffect runs the call first, then answers the failure: the work is done
	// and recorded under the event id, but the answer is lost on the way back.
	AfterEffect bool `json:"after_effect,omitempty"`
}

// Faults are the misbehaviours the service shows: failures, a delay before every
// answer, and a limit on the quantities resource validation allows. Safe for
// concurrent use; the zero value shows none.
type Faults struct {
	mu     sync.Mutex
	faults []*Fault
	delay  time.Duration
	limit  *int64
}

// Add makes the service answer calls with f, after the faults added before it.
func (f *Faults) Add(fault Fault) {
	if fault.Status == 0 {
		fault.Status = http.StatusInternalServerError
	}
	if fault.Message == "" {
		fault.Message = http.StatusText(fault.Status)
	}
	f.mu.Lock()
	f.faults = append(f.faults, &fault)
	f.mu.Unlock()
}

// FailNext fails the next n calls with 500 "temporarily unavailable".
func (f *Faults) FailNext(n int) {
	f.Add(Fault{Status: http.StatusInternalServerError, Message: "temporarily unavailable", Times: n})
}

// Delay makes the service wait d before answering each call (0 for no wait).
func (f *Faults) Delay(d time.Duration) {
	f.mu.Lock()
	f.delay = d
	f.mu.Unlock()
}

// LimitQuantity makes resource validation refuse a quantity over n, answering n as
// the available quantity.
func (f *Faults) LimitQuantity(n int64) {
	f.mu.Lock()
	f.limit = &n
	f.mu.Unlock()
}

// Clear removes every fault, the delay and the quantity limit.
func (f *Faults) Clear() {
	f.mu.Lock()
	f.faults, f.delay, f.limit = nil, 0, nil
	f.mu.Unlock()
}

func (f *Faults) quantityLimit() (int64, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limit == nil {
		return 0, false
	}
	return *f.limit, true
}

// take returns the delay and the fault that apply to a call of e, counting the
// call against the fault's Times.
func (f *Faults) take(e vendorkit.Event) (time.Duration, *Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, fault := range f.faults {
		if len(fault.Events) > 0 && !slices.Contains(fault.Events, e) {
			continue
		}
		if fault.Times > 0 {
			if fault.Times--; fault.Times == 0 {
				f.faults = slices.Delete(f.faults, i, i+1)
			}
		}
		return f.delay, fault
	}
	return f.delay, nil
}

// eventsByPath maps each call's path to its event.
var eventsByPath = func() map[string]vendorkit.Event {
	m := map[string]vendorkit.Event{}
	for _, e := range vendorkit.Events {
		m[e.Path()] = e
	}
	return m
}()

// wrap returns next showing the faults on the protocol's calls.
func (f *Faults) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, ok := eventsByPath[r.URL.Path]
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		delay, fault := f.take(e)
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if fault == nil {
			next.ServeHTTP(w, r)
			return
		}
		if fault.AfterEffect {
			next.ServeHTTP(discard{header: http.Header{}}, r)
		}
		writeFailure(w, fault.Status, fault.Message)
	})
}

// writeFailure answers a failure in the protocol's documented error shape.
func writeFailure(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"task": map[string]string{"error_message": message}})
}

// discard is a ResponseWriter that throws the answer away.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
