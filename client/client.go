// Package client is a typed Go client for Cascade's REST API v3 (and so for any
// server speaking the ActivePlatform API v3 it is compatible with).
//
//	c := client.New("http://127.0.0.1:8080", token)
//	r, err := c.GetReseller(ctx, 1)
//
// Errors the server answers with are *client.Error, carrying every entry of the
// JSON:API errors array.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MediaType is the JSON:API media type the API speaks.
const MediaType = "application/vnd.api+json"

// Client calls one Cascade server with one manager's API token.
type Client struct {
	baseURL string
	token   string
	http    *http.Client
	opts    []RequestOption
}

// New returns a client for the server at baseURL (e.g. "http://127.0.0.1:8080")
// authenticating with token. Options apply to every request.
func New(baseURL, token string, opts ...RequestOption) *Client {
	return &Client{baseURL: strings.TrimRight(baseURL, "/"), token: token, http: http.DefaultClient, opts: opts}
}

// WithHTTPClient returns a copy of c that sends requests through hc.
func (c *Client) WithHTTPClient(hc *http.Client) *Client {
	cp := *c
	cp.http = hc
	return &cp
}

// WithToken returns a copy of c that authenticates with another token.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.token = token
	return &cp
}

// RequestOption adjusts one request.
type RequestOption func(*request)

type request struct {
	header   http.Header
	query    url.Values
	response func(*http.Response)
}

// WithIdempotencyKey sends an Idempotency-Key, so a retried create is applied once.
func WithIdempotencyKey(key string) RequestOption {
	return func(r *request) { r.header.Set("Idempotency-Key", key) }
}

// WithLocale asks for error texts in the given language ("en" or "ru").
func WithLocale(locale string) RequestOption {
	return func(r *request) { r.header.Set("X-Api-Locale", locale) }
}

// WithHeader sets any request header.
func WithHeader(name, value string) RequestOption {
	return func(r *request) { r.header.Set(name, value) }
}

// WithInclude asks for related objects (JSON:API include).
func WithInclude(names ...string) RequestOption {
	return func(r *request) { r.query.Set("include", strings.Join(names, ",")) }
}

// WithQuery sets a query parameter of the request, such as plan_currency.
func WithQuery(name, value string) RequestOption {
	return func(r *request) { r.query.Set(name, value) }
}

// OnResponse calls f with the HTTP response (its body already read), e.g. to read
// headers such as Idempotency-Replayed.
func OnResponse(f func(*http.Response)) RequestOption {
	return func(r *request) { r.response = f }
}

// Error is an error answer of the API.
type Error struct {
	StatusCode int
	Errors     []ErrorObject `json:"errors"`
}

// ErrorObject is one entry of the errors array.
type ErrorObject struct {
	Status string       `json:"status"`
	Code   string       `json:"code"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Source *ErrorSource `json:"source,omitempty"`
	// Meta places the problem in a document the request carried, such as a catalogue
	// file, or holds what a vendor's service said.
	Meta *ErrorMeta `json:"meta,omitempty"`
}

// ErrorMeta is the line and column (1-based) of a problem in a sent document.
type ErrorMeta struct {
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// VendorMessage is what the vendor's service said when it refused the request.
	VendorMessage string `json:"vendor_message,omitempty"`
}

// ErrorSource says which part of the request an error is about.
type ErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Header    string `json:"header,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Errors) == 0 {
		return fmt.Sprintf("cascade: HTTP %d", e.StatusCode)
	}
	parts := make([]string, len(e.Errors))
	for i, o := range e.Errors {
		parts[i] = o.Detail
		if o.Source != nil && o.Source.Pointer != "" {
			parts[i] += " (" + o.Source.Pointer + ")"
		}
	}
	return fmt.Sprintf("cascade: HTTP %d: %s", e.StatusCode, strings.Join(parts, "; "))
}

// Response is a raw answer, for callers of Do.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Do sends a request with the client's token and returns the answer whatever its
// status. body is sent as is with contentType (none when empty).
func (c *Client) Do(ctx context.Context, method, path string, body []byte, contentType string, opts ...RequestOption) (*Response, error) {
	req := request{header: http.Header{}, query: url.Values{}}
	for _, o := range append(append([]RequestOption(nil), c.opts...), opts...) {
		o(&req)
	}
	u := c.baseURL + path
	if len(req.query) > 0 {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		u += sep + req.query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	hr.Header = req.header
	hr.Header.Set("Accept", MediaType)
	if c.token != "" {
		hr.Header.Set("X-Api-Token", c.token)
	}
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if req.response != nil {
		req.response(resp)
	}
	return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// call sends in (JSON-encoded when not nil) and decodes a successful answer into out.
func (c *Client) call(ctx context.Context, method, path string, in, out any, opts ...RequestOption) error {
	var (
		body []byte
		ct   string
	)
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
		ct = MediaType
	}
	return c.sendRaw(ctx, method, path, body, ct, out, opts...)
}

// sendRaw sends body as it is with contentType and decodes a successful answer into out.
func (c *Client) sendRaw(ctx context.Context, method, path string, body []byte, ct string, out any, opts ...RequestOption) error {
	resp, err := c.Do(ctx, method, path, body, ct, opts...)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		e := &Error{StatusCode: resp.StatusCode}
		json.Unmarshal(resp.Body, e) // a body that is not an error document leaves Errors empty
		return e
	}
	if out == nil || len(resp.Body) == 0 {
		return nil
	}
	return json.Unmarshal(resp.Body, out)
}

func pathf(format string, ids ...int64) string {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = strconv.FormatInt(id, 10)
	}
	return fmt.Sprintf(format, args...)
}
