package main

import (
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWorkerTimes(t *testing.T) {
	// As Cascade writes them: other kinds, events and series around the two read.
	const metrics = `# TYPE cascade_job_run_duration_seconds histogram
cascade_job_run_duration_seconds_bucket{kind="provision",le="0.01"} 3
cascade_job_run_duration_seconds_sum{kind="provision"} 0.03
cascade_job_run_duration_seconds_count{kind="provision"} 4
cascade_job_run_duration_seconds_sum{kind="vendor_user"} 9
cascade_job_run_duration_seconds_count{kind="vendor_user"} 1
cascade_vendor_call_duration_seconds_sum{event="user.create"} 7
cascade_vendor_call_duration_seconds_count{event="user.create"} 1
cascade_vendor_call_duration_seconds_sum{event="subscription.create"} 0.012
cascade_vendor_call_duration_seconds_count{event="subscription.create"} 4
`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(metrics))
	}))
	defer srv.Close()
	job, call, err := workerTimes(srv.URL)
	if err != nil || math.Abs(job-7.5) > 1e-9 || math.Abs(call-3) > 1e-9 {
		t.Errorf("workerTimes = %v, %v, %v; want 7.5 ms and 3 ms", job, call, err)
	}

	if _, err := meanMS("cascade_job_run_duration_seconds_sum{kind=\"provision\"} 0\n"+
		"cascade_job_run_duration_seconds_count{kind=\"provision\"} 0\n", "cascade_job_run_duration_seconds",
		`kind="provision"`); err == nil {
		t.Error("meanMS of no observations gave no error")
	}
}
