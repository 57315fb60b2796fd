// Package pageread reads one API page at a steady pace and reports its p99 latency:
// the "API client reading now and then" the delivery and billing benchmarks measure
// beside the work they time, not a load generator competing with it for the CPU.
package pageread

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"time"
)

// Read reads url with token, one request started every every (or when the previous
// ends, when it takes longer), until done says so (at least 20 requests), and
// returns the p99 latency and the number of requests. Any answer but 200 is an error.
func Read(ctx context.Context, url, token string, every time.Duration, done func(start time.Time) bool) (time.Duration, int, error) {
	var lat, at []time.Duration // each read's latency, and when it started since the first
	start := time.Now()
	for len(lat) < 20 || !done(start) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, 0, err
		}
		req.Header.Set("X-Api-Token", token)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("GET %s: %d", url, resp.StatusCode)
		}
		d := time.Since(t0)
		lat = append(lat, d)
		at = append(at, t0.Sub(start))
		time.Sleep(every - d)
	}
	if os.Getenv("PAGE_TAIL") == "1" {
		printSlowest(lat, at, 12)
	}
	slices.Sort(lat)
	return lat[(len(lat)*99+99)/100-1], len(lat), nil
}

// printSlowest writes the n slowest of the reads that took lat and started at at
// (since the first) to standard error, slowest first: where in a window its tail
// came from (PAGE_TAIL=1).
func printSlowest(lat, at []time.Duration, n int) {
	idx := make([]int, len(lat))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(lat[b], lat[a]) })
	for _, i := range idx[:min(n, len(idx))] {
		fmt.Fprintf(os.Stderr, "page read %d of %d: started at %v, took %v\n", i+1, len(lat),
			at[i].Round(time.Millisecond), lat[i].Round(10*time.Microsecond))
	}
}
