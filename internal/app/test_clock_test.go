package app

import (
	"strings"
	"testing"
	"time"
)

// TestTestClockSettings reads the test clock and the scheduler's interval from the
// environment and flags: off unless asked for, on with CASCADE_TEST_CLOCK, with
// --test-clock or with --demo, and a value that is no boolean or duration stops the
// server from starting.
func TestTestClockSettings(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		on       bool
		interval time.Duration
		err      string
	}{
		{name: "Default", interval: time.Minute},
		{name: "Env", env: map[string]string{"CASCADE_TEST_CLOCK": "1"}, on: true, interval: time.Minute},
		{name: "EnvOff", env: map[string]string{"CASCADE_TEST_CLOCK": "false"}, interval: time.Minute},
		{name: "Flag", args: []string{"--test-clock"}, on: true, interval: time.Minute},
		{name: "FlagBeatsEnv", env: map[string]string{"CASCADE_TEST_CLOCK": "1"}, args: []string{"--test-clock=false"}, interval: time.Minute},
		{name: "Demo", args: []string{"--demo"}, on: true, interval: time.Minute},
		{name: "Interval", env: map[string]string{"CASCADE_SCHEDULER_INTERVAL": "30s"}, interval: 30 * time.Second},
		{name: "IntervalFlag", args: []string{"--scheduler-interval", "5m"}, interval: 5 * time.Minute},
		{name: "ErrEnv", env: map[string]string{"CASCADE_TEST_CLOCK": "yes please"}, err: "CASCADE_TEST_CLOCK"},
		{name: "ErrInterval", env: map[string]string{"CASCADE_SCHEDULER_INTERVAL": "often"}, err: "CASCADE_SCHEDULER_INTERVAL"},
		{name: "ErrShortInterval", args: []string{"--scheduler-interval", "10ms"}, err: "scheduler interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			fs := newFlagSet()
			c.Flags(fs, func(k string) string { return tt.env[k] })
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := c.Validate()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Validate() = %v, want an error about %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if c.TestClock != tt.on || c.SchedulerInterval != tt.interval {
				t.Fatalf("test clock %v, interval %s; want %v, %s", c.TestClock, c.SchedulerInterval, tt.on, tt.interval)
			}
		})
	}
}
