package main

import (
	"fmt"
	"io"
	"net/http"

	"github.com/cascade-billing/cascade/internal/metricstext"
)

// workerTimes reads GET /metrics of the Cascade that ran the workers (docs/jobs.md,
// "Metrics") and returns, in milliseconds, the mean run of a provisioning job and
// the mean Subscription Create call as Cascade saw it. Their difference is what
// Cascade spent on an event around its call: the reads before it and the
// outcome's transaction.
func workerTimes(base string) (jobMS, callMS float64, err error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET /metrics: %d", resp.StatusCode)
	}
	text := string(body)
	if jobMS, err = meanMS(text, "cascade_job_run_duration_seconds", `kind="provision"`); err != nil {
		return 0, 0, err
	}
	callMS, err = meanMS(text, "cascade_vendor_call_duration_seconds", `event="subscription.create"`)
	return jobMS, callMS, err
}

// meanMS is the mean of histogram name's series with label in the Prometheus text,
// in milliseconds.
func meanMS(text, name, label string) (float64, error) {
	sum, err := metricstext.Value(text, name+"_sum{"+label+"}")
	if err != nil {
		return 0, err
	}
	n, err := metricstext.Value(text, name+"_count{"+label+"}")
	if err != nil || n == 0 {
		return 0, fmt.Errorf("%s{%s}: no observations (%v)", name, label, err)
	}
	return sum / n * 1000, nil
}
