package metricstext

import "testing"

func TestValue(t *testing.T) {
	const text = `# HELP cascade_job_runs_total Job runs by kind and outcome.
cascade_job_runs_total{kind="provision",outcome="completed"} 5
cascade_job_runs_total{kind="provision",outcome="completed_late"} 9
cascade_job_run_duration_seconds_sum{kind="provision"} 0.25
`
	for series, want := range map[string]float64{
		`cascade_job_runs_total{kind="provision",outcome="completed"}`: 5,
		`cascade_job_run_duration_seconds_sum{kind="provision"}`:       0.25,
	} {
		if got, err := Value(text, series); err != nil || got != want {
			t.Errorf("Value(%s) = %v, %v; want %v", series, got, err, want)
		}
	}
	if _, err := Value(text, `cascade_job_runs_total{kind="provision"}`); err == nil {
		t.Error("Value found a series the text does not have")
	}
}
