package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

// mgPassword is a password every manager these tests create may use.
const mgPassword = "secret123"

// mgEachEngineClocked is eachEngine with a server whose clock stands still until the
// test moves it, for tests that need exact created_at and updated_at values.
func mgEachEngineClocked(t *testing.T, f func(t *testing.T, s *server, clock *domain.TestClock)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		clock := domain.NewTestClock(time.Date(2030, 3, 14, 9, 0, 0, 0, time.UTC))
		f(t, mgStartClocked(t, e, clock), clock)
	})
}

// mgStartClocked is start with an injected clock.
func mgStartClocked(tb testing.TB, e storetest.Engine, clock domain.Clock) *server {
	tb.Helper()
	return start(tb, e, "admin-token-"+service.NewToken(), func(c *app.Config) { c.Clock = clock })
}

// mgDo sends a raw JSON body (none when body is "") and returns the answer whatever
// its status.
func mgDo(t testing.TB, c *client.Client, method, path, body string, opts ...client.RequestOption) *client.Response {
	t.Helper()
	var b []byte
	ct := ""
	if body != "" {
		b, ct = []byte(body), client.MediaType
	}
	resp, err := c.Do(context.Background(), method, path, b, ct, opts...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// mgErrorOf decodes an error answer and checks its status.
func mgErrorOf(t testing.TB, resp *client.Response, status int) *client.Error {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body: %s", resp.StatusCode, status, resp.Body)
	}
	e := &client.Error{StatusCode: resp.StatusCode}
	if err := json.Unmarshal(resp.Body, e); err != nil {
		t.Fatalf("error body %s: %v", resp.Body, err)
	}
	if len(e.Errors) == 0 {
		t.Fatalf("status %d without an errors array: %s", status, resp.Body)
	}
	return e
}

// mgManagerOf decodes a single-manager document and checks its status.
func mgManagerOf(t testing.TB, resp *client.Response, status int) *client.Manager {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body: %s", resp.StatusCode, status, resp.Body)
	}
	var doc struct {
		Data struct {
			ID         string          `json:"id"`
			Type       string          `json:"type"`
			Attributes json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatalf("manager body %s: %v", resp.Body, err)
	}
	if doc.Data.Type != "managers" {
		t.Fatalf("data.type = %q, want managers", doc.Data.Type)
	}
	var m client.Manager
	if err := json.Unmarshal(doc.Data.Attributes, &m); err != nil {
		t.Fatalf("manager attributes %s: %v", doc.Data.Attributes, err)
	}
	id, err := strconv.ParseInt(doc.Data.ID, 10, 64)
	if err != nil {
		t.Fatalf("data.id = %q: %v", doc.Data.ID, err)
	}
	m.ID = id
	return &m
}

// mgStatus returns an option recording the HTTP status of the answer into *dst.
func mgStatus(dst *int) client.RequestOption {
	return client.OnResponse(func(r *http.Response) { *dst = r.StatusCode })
}

// mgOnlyPointer asserts that e holds exactly one error, a 422 at pointer.
func mgOnlyPointer(t testing.TB, e *client.Error, pointer string) {
	t.Helper()
	if len(e.Errors) != 1 {
		t.Fatalf("errors = %+v, want exactly one at %s", mgSources(e), pointer)
	}
	if !hasPointer(e, pointer) {
		t.Fatalf("error pointers = %v, want %s", mgSources(e), pointer)
	}
	if got := e.Errors[0].Status; got != "422" {
		t.Fatalf("errors[0].status = %q, want \"422\"", got)
	}
}

// mgSources lists where each error of e points, for failure messages.
func mgSources(e *client.Error) []string {
	var out []string
	for _, o := range e.Errors {
		switch {
		case o.Source == nil:
			out = append(out, "(none): "+o.Detail)
		case o.Source.Pointer != "":
			out = append(out, o.Source.Pointer)
		case o.Source.Parameter != "":
			out = append(out, "?"+o.Source.Parameter)
		default:
			out = append(out, "header "+o.Source.Header)
		}
	}
	return out
}

// mgRoleIDs returns the access levels of the token's own reseller by name.
func mgRoleIDs(t testing.TB, c *client.Client, rid int64) map[string]int64 {
	t.Helper()
	p, err := c.ListManagerRoles(context.Background(), rid, nil)
	if err != nil {
		t.Fatalf("list manager roles of %d: %v", rid, err)
	}
	out := map[string]int64{}
	for _, r := range p.Items {
		out[r.Name] = r.ID
	}
	return out
}

// mgNewManager creates a manager through c from in, filling name, e-mail and password
// when they are nil, and returns it with its token.
func mgNewManager(t testing.TB, c *client.Client, rid int64, in client.ManagerInput) *client.Manager {
	t.Helper()
	name := unique("mg")
	if in.Name == nil {
		in.Name = client.String("Manager " + name)
	}
	if in.Email == nil {
		in.Email = client.String(name + "@example.com")
	}
	if in.Password == nil {
		in.Password = client.String(mgPassword)
	}
	m, err := c.CreateManager(context.Background(), rid, in)
	if err != nil {
		t.Fatalf("create manager at %d: %v", rid, err)
	}
	return m
}

// mgIDs returns the ids of managers, in order.
func mgIDs(ms []client.Manager) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// mgSorted returns ids sorted ascending.
func mgSorted(ids ...int64) []int64 {
	out := slices.Clone(ids)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// mgTree is a small reseller tree below the operator: A with its child A1, and B,
// a sibling of A.
type mgTree struct {
	A, A1, B *client.Reseller
}

func mgNewTree(t testing.TB, s *server) mgTree {
	t.Helper()
	a := mustCreateReseller(t, s.Admin, 1, "Alpha")
	return mgTree{A: a, A1: mustCreateReseller(t, s.Admin, a.ID, "Alpha One"),
		B: mustCreateReseller(t, s.Admin, 1, "Beta")}
}

// mgPrefixSibling creates resellers below the operator until one's id starts with
// the digits of r's id (r 2, sibling 20), the neighbour a careless prefix match on
// materialised paths would take for r's child.
func mgPrefixSibling(t testing.TB, s *server, r *client.Reseller) *client.Reseller {
	t.Helper()
	prefix := strconv.FormatInt(r.ID, 10)
	for range 200 {
		n := mustCreateReseller(t, s.Admin, 1, "Neighbour")
		if id := strconv.FormatInt(n.ID, 10); id != prefix && strings.HasPrefix(id, prefix) {
			return n
		}
	}
	t.Fatalf("no reseller id starting with %s after 200 resellers", prefix)
	return nil
}

// mgPath formats an API path.
func mgPath(format string, args ...any) string { return fmt.Sprintf("/api/v3"+format, args...) }
