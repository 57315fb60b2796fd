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
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reads is what Read measured.
type Reads struct {
	P99 time.Duration // the reads' p99 latency, as the client waited
	// ServerP99 is the p99 of the server's own part of each read, from its
	// Server-Timing header: what P99 exceeds it by was spent outside the
	// server's handling, waiting for the process to read the request or for the
	// client to read the answer.
	ServerP99 time.Duration
	N         int // the number of reads
}

// Read reads url with token, one request started every every (or when the previous
// ends, when it takes longer), until done says so (at least 20 requests), and
// reports the reads' p99 latencies and their number. Any answer but 200 is an error,
// as is one without a Server-Timing header.
func Read(ctx context.Context, url, token string, every time.Duration, done func(start time.Time) bool) (Reads, error) {
	var lat, at, server []time.Duration // each read's latency, when it started since the first, the server's part
	start := time.Now()
	for len(lat) < 20 || !done(start) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return Reads{}, err
		}
		req.Header.Set("X-Api-Token", token)
		t0 := time.Now()
		// A region of the execution trace (TRACE=1), beside the server's own region
		// for the request: what a read waited for outside the handler.
		region := trace.StartRegion(ctx, "page read")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return Reads{}, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		region.End()
		if resp.StatusCode != http.StatusOK {
			return Reads{}, fmt.Errorf("GET %s: %d", url, resp.StatusCode)
		}
		d := time.Since(t0)
		own, err := serverTime(resp.Header.Get("Server-Timing"))
		if err != nil {
			return Reads{}, fmt.Errorf("GET %s: %w", url, err)
		}
		server = append(server, own)
		lat = append(lat, d)
		at = append(at, t0.Sub(start))
		time.Sleep(every - d)
	}
	if os.Getenv("PAGE_TAIL") == "1" {
		printSlowest(lat, at, 12)
	}
	return Reads{P99: p99(lat), ServerP99: p99(server), N: len(lat)}, nil
}

// p99 returns the 99th percentile of d, which it sorts.
func p99(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[(len(d)*99+99)/100-1]
}

// serverTime reads the server's own time from a Server-Timing header of the form
// Cascade writes, "app;dur=MILLISECONDS".
func serverTime(header string) (time.Duration, error) {
	ms, ok := strings.CutPrefix(header, "app;dur=")
	v, err := strconv.ParseFloat(ms, 64)
	if !ok || err != nil || v < 0 {
		return 0, fmt.Errorf("Server-Timing %q, want app;dur=MILLISECONDS", header)
	}
	return time.Duration(v * float64(time.Millisecond)), nil
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
