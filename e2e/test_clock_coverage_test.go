package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
)

// tcCoverage drives every documented answer of the test clock's operations for
// TestOpenAPICoverage: the 404s on s, whose test clock is off, and the others on a
// second server with the test clock on, sharing s's database. It records them in rec.
func tcCoverage(t *testing.T, s *server, rec *ocRecorder) {
	t.Run("test clock", func(t *testing.T) {
		ctx := context.Background()
		const get, advance = "/api/v3/test_clock", "/api/v3/test_clock/advance"
		body := `{"data":{"type":"test_clocks","attributes":{"by":"PT1H"}}}`
		off := rec.client(s, s.token)
		ocError(t, off, "GET", get, "", "", 404, "route_not_found")
		ocError(t, off, "POST", advance, body, "", 404, "route_not_found")

		on := start(t, s.engine, s.token, withTestClock(domain.NewTestClock(tcStart), nil))
		onRec := ocNewRecorder(t, on)
		defer func() {
			onRec.mu.Lock()
			defer onRec.mu.Unlock()
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for k := range onRec.seen {
				rec.seen[k] = true
			}
		}()
		admin, anon := onRec.client(on, s.token), onRec.client(on, "")
		sales := onRec.client(on, mustCreateManager(t, on.Admin, 1, "sales").APIToken)
		unused := onRec.client(on, mustCreateManager(t, on.Admin, 1, "admin").APIToken)

		ocDo(t, admin, "GET", get, "", "", 200)
		ocError(t, admin, "GET", get+"?include=zz_unknown", "", "", 400, "unknown_include")
		ocError(t, anon, "GET", get, "", "", 401, "token_missing")
		ocError(t, sales, "GET", get, "", "", 403, "forbidden")

		ocDo(t, admin, "POST", advance, body, "", 200)
		ocError(t, admin, "POST", advance, `{"data":`, "", 400, "malformed_json")
		ocError(t, anon, "POST", advance, body, "", 401, "token_missing")
		ocError(t, sales, "POST", advance, body, "", 403, "forbidden")
		big := `{"data":{"attributes":{"by":"` + strings.Repeat("x", ocBigBodySize) + `"}}}`
		ocError(t, admin, "POST", advance, big, "", 413, "body_too_large")
		ocError(t, admin, "POST", advance, body, "text/plain", 415, "unsupported_media_type")
		ocError(t, admin, "POST", advance, `{"data":{"attributes":{"by":"P"}}}`, "", 422, "invalid_duration")
		// Another process is advancing (leases are in the machine's time, here tcStart).
		now := tcStart
		if ok, err := on.DB.TakeTestClockAdvance(ctx, "elsewhere", now, now.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("take the test clock: %v, %v", ok, err)
		}
		ocError(t, admin, "POST", advance, body, "", 409, "test_clock_busy")
		if err := on.DB.ReleaseTestClockAdvance(ctx, "elsewhere"); err != nil {
			t.Fatal(err)
		}

		// The database goes away: a token the server has not seen yet cannot be
		// checked, and an advance cannot take the clock.
		db := on.DB
		on.DB = nil
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		ocError(t, unused, "GET", get, "", "", 500, "internal_error")
		ocError(t, admin, "POST", advance, body, "", 500, "internal_error")
	})
}

// TestTestClockIncludes: the test clock includes nothing, and says so like every
// single-resource read.
func TestTestClockIncludes(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		on := start(t, s.engine, s.token, withTestClock(domain.NewTestClock(tcStart), nil))
		e := rsErrorDoc(t, rsDo(t, on.Admin, "GET", "/api/v3/test_clock?include=anything", "", ""), 400)
		if o := rsOnly(t, e, "unknown_include"); o.Source == nil || o.Source.Parameter != "include" {
			t.Fatalf("source = %+v, want parameter include", o.Source)
		}
	})
}
