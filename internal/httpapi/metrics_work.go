package httpapi

import (
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The work done away from requests: job runs by kind and outcome, and calls to
// vendors by event and outcome, each counted and timed. Their labels come from
// small fixed sets (the registered job kinds, the protocol's events), so the
// series stay few.

// workBuckets reach from a fast local handler to a vendor's timeout (30 s by
// default).
var workBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// timedWork is a counter by what ran and how it ended, and a histogram of its
// duration by what ran, with their children kept by label values, so an
// observation costs no label hashing.
type timedWork struct {
	count     *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	counters  sync.Map // [2]string{what, outcome} -> prometheus.Counter
	observers sync.Map // what -> prometheus.Observer
}

// newTimedWork returns the counter name+"s_total" and the histogram
// name+"_duration_seconds" of help's work, labelled by what.
func newTimedWork(name, help, what string) *timedWork {
	return &timedWork{
		count: prometheus.NewCounterVec(prometheus.CounterOpts{Name: name + "s_total",
			Help: help + " by " + what + " and outcome."}, []string{what, "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name + "_duration_seconds",
			Help: "Duration of " + strings.ToLower(help[:1]) + help[1:] + " by " + what + ".", Buckets: workBuckets},
			[]string{what}),
	}
}

func (t *timedWork) observe(what, outcome string, d time.Duration) {
	key := [2]string{what, outcome}
	c, ok := t.counters.Load(key)
	if !ok {
		c, _ = t.counters.LoadOrStore(key, t.count.WithLabelValues(what, outcome))
	}
	c.(prometheus.Counter).Inc()
	o, ok := t.observers.Load(what)
	if !ok {
		o, _ = t.observers.LoadOrStore(what, t.duration.WithLabelValues(what))
	}
	o.(prometheus.Observer).Observe(d.Seconds())
}

// ObserveJob records one run of a job of kind that ended with outcome (see
// jobs.Options.Observe) after d.
func (m *Metrics) ObserveJob(kind, outcome string, d time.Duration) { m.jobs.observe(kind, outcome, d) }

// ObserveVendorCall records one call of event to a vendor that ended with outcome
// (success, retryable or permanent) after d.
func (m *Metrics) ObserveVendorCall(event, outcome string, d time.Duration) {
	m.vendorCalls.observe(event, outcome, d)
}
