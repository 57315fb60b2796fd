package client

import (
	"context"
	"encoding/json"
	"time"
)

// TestClock is the installation's test clock (a Cascade extension, on only when the
// server runs with CASCADE_TEST_CLOCK=1, --test-clock or --demo).
type TestClock struct {
	Now time.Time `json:"now"`
}

func (t *TestClock) fromResource(res Resource) error { return json.Unmarshal(res.Attributes, t) }

// GetTestClock returns the test clock's time (GET /api/v3/test_clock).
func (c *Client) GetTestClock(ctx context.Context, opts ...RequestOption) (*TestClock, error) {
	var t TestClock
	return &t, c.getOne(ctx, "/api/v3/test_clock", &t, nil, opts...)
}

// AdvanceTestClock moves the test clock forward by an ISO 8601 duration such as
// "P1M", "P2W" or "PT36H", running everything that falls due on the way, and returns
// the clock at its new time (POST /api/v3/test_clock/advance).
func (c *Client) AdvanceTestClock(ctx context.Context, by string, opts ...RequestOption) (*TestClock, error) {
	return c.advanceTestClock(ctx, map[string]any{"by": by}, opts...)
}

// AdvanceTestClockTo moves the test clock forward to the moment to, running
// everything that falls due on the way, and returns the clock at its new time
// (POST /api/v3/test_clock/advance).
func (c *Client) AdvanceTestClockTo(ctx context.Context, to time.Time, opts ...RequestOption) (*TestClock, error) {
	return c.advanceTestClock(ctx, map[string]any{"to": to.Format(time.RFC3339Nano)}, opts...)
}

func (c *Client) advanceTestClock(ctx context.Context, attrs map[string]any, opts ...RequestOption) (*TestClock, error) {
	var t TestClock
	body := map[string]any{"data": map[string]any{"type": "test_clocks", "attributes": attrs}}
	return &t, c.send(ctx, "POST", "/api/v3/test_clock/advance", body, &t, opts...)
}
