package httpapi

import (
	"strings"
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
// duration by what ran.
type timedWork struct {
	count     *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	counters  children[[2]string, prometheus.Counter] // by what and outcome
	observers children[string, prometheus.Observer]   // by what
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
	t.counters.of([2]string{what, outcome}, func() prometheus.Counter {
		return t.count.WithLabelValues(what, outcome)
	}).Inc()
	t.observers.of(what, func() prometheus.Observer { return t.duration.WithLabelValues(what) }).
		Observe(d.Seconds())
}

// ObserveJob records one run of a job of kind that ended with outcome (see
// jobs.Options.Observe) after d.
func (m *Metrics) ObserveJob(kind, outcome string, d time.Duration) { m.jobs.observe(kind, outcome, d) }

// ObserveVendorCall records one call of event to a vendor that ended with outcome
// (success, retryable or permanent) after d.
func (m *Metrics) ObserveVendorCall(event, outcome string, d time.Duration) {
	m.vendorCalls.observe(event, outcome, d)
}
