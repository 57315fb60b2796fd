package e2e

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// firstOfMonthPass has work at local midnight on the first of every month after
// since. Its unique key is the instant: it never does one twice. When gate is set,
// a run that has work announces itself on entered and waits for gate.
type firstOfMonthPass struct {
	loc     *time.Location
	since   time.Time
	mu      sync.Mutex
	done    []time.Time
	gate    chan struct{}
	entered chan struct{}
}

func (p *firstOfMonthPass) Name() string { return "e2e_first_of_month" }

func (p *firstOfMonthPass) next(after time.Time) time.Time {
	l := after.In(p.loc)
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, p.loc).AddDate(0, 1, 0)
}

func (p *firstOfMonthPass) Run(ctx context.Context, now time.Time) error {
	p.mu.Lock()
	gate, entered := p.gate, p.entered
	p.mu.Unlock()
	for due := p.next(p.since); !due.After(now); due = p.next(due) {
		p.mu.Lock()
		seen := slices.ContainsFunc(p.done, due.Equal)
		if !seen {
			p.done = append(p.done, due)
		}
		p.mu.Unlock()
		if !seen && gate != nil {
			entered <- struct{}{}
			<-gate
		}
	}
	return nil
}

func (p *firstOfMonthPass) NextDue(_ context.Context, after time.Time) (time.Time, bool, error) {
	return p.next(after), true, nil
}

func (p *firstOfMonthPass) instants() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.done)
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// tcStart is where the machine's clock stands in these tests: it does not move, so
// the test clock reads exactly where an advance left it.
var tcStart = time.Date(2027, 1, 31, 10, 0, 0, 0, berlin)

// withTestClock gives a server the test clock over a stopped machine clock at
// tcStart, in Berlin's zone, with pass scheduled.
func withTestClock(base domain.Clock, pass *firstOfMonthPass) func(*app.Config) {
	return func(c *app.Config) {
		c.TestClock, c.Timezone, c.Clock = true, "Europe/Berlin", base
		c.SchedulerInterval = time.Hour // the advance runs the pass, not the interval
		if pass != nil {
			c.Passes = append(c.Passes, pass)
		}
	}
}

func wantNow(t *testing.T, tc *client.TestClock, err error, want time.Time) {
	t.Helper()
	if err != nil {
		t.Fatalf("test clock: %v", err)
	}
	if !tc.Now.Equal(want) {
		t.Fatalf("now = %s, want %s", tc.Now, want)
	}
}

func TestTestClockAdvance(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		pass := &firstOfMonthPass{loc: berlin, since: tcStart}
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), pass))

		tc, err := s.Admin.GetTestClock(ctx)
		wantNow(t, tc, err, tcStart)
		raw := rsDo(t, s.Admin, "GET", "/api/v3/test_clock", "", "")
		if want := `{"data":{"id":"installation","type":"test_clocks","attributes":{"now":"2027-01-31T10:00:00.000+01:00"}}}`; strings.TrimSpace(string(raw.Body)) != want {
			t.Fatalf("GET test_clock = %s, want %s", raw.Body, want)
		}

		// 31 January + P1M is the last day of February, at the same local time.
		tc, err = s.Admin.AdvanceTestClock(ctx, "P1M")
		wantNow(t, tc, err, time.Date(2027, 2, 28, 10, 0, 0, 0, berlin))
		// Three months more: the pass runs at each first of the month on the way,
		// each at its own instant, whatever the offset of summer time.
		tc, err = s.Admin.AdvanceTestClock(ctx, "P3M")
		wantNow(t, tc, err, time.Date(2027, 5, 28, 10, 0, 0, 0, berlin))
		firsts := []time.Time{
			time.Date(2027, 2, 1, 0, 0, 0, 0, berlin), time.Date(2027, 3, 1, 0, 0, 0, 0, berlin),
			time.Date(2027, 4, 1, 0, 0, 0, 0, berlin), time.Date(2027, 5, 1, 0, 0, 0, 0, berlin),
		}
		if got := pass.instants(); !slices.EqualFunc(got, firsts, time.Time.Equal) {
			t.Fatalf("the pass did the work of %v, want %v", got, firsts)
		}
		runs, last, err := s.DB.Reader().PassRuns(ctx, pass.Name())
		if err != nil || runs < 4 || !last.Equal(time.Date(2027, 5, 28, 10, 0, 0, 0, berlin)) {
			t.Fatalf("PassRuns = %d, %s, %v; want at least 4 runs, the last at the target", runs, last, err)
		}

		// To a moment: a due instant that is the target itself runs too.
		june := time.Date(2027, 6, 1, 0, 0, 0, 0, berlin)
		tc, err = s.Admin.AdvanceTestClockTo(ctx, june)
		wantNow(t, tc, err, june)
		if got := pass.instants(); len(got) != 5 || !got[4].Equal(june) {
			t.Fatalf("the pass did the work of %v, want June's too", got)
		}
		// To the clock's own time: nothing moves and nothing is done again.
		tc, err = s.Admin.AdvanceTestClockTo(ctx, june.UTC())
		wantNow(t, tc, err, june)
		if got := pass.instants(); len(got) != 5 {
			t.Fatalf("an advance to the same instant did work again: %v", got)
		}
	})
}

