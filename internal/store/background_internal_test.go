package store

import (
	"context"
	"runtime"
	"testing"
)

// TestYieldToRequests checks that a statement of background work on SQLite first
// lets a goroutine waiting for the thread run, and that other work does not: with
// one thread, the goroutine started before the call runs within it only when the
// caller yields.
func TestYieldToRequests(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want bool
	}{
		{"background", Background(context.Background()), true},
		{"a request's", context.Background(), false},
	} {
		ran := make(chan struct{})
		go close(ran)
		yieldToRequests(tc.ctx)
		select {
		case <-ran:
			if !tc.want {
				t.Errorf("%s context: the waiting goroutine ran", tc.name)
			}
		default:
			if tc.want {
				t.Errorf("%s context: the waiting goroutine did not run", tc.name)
			}
		}
		<-ran
	}
}
