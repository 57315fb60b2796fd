// Command bare is the ceiling of the load benchmark: a net/http server that answers
// every request with one fixed JSON body, so the benchmark can compare Cascade with
// the cheapest Go HTTP server on the same machine in the same run.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	bodyFile := flag.String("body", "", "file holding the body to serve (required)")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatalf("bare: read body: %v", err)
	}
	// Answer like Cascade does: the same media type, a request id and the same body.
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "bare")
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Write(body)
	})
	log.Printf("bare: serving %d bytes on %s", len(body), strings.TrimSpace(*addr))
	log.Fatal(http.ListenAndServe(*addr, h))
}
