package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/metricstext"
)

// metricsWait reads GET /metrics of s until every series in want has its value
// (a series as the text format writes it, name and labels), or fails after a
// few seconds: the runner records a job's run just after the handler's
// transaction has committed, so a test that saw the commit may read too soon.
func metricsWait(t *testing.T, s *server, want map[string]float64) {
	t.Helper()
	anon := s.client("")
	deadline := time.Now().Add(5 * time.Second)
	for {
		body := string(rsDo(t, anon, "GET", "/metrics", "", "").Body)
		missing := ""
		for series, v := range want {
			if got, err := metricstext.Value(body, series); err != nil || got != v {
				missing += "\n" + series + " = " + strconv.FormatFloat(got, 'g', -1, 64) + ", want " +
					strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics:%s", missing)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
