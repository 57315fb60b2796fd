package readcache

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGetLoadsOncePerGeneration checks that many callers missing one key at once
// run one load between them, all get its value, and a later generation loads again.
func TestGetLoadsOncePerGeneration(t *testing.T) {
	c := New[string, int](Options[int]{MaxEntries: 10})
	var loads atomic.Int64
	release := make(chan struct{})
	load := func(context.Context) (int, error) {
		n := loads.Add(1)
		<-release
		return int(n) * 100, nil
	}
	const callers = 32
	var wg sync.WaitGroup
	got := make([]int, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = c.Get(context.Background(), "page", 7, load)
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the callers queue up on the first load
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("loads=%d for %d concurrent callers, want 1", n, callers)
	}
	for i := range callers {
		if errs[i] != nil || got[i] != 100 {
			t.Fatalf("caller %d: value=%d err=%v, want 100", i, got[i], errs[i])
		}
	}
	if v, _ := c.Get(context.Background(), "page", 7, load); v != 100 || loads.Load() != 1 {
		t.Fatalf("same generation: value=%d loads=%d, want 100 from memory", v, loads.Load())
	}
	if v, _ := c.Get(context.Background(), "page", 6, load); v != 100 || loads.Load() != 1 {
		t.Fatalf("older generation: value=%d loads=%d, want the newer value from memory", v, loads.Load())
	}
	if v, _ := c.Get(context.Background(), "page", 8, load); v != 200 || loads.Load() != 2 {
		t.Fatalf("newer generation: value=%d loads=%d, want a second load", v, loads.Load())
	}
	if s := c.Stats(); s.Loads != 2 || s.Entries != 1 {
		t.Fatalf("stats=%+v, want 2 loads and 1 entry", s)
	}
}

// TestGetBounds checks that a cache drops its least recently used values to stay
// within both its entry and its cost bound, and never keeps a value over the cost
// bound.
func TestGetBounds(t *testing.T) {
	c := New[int, []int](Options[[]int]{MaxEntries: 3, MaxCost: 10, Cost: func(v []int) int { return len(v) }})
	ctx := context.Background()
	loads := 0
	of := func(n int) func(context.Context) ([]int, error) {
		return func(context.Context) ([]int, error) { loads++; return make([]int, n), nil }
	}
	for k := 1; k <= 3; k++ {
		c.Get(ctx, k, 1, of(2))
	}
	c.Get(ctx, 1, 1, of(2)) // 1 is now the most recently used
	c.Get(ctx, 4, 1, of(2)) // over 3 entries: drops 2
	if s := c.Stats(); s.Entries != 3 || s.Cost != 6 {
		t.Fatalf("after 4 values of 2: stats=%+v, want 3 entries costing 6", s)
	}
	before := loads
	c.Get(ctx, 1, 1, of(2))
	c.Get(ctx, 3, 1, of(2))
	c.Get(ctx, 4, 1, of(2))
	if loads != before {
		t.Fatalf("the most recently used values were reloaded: %d loads, want %d", loads, before)
	}
	c.Get(ctx, 2, 1, of(2))
	if loads != before+1 {
		t.Fatalf("value 2 should have been dropped: %d loads, want %d", loads, before+1)
	}
	c.Get(ctx, 5, 1, of(7)) // cost 7: 2+2+2+7 > 10, so the oldest go
	if s := c.Stats(); s.Cost > 10 || s.Entries > 3 {
		t.Fatalf("after a heavy value: stats=%+v, want cost <= 10 and <= 3 entries", s)
	}
	v, err := c.Get(ctx, 6, 1, of(11))
	if err != nil || len(v) != 11 {
		t.Fatalf("value over the cost bound: len=%d err=%v, want it handed out", len(v), err)
	}
	if s := c.Stats(); s.Cost > 10 {
		t.Fatalf("a value over the cost bound was kept: stats=%+v", s)
	}
}

