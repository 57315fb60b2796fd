package gcpace

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		live, headroom uint64
		want           int
	}{
		{live: 4 << 20, headroom: 64 << 20, want: 1600}, // a small heap grows by the headroom
		{live: 64 << 20, headroom: 64 << 20, want: 100}, // as much as is live, as Go does
		{live: 1 << 30, headroom: 64 << 20, want: 100},  // never less than Go's own pace
		{live: 0, headroom: 64 << 20, want: 1600},       // before the first collection: the runtime's minimum
		{live: 1 << 20, headroom: 64 << 20, want: 1600}, // the same under the minimum
		{live: 4 << 20, headroom: 0, want: 100},         // no headroom is Go's pace
		{live: 1, headroom: 64 << 30, want: 1 << 20},    // bounded
		{live: 6 << 20, headroom: 10 << 20, want: 166},  // rounded down
	} {
		if got := Percent(c.live, c.headroom); got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.live, c.headroom, got, c.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]uint64{"0": 0, "1048576": 1 << 20, "64MiB": 64 << 20, " 512 KiB ": 512 << 10,
		"2GiB": 2 << 30, "64GiB": 64 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "64MB", "-1", "1.5GiB", "MiB", "65GiB", "99999999999999999999", "64 mib"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

// gogc reads the collector's percentage as the runtime reports it.
func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestKeepSetsThePaceAndGivesItBack(t *testing.T) {
	before := gogc()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Keep(ctx, 8<<30) // far above this test binary's live heap
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for gogc() <= 100 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := gogc(); got <= 100 {
		t.Fatalf("GOGC %d under Keep with 8GiB of headroom, want more than 100", got)
	}
	second := make(chan struct{})
	go func() {
		Keep(context.Background(), 0) // would pace at 100 if it ran beside the first
		close(second)
	}()
	select {
	case <-second:
	case <-time.After(5 * time.Second):
		t.Fatal("a second Keep did not return while the first ran")
	}
	if got := gogc(); got <= 100 {
		t.Fatalf("GOGC %d after a second Keep, want the first's pace", got)
	}
	cancel()
	<-done
	if got := gogc(); got != before {
		t.Fatalf("GOGC %d after Keep ended, want %d as before", got, before)
	}
}
