// Package e2e drives a real Cascade server through the public client, on SQLite and,
// when CASCADE_TEST_POSTGRES_URL is set, on PostgreSQL. Every response is validated
// against api/openapi.yaml, so the document and the server cannot drift apart.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"golang.org/x/crypto/bcrypt"

	"github.com/cascade-billing/cascade/api"
	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
)

func init() {
	openapi3filter.RegisterBodyDecoder(client.MediaType, openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/yaml", openapi3filter.FileBodyDecoder)
}

// server is a running Cascade server with its operator's administrator.
type server struct {
	*app.Main
	t      testing.TB
	engine storetest.Engine
	// Admin is a client with the operator administrator's token.
	Admin *client.Client
	token string
	http  *http.Client
}

// eachEngine runs f against a fresh server on every engine, configured by options.
func eachEngine(t *testing.T, f func(t *testing.T, s *server), options ...func(*app.Config)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, e storetest.Engine) {
		f(t, start(t, e, "admin-token-"+service.NewToken(), options...))
	})
}

// start runs a server on the database e with the given administrator token (used
// only when the database is empty) and stops it when the test ends. Options adjust the
// configuration, e.g. to give the server a test clock.
func start(tb testing.TB, e storetest.Engine, adminToken string, options ...func(*app.Config)) *server {
	tb.Helper()
	cfg := app.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DatabaseURL = e.URL
	cfg.AdminToken = adminToken
	cfg.PasswordCost = bcrypt.MinCost
	cfg.Quiet = true
	cfg.LogOutput = io.Discard
	cfg.Stdout = io.Discard
	// The catalogues of the tests name vendor services that do not exist; the tests of
	// vendor calls give back a nil Provisioner, which calls them.
	cfg.Provisioner = service.BuiltinProvisioner{}
	for _, o := range options {
		o(&cfg)
	}
	m := app.NewMain(cfg)
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		tb.Fatalf("start server on %s: %v", e.Name, err)
	}
	s := &server{Main: m, t: tb, engine: e, token: adminToken}
	tb.Cleanup(func() { s.stop() })
	s.http = &http.Client{Transport: newValidator(tb, m.URL())}
	s.Admin = s.client(adminToken)
	return s
}

var stopped atomic.Int64

func (s *server) stop() {
	if s.Main != nil {
		// Every scenario ends with the list counters equal to the rows they count,
		// so a write path that forgets to move one fails the test that took it.
		if err := s.checkListCounts(); err != nil {
			s.t.Errorf("after the test: %v", err)
		}
		// And with the account ledger's invariant holding (docs/billing.md).
		if err := s.checkLedger(); err != nil {
			s.t.Errorf("after the test: %v", err)
		}
		// And, on PostgreSQL, with every reference to a reseller, an account type or
		// an account class naming a row (storetest.SharedParentReferences).
		if err := storetest.CheckReferences(context.Background(), s.engine); err != nil {
			s.t.Errorf("after the test: %v", err)
		}
		if err := s.Main.Close(); err != nil {
			s.t.Errorf("close server: %v", err)
		}
		s.Main = nil
		stopped.Add(1)
	}
}

// client returns a client of this server authenticating with token.
func (s *server) client(token string) *client.Client {
	return client.New(s.URL(), token).WithHTTPClient(s.http)
}

// validator is an http.RoundTripper that checks every answer against the OpenAPI
// description and reports a mismatch as a test failure.
type validator struct {
	tb     testing.TB
	router routers.Router
}

var openAPIDoc = func() func() (*openapi3.T, error) {
	var (
		doc  *openapi3.T
		err  error
		done atomic.Bool
	)
	return func() (*openapi3.T, error) {
		if !done.Load() {
			loader := openapi3.NewLoader()
			doc, err = loader.LoadFromData(api.OpenAPI)
			if err == nil {
				err = doc.Validate(loader.Context)
			}
			done.Store(true)
		}
		return doc, err
	}
}()

func newValidator(tb testing.TB, baseURL string) *validator {
	tb.Helper()
	doc, err := openAPIDoc()
	if err != nil {
		tb.Fatalf("api/openapi.yaml: %v", err)
	}
	cp := *doc
	cp.Servers = openapi3.Servers{{URL: baseURL}}
	router, err := gorillamux.NewRouter(&cp)
	if err != nil {
		tb.Fatalf("api/openapi.yaml router: %v", err)
	}
	return &validator{tb: tb, router: router}
}

