package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/cascade-billing/cascade/client"
)

// ocRecorder is an http.RoundTripper in front of the harness's validator that
// remembers which documented answer (operation and status) each request got, so a
// test can prove every answer of api/openapi.yaml was produced and validated.
type ocRecorder struct {
	next   http.RoundTripper
	router routers.Router
	mu     sync.Mutex
	seen   map[string]bool
}

func ocNewRecorder(t *testing.T, s *server) *ocRecorder {
	t.Helper()
	doc, err := openAPIDoc()
	if err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	cp := *doc
	cp.Servers = openapi3.Servers{{URL: s.URL()}}
	router, err := gorillamux.NewRouter(&cp)
	if err != nil {
		t.Fatal(err)
	}
	return &ocRecorder{next: s.http.Transport, router: router, seen: map[string]bool{}}
}

func (r *ocRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if route, _, ferr := r.router.FindRoute(req); ferr == nil {
		r.mu.Lock()
		r.seen[ocAnswer(route.Operation.OperationID, resp.StatusCode)] = true
		r.mu.Unlock()
	}
	return resp, nil
}

// client returns a client of s whose requests r records; token "" sends none.
func (r *ocRecorder) client(s *server, token string) *client.Client {
	return client.New(s.URL(), token).WithHTTPClient(&http.Client{Transport: r})
}

func ocAnswer(operationID string, status int) string { return operationID + " " + strconv.Itoa(status) }

// missing lists the documented answers r has not seen, less those in skip.
func (r *ocRecorder) missing(doc *openapi3.T, skip map[string]bool) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				n, _ := strconv.Atoi(code)
				key := ocAnswer(op.OperationID, n)
				if !r.seen[key] && !skip[key] {
					out = append(out, key)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// ocDo sends a request and checks its status; body "" sends none. The content type
// is the JSON:API one unless ct says otherwise ("-" sends no Content-Type).
func ocDo(t *testing.T, c *client.Client, method, path, body, ct string, want int, opts ...client.RequestOption) *client.Response {
	t.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	switch ct {
	case "":
		ct = client.MediaType
	case "-":
		ct = ""
	}
	resp, err := c.Do(context.Background(), method, path, b, ct, opts...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status = %d, want %d; body: %s", method, path, resp.StatusCode, want, truncate(resp.Body))
	}
	return resp
}

// ocError sends a request that must fail with status and the given error code.
func ocError(t *testing.T, c *client.Client, method, path, body, ct string, status int, code string, opts ...client.RequestOption) *client.Error {
	t.Helper()
	resp := ocDo(t, c, method, path, body, ct, status, opts...)
	e := &client.Error{StatusCode: resp.StatusCode}
	if err := json.Unmarshal(resp.Body, e); err != nil || len(e.Errors) == 0 {
		t.Fatalf("%s %s: not an error document (%v): %s", method, path, err, resp.Body)
	}
	var codes []string
	for _, o := range e.Errors {
		codes = append(codes, o.Code)
		if o.Status != strconv.Itoa(status) {
			t.Errorf("%s %s: errors[].status = %q, want %d", method, path, o.Status, status)
		}
	}
	if !slices.Contains(codes, code) {
		t.Fatalf("%s %s: codes = %v, want %s", method, path, codes, code)
	}
	return e
}

// ocDoc is a JSON:API document as far as these tests read it.
type ocDoc struct {
	Data     json.RawMessage   `json:"data"`
	Included []client.Resource `json:"included"`
	Links    *client.Links     `json:"links"`
	Meta     *struct {
		TotalCount int `json:"total_count"`
	} `json:"meta"`
}

func ocDecode(t *testing.T, resp *client.Response) ocDoc {
	t.Helper()
	var d ocDoc
	if err := json.Unmarshal(resp.Body, &d); err != nil {
		t.Fatalf("decode %s: %v", truncate(resp.Body), err)
	}
	return d
}

func ocOne(t *testing.T, resp *client.Response) client.Resource {
	t.Helper()
	var r client.Resource
	if err := json.Unmarshal(ocDecode(t, resp).Data, &r); err != nil {
		t.Fatalf("data of %s: %v", truncate(resp.Body), err)
	}
	return r
}

func ocAttr(t *testing.T, r client.Resource) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Attributes, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const ocBigBodySize = 1<<20 + 1

func ocResellerBody(name, domain string) string {
	return fmt.Sprintf(`{"data":{"type":"resellers","attributes":{"general":{"name":%q,"domain":%q,"currency":"usd"},`+
		`"company":{"country":"de"},"custom_attributes":{"data":[{"key":"crm_id","value":"42"}]}}}}`, name, domain)
}

func ocManagerBody(name, role string) string {
	return fmt.Sprintf(`{"data":{"type":"managers","attributes":{"name":%q,"email":%q,"password":"secret123",`+
		`"role":%q,"phone":"+4930123456","custom_attributes":{"team":"north"}}}}`, name, strings.ToLower(name)+"@example.com", role)
}

// ocListNames reads the comma-separated names after marker in the first error's detail.
func ocListNames(t *testing.T, e *client.Error, marker string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(e.Errors[0].Detail, marker)
	if !ok {
		t.Fatalf("detail %q lacks %q", e.Errors[0].Detail, marker)
	}
	var out []string
	for _, n := range strings.Split(rest, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ocAlternatives returns the names a list parameter's pattern allows: the words of
// its first (a|b|c) group.
func ocAlternatives(pattern string) []string {
	m := regexp.MustCompile(`\(([A-Za-z_|]+)\)`).FindStringSubmatch(pattern)
	if m == nil {
		return nil
	}
	out := strings.Split(m[1], "|")
	sort.Strings(out)
	return out
}
