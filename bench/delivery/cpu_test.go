package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProcTicks(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// utime and stime are the 14th and 15th fields of the whole line.
	backend := write("backend", "4242 (postgres) S 1 4242 4242 0 -1 4194560 900 0 0 0 120 35 0 0 20 0 1 0 100 0 0\n")
	if pid, comm, ticks, ok := procTicks(backend); !ok || pid != 4242 || comm != "postgres" || ticks != 155 {
		t.Errorf("procTicks(backend) = %d, %q, %d, %v; want 4242, postgres, 155, true", pid, comm, ticks, ok)
	}
	other := write("other", "7 (my (odd) cmd) S 1 7 7 0 -1 4194560 900 0 0 0 12 3 0 0 20 0 1 0 100 0 0\n")
	if pid, comm, ticks, ok := procTicks(other); !ok || pid != 7 || comm != "my (odd) cmd" || ticks != 15 {
		t.Errorf("procTicks(other) = %d, %q, %d, %v; want 7, \"my (odd) cmd\", 15, true", pid, comm, ticks, ok)
	}
	short := write("short", "9 (postgres) S 1 2\n")
	if _, _, _, ok := procTicks(short); ok {
		t.Error("procTicks read a truncated stat line")
	}
	if _, comm, ticks, ok := procTicks("/proc/self/stat"); !ok || comm == "" || ticks > 1<<40 {
		t.Errorf("procTicks(/proc/self/stat) = %q, %d, %v", comm, ticks, ok)
	}
}

func TestCostOf(t *testing.T) {
	before := cpuSample{busy: 1000, total: 4000, self: 300, vendor: 40, irq: 10, steal: 5,
		postgres: map[int]uint64{1: 50, 2: 70}, ok: true}
	// Process 2 ended (its ticks are lost), 3 started.
	after := cpuSample{busy: 1600, total: 5000, self: 450, vendor: 120, irq: 30, steal: 6,
		postgres: map[int]uint64{1: 150, 3: 100}, ok: true}
	c := costOf(before, after, 100)
	want := cpuCost{busyShare: 0.6, msPerEvent: 60, postgresMs: 20, processMs: 15, vendorMs: 8, irqMs: 2,
		stealMs: 0.1, ok: true}
	if c != want {
		t.Errorf("costOf = %+v; want %+v", c, want)
	}
	if c := costOf(before, cpuSample{}, 100); c.ok || c.fields("x_") != "" {
		t.Errorf("costOf without a reading = %+v, fields %q; want nothing", c, c.fields("x_"))
	}
}