func (v *validator) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := v.check(req, reqBody, resp, body); err != nil {
		v.tb.Errorf("%s %s -> %d does not match api/openapi.yaml: %v\nbody: %s", req.Method, req.URL, resp.StatusCode, err, truncate(body))
	}
	return resp, nil
}

func (v *validator) check(req *http.Request, reqBody []byte, resp *http.Response, body []byte) error {
	route, params, err := v.router.FindRoute(req)
	if p := req.URL.Path; err != nil && len(p) > 1 && strings.HasSuffix(p, "/") {
		// The server serves a path with a trailing slash as the path without it.
		trimmed := req.Clone(req.Context())
		trimmed.URL.Path = strings.TrimSuffix(p, "/")
		route, params, err = v.router.FindRoute(trimmed)
	}
	if err != nil {
		// Only the catch-all answers paths and methods the document does not know.
		switch resp.StatusCode {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			return nil
		}
		return fmt.Errorf("no operation in the document: %w", err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true},
	})
	return err
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "..."
	}
	return string(b)
}

// apiError asserts that err is an API error with the given status and returns it.
func apiError(t testing.TB, err error, status int) *client.Error {
	t.Helper()
	var ae *client.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an API error with status %d", err, status)
	}
	if ae.StatusCode != status {
		t.Fatalf("status = %d, want %d (%v)", ae.StatusCode, status, ae)
	}
	if len(ae.Errors) == 0 {
		t.Fatalf("status %d without an errors array", status)
	}
	return ae
}

// hasPointer reports whether one of the errors points at pointer.
func hasPointer(e *client.Error, pointer string) bool {
	for _, o := range e.Errors {
		if o.Source != nil && o.Source.Pointer == pointer {
			return true
		}
	}
	return false
}

// hasParameter reports whether one of the errors names the query parameter.
func hasParameter(e *client.Error, param string) bool {
	for _, o := range e.Errors {
		if o.Source != nil && o.Source.Parameter == param {
			return true
		}
	}
	return false
}

var seq atomic.Int64

// unique returns a short string unique within the test binary.
func unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// mustCreateReseller creates a reseller below parent through c.
func mustCreateReseller(t testing.TB, c *client.Client, parent int64, name string) *client.Reseller {
	t.Helper()
	dom := strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "-" + unique("r") + ".example.com"
	r, err := c.CreateChildReseller(context.Background(), parent, client.ResellerInput{
		General: &client.ResellerGeneralInput{Name: client.String(name), Domain: client.String(dom),
			Currency: client.String("EUR")},
		Company: &client.ResellerCompanyInput{Name: client.String(name + " GmbH"), Country: client.String("DE")},
	})
	if err != nil {
		t.Fatalf("create reseller %q below %d: %v", name, parent, err)
	}
	return r
}

// mustCreateManager creates a manager of the given role ("admin", "owner", "sales",
// "marketing") at reseller rid through c and returns it with its token.
func mustCreateManager(t testing.TB, c *client.Client, rid int64, role string) *client.Manager {
	t.Helper()
	name := unique(role)
	m, err := c.CreateManager(context.Background(), rid, client.ManagerInput{
		Name: client.String("Manager " + name), Email: client.String(name + "@example.com"),
		Role: client.String(role), Password: client.String("secret123"),
	})
	if err != nil {
		t.Fatalf("create %s manager at %d: %v", role, rid, err)
	}
	if m.APIToken == "" {
		t.Fatalf("created manager %d has no api_token", m.ID)
	}
	return m
}

// checkListCounts compares the server's list counters with the rows they count; a
// server whose database is already closed has nothing to check.
func (s *server) checkListCounts() error {
	if s.DB == nil {
		return nil
	}
	return s.DB.CheckListCounts(context.Background())
}

// cashMethod returns the id of the payment method of reseller rid whose key is cash.
func cashMethod(t testing.TB, s *server, rid int64) int64 {
	t.Helper()
	methods, err := s.Admin.ListPaymentMethods(context.Background(), rid, nil)
	if err != nil {
		t.Fatalf("payment methods of reseller %d: %v", rid, err)
	}
	for _, m := range methods.Items {
		if m.Key == "cash" {
			return m.ID
		}
	}
	t.Fatalf("reseller %d has no cash payment method: %+v", rid, methods.Items)
	return 0
}
