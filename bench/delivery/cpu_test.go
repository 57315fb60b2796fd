package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPostgresTicks(t *testing.T) {
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
	if pid, ticks, ok := postgresTicks(backend); !ok || pid != 4242 || ticks != 155 {
		t.Errorf("postgresTicks(backend) = %d, %d, %v; want 4242, 155, true", pid, ticks, ok)
	}
	other := write("other", "7 (my (odd) cmd) S 1 7 7 0 -1 4194560 900 0 0 0 120 35 0 0 20 0 1 0 100 0 0\n")
	if _, _, ok := postgresTicks(other); ok {
		t.Error("postgresTicks counted a process that is not postgres")
	}
	short := write("short", "9 (postgres) S 1 2\n")
	if _, _, ok := postgresTicks(short); ok {
		t.Error("postgresTicks read a truncated stat line")
	}
}

func TestCostOf(t *testing.T) {
	before := cpuSample{busy: 1000, total: 4000, postgres: map[int]uint64{1: 50, 2: 70}, ok: true}
	// Process 2 ended (its ticks are lost), 3 started.
	after := cpuSample{busy: 1600, total: 5000, postgres: map[int]uint64{1: 150, 3: 100}, ok: true}
	c := costOf(before, after, 100)
	if !c.ok || c.busyShare != 0.6 || c.msPerEvent != 60 || c.postgresMs != 20 {
		t.Errorf("costOf = %+v; want busy 0.6, 60 ms and 20 ms of PostgreSQL an event", c)
	}
	if c := costOf(before, cpuSample{}, 100); c.ok || c.fields("x_") != "" {
		t.Errorf("costOf without a reading = %+v, fields %q; want nothing", c, c.fields("x_"))
	}
}
