package app

import (
	"strings"
	"testing"
	"time"
)

// TestJobLeaseSetting reads the job lease from CASCADE_JOB_LEASE and --job-lease:
// 0 (the runner's default) unless given, and a value that is no duration or lies
// outside 2s to 1h stops the server from starting.
func TestJobLeaseSetting(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		lease time.Duration
		err   string
	}{
		{name: "Default"},
		{name: "Env", env: map[string]string{"CASCADE_JOB_LEASE": "30s"}, lease: 30 * time.Second},
		{name: "Flag", args: []string{"--job-lease", "2s"}, lease: 2 * time.Second},
		{name: "FlagBeatsEnv", env: map[string]string{"CASCADE_JOB_LEASE": "30s"}, args: []string{"--job-lease=1h"}, lease: time.Hour},
		{name: "ErrEnv", env: map[string]string{"CASCADE_JOB_LEASE": "a while"}, err: "CASCADE_JOB_LEASE"},
		{name: "ErrShort", args: []string{"--job-lease", "500ms"}, err: "job lease 500ms"},
		{name: "ErrLong", args: []string{"--job-lease", "2h"}, err: "job lease 2h0m0s"},
		{name: "ErrNegative", env: map[string]string{"CASCADE_JOB_LEASE": "-5m"}, err: "job lease -5m0s"},
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
			if c.JobLease != tt.lease {
				t.Fatalf("lease %s, want %s", c.JobLease, tt.lease)
			}
		})
	}
}
