package main

import (
	"runtime/metrics"
	"time"
)

// schedLatencies is the name of the runtime's histogram of how long goroutines
// waited, ready to run, before they ran.
const schedLatencies = "/sched/latencies:seconds"

// schedWaits reads the process's scheduling latencies so far; the difference of
// two readings (quantile) is what goroutines waited between them. A page read that
// waits behind ready goroutines twice (to be read, to be answered) shows its p99
// there first, which Cascade's own request histogram does not see.
func schedWaits() metrics.Float64Histogram {
	s := []metrics.Sample{{Name: schedLatencies}}
	metrics.Read(s)
	h := s[0].Value.Float64Histogram()
	return metrics.Float64Histogram{Counts: append([]uint64(nil), h.Counts...), Buckets: h.Buckets}
}

// quantile returns the q quantile of the waits between readings before and after,
// as the upper bound of its bucket (0 when nothing waited).
func quantile(before, after metrics.Float64Histogram, q float64) time.Duration {
	var total uint64
	for i := range after.Counts {
		total += after.Counts[i] - before.Counts[i]
	}
	if total == 0 {
		return 0
	}
	var seen uint64
	for i := range after.Counts {
		if seen += after.Counts[i] - before.Counts[i]; float64(seen) >= q*float64(total) {
			return time.Duration(after.Buckets[i+1] * float64(time.Second))
		}
	}
	return 0
}
