package main

import (
	"strings"
	"testing"

	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// TestServeSaysWhenTheTestClockIsOn: serve's welcome says the test clock is on, and
// how to move it, only when it is. What is printed does not depend on the engine.
func TestServeSaysWhenTheTestClockIsOn(t *testing.T) {
	const on = "The test clock is on"
	out := serveWelcome(t, map[string]string{"CASCADE_DATABASE_URL": storetest.Engines(t)[0].URL, "CASCADE_TEST_CLOCK": "1"})
	if !strings.Contains(out, on) || !strings.Contains(out, "POST /api/v3/test_clock/advance") {
		t.Fatalf("welcome with CASCADE_TEST_CLOCK=1 does not say the test clock is on:\n%s", out)
	}
	out = serveWelcome(t, map[string]string{"CASCADE_DATABASE_URL": storetest.Engines(t)[0].URL})
	if strings.Contains(out, on) {
		t.Fatalf("welcome without the test clock says it is on:\n%s", out)
	}
}
