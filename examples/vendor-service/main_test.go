package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// TestRun: the command serves the protocol on the address given, with the secret
// from VENDOR_SECRET, and refuses to start without one.
func TestRun(t *testing.T) {
	env := func(k string) string { return map[string]string{"VENDOR_SECRET": "cvs_a, cvs_b"}[k] }
	if err := run(context.Background(), nil, func(string) string { return "" }, io.Discard); err == nil {
		t.Fatal("started without a secret")
	}
	ctx, cancel := context.WithCancel(context.Background())
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-db", ":memory:"}, env, w) }()
	line := make([]byte, 512)
	n, err := out.Read(line)
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(string(line[:n]))
	if err != nil || url == "" {
		t.Fatalf("first line %q, %v", line[:n], err)
	}
	// An unsigned call is refused: the service verifies signatures.
	resp, err := http.Get(url + "/check")
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned check: %v, %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}
