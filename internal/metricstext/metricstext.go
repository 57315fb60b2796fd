// Package metricstext reads series out of the Prometheus text format that GET
// /metrics answers, for the tests and benchmarks that check what a server
// reported.
package metricstext

import (
	"fmt"
	"strconv"
	"strings"
)

// Value returns the value of series in text, the series written as the text
// format writes it: its name, and its labels in braces in the order the server
// writes them (by name), such as `cascade_job_runs_total{kind="provision",outcome="retry"}`.
func Value(text, series string) (float64, error) {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(rest), 64)
		}
	}
	return 0, fmt.Errorf("no series %s", series)
}
