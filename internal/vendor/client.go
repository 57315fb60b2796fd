package vendor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
)

// MaxAnswer is the largest answer read from a vendor; a longer one is refused.
const MaxAnswer = 1 << 20

// Target is where and as whom a call is made: the product's API path and secret,
// the installation's ap_guid and the reseller that sold what the call is about.
type Target struct {
	APIPath    string
	Secret     string
	APGUID     string
	ResellerID int64
}

// Client makes the calls of the protocol. It is safe for concurrent use.
type Client struct {
	settings Settings
	http     *http.Client
	// Now is the clock signatures are dated by; time.Now when nil.
	Now func() time.Time
}

// New returns a Client with settings. Its connections are checked at dial time
// against settings.Addresses, go through no proxy (a proxy would dial for it,
// unchecked) and follow no redirect.
func New(settings Settings) *Client {
	if settings.Timeout <= 0 {
		settings.Timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: settings.Timeout, KeepAlive: 30 * time.Second,
		Control: settings.Addresses.dialControl}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   settings.Timeout,
		ResponseHeaderTimeout: settings.Timeout,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Client{settings: settings, http: &http.Client{Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Close lets the client's idle connections go.
func (c *Client) Close() { c.http.CloseIdleConnections() }

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// callURL is the URL of event e below t's API path, with ap_guid and reseller_id.
func callURL(t Target, e vendorkit.Event) (string, error) {
	u, err := url.Parse(t.APIPath)
	if err != nil {
		return "", fmt.Errorf("%q: %w", t.APIPath, ErrScheme)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + e.Path()
	u.RawPath = ""
	q := u.Query()
	q.Set(vendorkit.QueryAPGUID, t.APGUID)
	q.Set(vendorkit.QueryResellerID, strconv.FormatInt(t.ResellerID, 10))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// call makes event e to t with body in (nil for the check), signed, under the
// event id eventID, and decodes a successful answer into out (nil to ignore it).
// Settings.Observe, when set, is told how it went.
func (c *Client) call(ctx context.Context, t Target, e vendorkit.Event, eventID string, in, out any) (status int, err error) {
	if c.settings.Observe != nil {
		defer func(start time.Time) {
			c.settings.Observe(string(e), Classify(err).String(), time.Since(start))
		}(time.Now())
	}
	return c.exchange(ctx, t, e, eventID, in, out)
}

// exchange is call without its observation.
func (c *Client) exchange(ctx context.Context, t Target, e vendorkit.Event, eventID string, in, out any) (int, error) {
	if eventID == "" {
		return 0, permanent(0, "no event id")
	}
	raw, err := callURL(t, e)
	if err == nil {
		err = c.settings.Addresses.CheckURL(raw)
	}
	if err != nil {
		return 0, transportFailure(err)
	}
	var body []byte
	if in != nil {
		if body, err = json.Marshal(in); err != nil {
			return 0, fmt.Errorf("encode %s: %w", e, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.settings.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, e.Method(), raw, bytes.NewReader(body))
	if err != nil {
		return 0, transportFailure(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Cascade")
	req.Header.Set(vendorkit.HeaderEvent, string(e))
	req.Header.Set(vendorkit.HeaderEventID, eventID)
	req.Header.Set(vendorkit.HeaderSignature, vendorkit.Sign(t.Secret, c.now(), e, eventID, body))
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, transportFailure(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer+1))
	if err != nil {
		return resp.StatusCode, transportFailure(err)
	}
	if len(answer) > MaxAnswer {
		return resp.StatusCode, permanent(resp.StatusCode, "answer over 1 MiB refused")
	}
	if statusOutcome(resp.StatusCode) != Success {
		f := answerFailure(resp.StatusCode, answer)
		f.RetryAfter = retryAfter(resp, c.now())
		return resp.StatusCode, f
	}
	if out != nil && len(bytes.TrimSpace(answer)) > 0 {
		if err := json.Unmarshal(answer, out); err != nil {
			return resp.StatusCode, permanent(resp.StatusCode, "unreadable answer: "+err.Error())
		}
	}
	return resp.StatusCode, nil
}
