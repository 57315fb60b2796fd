package app

import (
	"strings"
	"testing"
	"time"
)

// TestBillingPauseSetting reads the billing passes' pause between transactions from
// CASCADE_BILLING_PAUSE: DefaultBillingPause unless given, 0 turns it off, and a
// value that is no duration or lies outside 0 to 1s stops the server from starting.
func TestBillingPauseSetting(t *testing.T) {
	tests := []struct {
		name, env string
		pause     time.Duration
		err       bool
	}{
		{name: "Default", pause: DefaultBillingPause},
		{name: "Env", env: "20ms", pause: 20 * time.Millisecond},
		{name: "Off", env: "0", pause: 0},
		{name: "ErrNoDuration", env: "a bit", err: true},
		{name: "ErrNegative", env: "-1ms", err: true},
		{name: "ErrLong", env: "2s", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			fs := newFlagSet()
			c.Flags(fs, func(k string) string {
				if k == "CASCADE_BILLING_PAUSE" {
					return tt.env
				}
				return ""
			})
			if err := fs.Parse(nil); err != nil {
				t.Fatal(err)
			}
			err := c.Validate()
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), "CASCADE_BILLING_PAUSE") {
					t.Fatalf("Validate() = %v, want an error about CASCADE_BILLING_PAUSE", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			if c.BillingPause != tt.pause {
				t.Fatalf("pause %s, want %s", c.BillingPause, tt.pause)
			}
		})
	}
}
