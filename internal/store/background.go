package store

import (
	"context"
	"runtime"
)

// backgroundKey marks the context of work no client waits for (Background).
type backgroundKey struct{}

// Background marks ctx as a background worker's (the job runner's). On SQLite the
// engine runs on the goroutine that calls it, so a worker running a group's reads
// or its outcomes' statements holds a thread for all of them, and an API request
// that arrives meanwhile waits for one; each statement run under such a context
// first gives the thread to whatever waits for one (yieldToRequests). On
// PostgreSQL the statements run in the server's processes, and nothing changes.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

// yieldToRequests lets the goroutines waiting for a thread run before a statement
// of background work on SQLite: with none waiting it returns at once.
func yieldToRequests(ctx context.Context) {
	if InBackground(ctx) {
		runtime.Gosched()
	}
}

// InBackground reports whether ctx is marked by Background.
func InBackground(ctx context.Context) bool { return ctx.Value(backgroundKey{}) != nil }