func TestTestClockRefusals(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), nil))
		const path = "/api/v3/test_clock/advance"
		cases := []struct {
			name, body, code, pointer string
		}{
			{"neither", `{"data":{"type":"test_clocks","attributes":{}}}`, "test_clock_by_or_to", "/data/attributes"},
			{"both", `{"data":{"attributes":{"by":"P1D","to":"2028-01-01T00:00:00+00:00"}}}`, "test_clock_by_or_to", "/data/attributes"},
			{"empty duration", `{"data":{"attributes":{"by":"P"}}}`, "invalid_duration", "/data/attributes/by"},
			{"empty time part", `{"data":{"attributes":{"by":"PT"}}}`, "invalid_duration", "/data/attributes/by"},
			{"negative", `{"data":{"attributes":{"by":"-P1D"}}}`, "invalid_duration", "/data/attributes/by"},
			{"fraction", `{"data":{"attributes":{"by":"P0.5D"}}}`, "invalid_duration", "/data/attributes/by"},
			{"absurd", `{"data":{"attributes":{"by":"P500Y"}}}`, "duration_too_long", "/data/attributes/by"},
			{"number", `{"data":{"attributes":{"by":30}}}`, "must_be_string", "/data/attributes/by"},
			{"no offset", `{"data":{"attributes":{"to":"2028-01-01T00:00:00"}}}`, "must_be_date_time", "/data/attributes/to"},
			{"backwards", `{"data":{"attributes":{"to":"2027-01-31T08:59:59Z"}}}`, "test_clock_backwards", "/data/attributes/to"},
			{"too far", `{"data":{"attributes":{"to":"2200-01-01T00:00:00Z"}}}`, "test_clock_too_far", "/data/attributes/to"},
			{"no attributes", `{"data":{"type":"test_clocks"}}`, "required", "/data/attributes"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o := rsOnly(t, rsErrorDoc(t, rsDo(t, s.Admin, "POST", path, c.body, client.MediaType), http.StatusUnprocessableEntity), c.code)
				if o.Source == nil || o.Source.Pointer != c.pointer {
					t.Fatalf("source = %+v, want pointer %s", o.Source, c.pointer)
				}
			})
		}
		tc, err := s.Admin.GetTestClock(ctx)
		wantNow(t, tc, err, tcStart) // nothing moved

		// Only the operator's System administrators.
		reseller := mustCreateReseller(t, s.Admin, 1, "Clock Reseller")
		for _, who := range []struct {
			name     string
			reseller int64
			role     string
		}{{"operator owner", 1, "owner"}, {"operator sales", 1, "sales"}, {"operator marketing", 1, "marketing"},
			{"reseller admin", reseller.ID, "admin"}} {
			t.Run("forbidden "+who.name, func(t *testing.T) {
				c := s.client(mustCreateManager(t, s.Admin, who.reseller, who.role).APIToken)
				_, err := c.GetTestClock(ctx)
				rsOnly(t, apiError(t, err, http.StatusForbidden), "forbidden")
				_, err = c.AdvanceTestClock(ctx, "P1D")
				rsOnly(t, apiError(t, err, http.StatusForbidden), "forbidden")
			})
		}
		_, err = s.client("no-such-token-0123456789").GetTestClock(ctx)
		apiError(t, err, http.StatusUnauthorized)
		tc, err = s.Admin.GetTestClock(ctx)
		wantNow(t, tc, err, tcStart)
	})
}

