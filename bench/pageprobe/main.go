// Command pageprobe is the API client of bench/run.sh billing: it reads one page
// every -every (20 ms) for -for, or, with -until, until that file exists, and prints
// "requests=N p99_ms=X". The script runs it once before the billing pass, for the
// page's usual p99, and once during it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cascade-billing/cascade/bench/pageread"
)

func main() {
	url := flag.String("url", "", "the page to read (required)")
	every := flag.Duration("every", 20*time.Millisecond, "one request started this often")
	span := flag.Duration("for", 5*time.Second, "how long to read, when -until is not given")
	until := flag.String("until", "", "read until this file exists")
	flag.Parse()
	if *url == "" {
		log.Fatal("pageprobe: -url is required")
	}
	done := func(start time.Time) bool { return time.Since(start) >= *span }
	if *until != "" {
		done = func(time.Time) bool {
			_, err := os.Stat(*until)
			return err == nil
		}
	}
	r, err := pageread.Read(context.Background(), *url, os.Getenv("CASCADE_ADMIN_TOKEN"), *every, done)
	if err != nil {
		log.Fatalf("pageprobe: %v", err)
	}
	fmt.Printf("requests=%d p99_ms=%.2f server_p99_ms=%.2f\n", r.N, float64(r.P99)/float64(time.Millisecond),
		float64(r.ServerP99)/float64(time.Millisecond))
}
