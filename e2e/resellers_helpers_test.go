package e2e

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// rsStart starts a server on e as start does, after configure (if not nil) adjusted
// its configuration: a test clock, a time zone, demo data.
func rsStart(tb testing.TB, e storetest.Engine, adminToken string, configure func(*app.Config)) *server {
	tb.Helper()
	if configure == nil {
		return start(tb, e, adminToken)
	}
	return start(tb, e, adminToken, configure)
}

// rsEachEngineAt runs f against a fresh server per engine whose clock stands still at
// now (moved only by f) and which renders times in the zone tz.
func rsEachEngineAt(t *testing.T, tz string, now time.Time, f func(t *testing.T, s *server, clock *domain.TestClock)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		clock := domain.NewTestClock(now)
		s := rsStart(t, e, "admin-token-"+service.NewToken(), func(c *app.Config) {
			c.Clock = clock
			c.Timezone = tz
		})
		f(t, s, clock)
	})
}

// rsInput is a create body with the three required general fields.
func rsInput(name, dom, currency string) client.ResellerInput {
	return client.ResellerInput{General: &client.ResellerGeneralInput{Name: client.String(name),
		Domain: client.String(dom), Currency: client.String(currency)}}
}

// rsCreate creates a reseller below parent through c and fails the test otherwise.
func rsCreate(t testing.TB, c *client.Client, parent int64, in client.ResellerInput) *client.Reseller {
	t.Helper()
	r, err := c.CreateChildReseller(context.Background(), parent, in)
	if err != nil {
		t.Fatalf("create reseller below %d: %v", parent, err)
	}
	return r
}

// rsGet reads a reseller through c and fails the test otherwise.
func rsGet(t testing.TB, c *client.Client, id int64) *client.Reseller {
	t.Helper()
	r, err := c.GetReseller(context.Background(), id)
	if err != nil {
		t.Fatalf("get reseller %d: %v", id, err)
	}
	return r
}

// rsUpdate patches a reseller through c and fails the test otherwise.
func rsUpdate(t testing.TB, c *client.Client, id int64, in client.ResellerInput) *client.Reseller {
	t.Helper()
	r, err := c.UpdateReseller(context.Background(), id, in)
	if err != nil {
		t.Fatalf("update reseller %d: %v", id, err)
	}
	return r
}

// rsIDs returns the ids of resellers in their order.
func rsIDs(rs []client.Reseller) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// rsDo sends a raw request through c and fails the test if no answer came.
func rsDo(t testing.TB, c *client.Client, method, path, body, contentType string, opts ...client.RequestOption) *client.Response {
	t.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	resp, err := c.Do(context.Background(), method, path, b, contentType, opts...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// rsErrorDoc asserts that resp is a JSON:API error answer with the given status and
// returns its errors.
func rsErrorDoc(t testing.TB, resp *client.Response, status int) *client.Error {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status=%d, want %d (body %s)", resp.StatusCode, status, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != client.MediaType {
		t.Fatalf("Content-Type=%q, want %q", ct, client.MediaType)
	}
	e := &client.Error{StatusCode: resp.StatusCode}
	if err := json.Unmarshal(resp.Body, e); err != nil {
		t.Fatalf("error body %s: %v", resp.Body, err)
	}
	if len(e.Errors) == 0 {
		t.Fatalf("status %d without an errors array: %s", status, resp.Body)
	}
	for _, o := range e.Errors {
		if o.Status != strconv.Itoa(status) {
			t.Fatalf("errors[].status=%q, want %q", o.Status, strconv.Itoa(status))
		}
		if o.Title == "" || o.Detail == "" || o.Code == "" {
			t.Fatalf("error %+v lacks a title, detail or code", o)
		}
	}
	return e
}

// rsOnly asserts that e holds exactly one error with the given code and returns it.
func rsOnly(t testing.TB, e *client.Error, code string) client.ErrorObject {
	t.Helper()
	if len(e.Errors) != 1 {
		t.Fatalf("got %d errors, want 1: %v", len(e.Errors), e)
	}
	if got := e.Errors[0].Code; got != code {
		t.Fatalf("code=%q, want %q (%v)", got, code, e)
	}
	return e.Errors[0]
}

// rsCodeAt returns the code of the error pointing at pointer, or "" if none does.
func rsCodeAt(e *client.Error, pointer string) string {
	for _, o := range e.Errors {
		if o.Source != nil && o.Source.Pointer == pointer {
			return o.Code
		}
	}
	return ""
}

// rsPath makes a path from its segments, for paths with ids that are not integers.
func rsPath(segments ...string) string { return "/api/v3/" + strings.Join(segments, "/") }

// rsTimeFormat is the documented time format: milliseconds and a numeric offset.
var rsTimeFormat = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$`)

// rsAt parses an RFC 3339 time for expectations.
func rsAt(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

// rsTree is a reseller tree below the operator, three levels deep on one side:
//
//	operator (1)
//	├── Mid
//	│   ├── Low
//	│   │   └── Leaf
//	│   └── Low2
//	└── Side
//	    └── SideLow
//
// with an administrator of Mid, whose token sees Mid and everything below it.
type rsTree struct {
	Mid, Low, Leaf, Low2, Side, SideLow *client.Reseller
	MidAdmin                            *client.Manager
	// MidClient calls the server with MidAdmin's token.
	MidClient *client.Client
}

func rsBuildTree(t testing.TB, s *server) *rsTree {
	t.Helper()
	tr := &rsTree{}
	tr.Mid = mustCreateReseller(t, s.Admin, domain.OperatorID, "Mid Reseller")
	tr.Low = mustCreateReseller(t, s.Admin, tr.Mid.ID, "Low Reseller")
	tr.Leaf = mustCreateReseller(t, s.Admin, tr.Low.ID, "Leaf Reseller")
	tr.Low2 = mustCreateReseller(t, s.Admin, tr.Mid.ID, "Low Two")
	tr.Side = mustCreateReseller(t, s.Admin, domain.OperatorID, "Side Reseller")
	tr.SideLow = mustCreateReseller(t, s.Admin, tr.Side.ID, "Side Low")
	tr.MidAdmin = mustCreateManager(t, s.Admin, tr.Mid.ID, "admin")
	tr.MidClient = s.client(tr.MidAdmin.APIToken)
	return tr
}
