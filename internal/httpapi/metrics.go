package httpapi

import (
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus metrics of one server.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec

	// The children of the vectors by label values (routes and statuses are few).
	counters  children[routeStatus, prometheus.Counter]
	observers children[string, prometheus.Observer]

	jobs, vendorCalls *timedWork
}

type routeStatus struct {
	route  string
	status int
}

// PoolStats reports database pool statistics by pool name ("read", "write").
type PoolStats func() map[string]sql.DBStats

// WriterStats reports the work of the database's one write connection, where the
// engine has one (SQLite): how long its turn was held, and the write transactions
// and COMMITs made in it.
type WriterStats func() (busy time.Duration, transactions, commits uint64)

// NewMetrics creates the server's metrics, with database pool gauges when pools is
// not nil and the write connection's counters when writer is not nil.
func NewMetrics(pools PoolStats, writer WriterStats) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cascade_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cascade_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		jobs:        newTimedWork("cascade_job_run", "Job runs", "kind"),
		vendorCalls: newTimedWork("cascade_vendor_call", "Calls to vendors", "event"),
	}
	m.registry.MustRegister(m.requests, m.latency, m.jobs.count, m.jobs.duration, m.vendorCalls.count,
		m.vendorCalls.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pools != nil {
		m.registry.MustRegister(poolCollector(pools))
	}
	if writer != nil {
		m.registry.MustRegister(writerCollector(writer))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

func (m *Metrics) observe(route string, status int, elapsed time.Duration) {
	m.counters.of(routeStatus{route, status}, func() prometheus.Counter {
		return m.requests.WithLabelValues(route, strconv.Itoa(status))
	}).Inc()
	m.observers.of(route, func() prometheus.Observer { return m.latency.WithLabelValues(route) }).
		Observe(elapsed.Seconds())
}

// children keeps the children of a metric vector by their label values, so that an
// observation costs no label hashing; a child, once made, lives as long as its
// vector.
type children[K comparable, M any] struct{ m sync.Map }

// of returns the child of key, made by makeChild the first time.
func (c *children[K, M]) of(key K, makeChild func() M) M {
	v, ok := c.m.Load(key)
	if !ok {
		v, _ = c.m.LoadOrStore(key, makeChild())
	}
	return v.(M)
}

var (
	poolOpen  = prometheus.NewDesc("cascade_db_open_connections", "Open database connections.", []string{"pool"}, nil)
	poolInUse = prometheus.NewDesc("cascade_db_in_use_connections", "Database connections in use.", []string{"pool"}, nil)
	poolIdle  = prometheus.NewDesc("cascade_db_idle_connections", "Idle database connections.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("cascade_db_wait_count_total", "Waits for a database connection.", []string{"pool"}, nil)
	poolWait  = prometheus.NewDesc("cascade_db_wait_seconds_total", "Time spent waiting for a connection.", []string{"pool"}, nil)
)

type poolCollector PoolStats

func (p poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolWaits, poolWait} {
		ch <- d
	}
}

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, st := range p() {
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(st.OpenConnections), name)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(st.InUse), name)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(st.Idle), name)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.WaitCount), name)
		ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, st.WaitDuration.Seconds(), name)
	}
}

var (
	writerBusy = prometheus.NewDesc("cascade_db_writer_busy_seconds_total",
		"Time the one write connection was held by a write transaction, commits included.", nil, nil)
	writerTransactions = prometheus.NewDesc("cascade_db_writer_transactions_total",
		"Write transactions run on the one write connection.", nil, nil)
	writerCommits = prometheus.NewDesc("cascade_db_writer_commits_total",
		"COMMITs of the one write connection; a group commit makes several transactions durable in one.", nil, nil)
)

type writerCollector WriterStats

func (w writerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{writerBusy, writerTransactions, writerCommits} {
		ch <- d
	}
}

func (w writerCollector) Collect(ch chan<- prometheus.Metric) {
	busy, transactions, commits := w()
	ch <- prometheus.MustNewConstMetric(writerBusy, prometheus.CounterValue, busy.Seconds())
	ch <- prometheus.MustNewConstMetric(writerTransactions, prometheus.CounterValue, float64(transactions))
	ch <- prometheus.MustNewConstMetric(writerCommits, prometheus.CounterValue, float64(commits))
}
