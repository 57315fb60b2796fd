package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"
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
			if got, ok := metricValue(body, series); !ok || got != v {
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

// metricValue returns the value of series in the Prometheus text body, and false
// when it has none.
func metricValue(body, series string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(line, series+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		return v, err == nil
	}
	return 0, false
}