// TestTestClockOffAnswersLikeAnUnknownPath: without the setting the test clock's
// paths are paths no operation serves, whatever the method or the token.
func TestTestClockOffAnswersLikeAnUnknownPath(t *testing.T) {
	eachEngine(t, func(t *testing.T, s *server) {
		unknown := rsDo(t, s.Admin, "GET", "/api/v3/no_such_thing", "", "")
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/api/v3/test_clock", ""},
			{"POST", "/api/v3/test_clock/advance", `{"data":{"attributes":{"by":"P1M"}}}`},
			{"POST", "/api/v3/test_clock", `{}`},
			{"GET", "/api/v3/test_clock/advance", ""},
		} {
			for _, c := range []*client.Client{s.Admin, s.client("")} {
				resp := rsDo(t, c, r.method, r.path, r.body, client.MediaType)
				rsOnly(t, rsErrorDoc(t, resp, http.StatusNotFound), "route_not_found")
				if string(resp.Body) != string(unknown.Body) || resp.Header.Get("Allow") != "" {
					t.Fatalf("%s %s = %s (Allow %q), want exactly %s", r.method, r.path, resp.Body, resp.Header.Get("Allow"), unknown.Body)
				}
			}
		}
		if _, err := s.Admin.AdvanceTestClock(context.Background(), "P1M"); err == nil {
			t.Fatal("advanced a test clock that is off")
		}
		if now := s.Clock.Now(); now.Sub(time.Now()) > time.Minute || time.Since(now) > time.Minute {
			t.Fatalf("the clock reads %s, not the machine's time", now)
		}
	})
}

// TestTestClockOneAdvanceAtATime: an advance that comes while another runs answers
// 409 at once; the first one finishes.
func TestTestClockOneAdvanceAtATime(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		pass := &firstOfMonthPass{loc: berlin, since: tcStart}
		s := start(t, e, "admin-token-"+service.NewToken(), withTestClock(domain.NewTestClock(tcStart), pass))
		pass.mu.Lock()
		pass.gate, pass.entered = make(chan struct{}), make(chan struct{})
		pass.mu.Unlock()

		first := make(chan error, 1)
		go func() {
			_, err := s.Admin.AdvanceTestClock(ctx, "P1M")
			first <- err
		}()
		select {
		case <-pass.entered: // the first advance is in February's run now
		case err := <-first:
			t.Fatalf("the first advance ended before its pass ran: %v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("the first advance never ran the pass")
		}
		_, err := s.Admin.AdvanceTestClock(ctx, "P1D")
		rsOnly(t, apiError(t, err, http.StatusConflict), "test_clock_busy")
		pass.mu.Lock()
		gate := pass.gate
		pass.gate, pass.entered = nil, nil // later runs go through
		pass.mu.Unlock()
		close(gate)
		if err := <-first; err != nil {
			t.Fatalf("the first advance: %v", err)
		}
		tc, err := s.Admin.GetTestClock(ctx)
		wantNow(t, tc, err, time.Date(2027, 2, 28, 10, 0, 0, 0, berlin))
		// The clock is free again.
		tc, err = s.Admin.AdvanceTestClock(ctx, "P1D")
		wantNow(t, tc, err, time.Date(2027, 3, 1, 10, 0, 0, 0, berlin))
	})
}

// TestTestClockSharedAndKept: a second server on the same database sees an advance
// within about a second, and a restarted server keeps the moved time.
func TestTestClockSharedAndKept(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		ctx := context.Background()
		base := domain.NewTestClock(tcStart)
		token := "admin-token-" + service.NewToken()
		a := start(t, e, token, withTestClock(base, nil))
		b := start(t, e, token, withTestClock(base, nil))
		moved := time.Date(2027, 3, 3, 10, 0, 0, 0, berlin)
		tc, err := a.Admin.AdvanceTestClock(ctx, "P1M3D")
		wantNow(t, tc, err, moved)
		deadline := time.Now().Add(5 * time.Second)
		for {
			tc, err := b.Admin.GetTestClock(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tc.Now.Equal(moved) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the other server still reads %s, want %s", tc.Now, moved)
			}
			time.Sleep(50 * time.Millisecond)
		}
		a.stop()
		b.stop()
		// The machine's time moves on while the servers are down; the test clock
		// moves on with it from where the advance left it, never back.
		base.Advance(time.Hour)
		c := start(t, e, token, withTestClock(base, nil))
		tc, err = c.Admin.GetTestClock(ctx)
		wantNow(t, tc, err, moved.Add(time.Hour))
	})
}