// TestGetHandsOutCopies checks that a caller changing a value it got leaves the
// cache's value as it was.
func TestGetHandsOutCopies(t *testing.T) {
	c := New[int, map[string]string](Options[map[string]string]{MaxEntries: 1, Copy: maps.Clone[map[string]string]})
	load := func(context.Context) (map[string]string, error) { return map[string]string{"name": "Acme"}, nil }
	first, _ := c.Get(context.Background(), 1, 1, load)
	first["name"] = "changed by a caller"
	again, _ := c.Get(context.Background(), 1, 1, func(context.Context) (map[string]string, error) {
		t.Fatal("loaded again")
		return nil, nil
	})
	if again["name"] != "Acme" {
		t.Fatalf("name=%q after a caller changed its copy, want %q", again["name"], "Acme")
	}
}

// TestGetErrors checks that a failed load reaches its caller and is not kept, and
// that a caller whose context ends stops waiting for another's load.
func TestGetErrors(t *testing.T) {
	c := New[int, int](Options[int]{MaxEntries: 1})
	failed := errors.New("read failed")
	if _, err := c.Get(context.Background(), 1, 1, func(context.Context) (int, error) { return 0, failed }); !errors.Is(err, failed) {
		t.Fatalf("err=%v, want %v", err, failed)
	}
	if v, err := c.Get(context.Background(), 1, 1, func(context.Context) (int, error) { return 5, nil }); err != nil || v != 5 {
		t.Fatalf("after a failed load: value=%d err=%v, want a new load's 5", v, err)
	}

	release := make(chan struct{})
	started := make(chan struct{})
	go c.Get(context.Background(), 2, 1, func(ctx context.Context) (int, error) {
		close(started)
		<-release
		return 1, ctx.Err()
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Get(ctx, 2, 1, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiter with a cancelled context: err=%v, want %v", err, context.Canceled)
	}
	close(release)
}

// TestGetKeepsNewerValue checks that a slow load of an older generation does not
// replace the value a newer generation filed while it ran.
func TestGetKeepsNewerValue(t *testing.T) {
	c := New[int, string](Options[string]{MaxEntries: 2})
	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Get(context.Background(), 1, 1, func(context.Context) (string, error) {
			close(started)
			<-release
			return "old", nil
		})
	}()
	<-started
	if v, _ := c.Get(context.Background(), 1, 2, func(context.Context) (string, error) { return "new", nil }); v != "new" {
		t.Fatalf("value=%q at generation 2, want %q", v, "new")
	}
	close(release)
	<-done
	v, _ := c.Get(context.Background(), 1, 2, func(context.Context) (string, error) { return "reloaded", nil })
	if v != "new" {
		t.Fatalf("value=%q after the old load landed, want %q kept", v, "new")
	}
}

func ExampleCache() {
	plans := New[string, []string](Options[[]string]{MaxEntries: 100})
	gen := int64(3) // read from the database first, then the value
	page, _ := plans.Get(context.Background(), Key("plans of", 1), gen, func(context.Context) ([]string, error) {
		return []string{"basic", "pro"}, nil
	})
	fmt.Println(page)
	// Output: [basic pro]
}

// TestPeek checks that Peek hands out the value held whatever its generation, as a
// copy, and nothing for a key never filed.
func TestPeek(t *testing.T) {
	c := New[string, []int](Options[[]int]{MaxEntries: 2, Copy: func(v []int) []int { return append([]int(nil), v...) }})
	if _, ok := c.Peek("page"); ok {
		t.Fatal("Peek found a value never filed")
	}
	if _, err := c.Get(context.Background(), "page", 3, func(context.Context) ([]int, error) { return []int{1, 2}, nil }); err != nil {
		t.Fatal(err)
	}
	v, ok := c.Peek("page")
	if !ok || fmt.Sprint(v) != "[1 2]" {
		t.Fatalf("Peek = %v, %t; want [1 2], true", v, ok)
	}
	v[0] = 9
	if again, _ := c.Peek("page"); again[0] != 1 {
		t.Fatalf("a change of a peeked value reached the cache: %v", again)
	}
}
