package vendorkit

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const secret = "cvs_kit"

// counting is a vendor service that counts creates and refuses what it is told to.
type counting struct {
	Unimplemented
	creates atomic.Int64
	refuse  *Error
	got     Call
	mu      sync.Mutex
}

func (c *counting) SubscriptionCreate(_ context.Context, call Call, r *SubscriptionRequest) (*CreateAnswer, error) {
	c.mu.Lock()
	c.got = call
	c.mu.Unlock()
	n := c.creates.Add(1)
	if c.refuse != nil {
		return nil, c.refuse
	}
	return &CreateAnswer{ExternalID: r.Subscription.ID + "-" + string(rune('0'+n))}, nil
}

// signed is a signed call of event with body at t, with the event id.
func signed(t time.Time, event Event, eventID string, body []byte, key string) *http.Request {
	r := httptest.NewRequest(event.Method(), event.Path()+"?ap_guid=g-1&reseller_id=7", bytes.NewReader(body))
	r.Header.Set(HeaderSignature, Sign(key, t, event, eventID, body))
	r.Header.Set(HeaderEventID, eventID)
	r.Header.Set(HeaderEvent, string(event))
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var createBody = []byte(`{"reseller":{"id":7},"subscription":{"id":"42"}}`)

func TestSignatureRefusals(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	svc := &counting{}
	h := NewHandler(svc, Config{Secrets: []string{secret}, Now: func() time.Time { return now }})

	if w := serve(h, signed(now.Add(-4*time.Minute), EventSubscriptionCreate, "e-ok", createBody, secret)); w.Code != 201 {
		t.Fatalf("a call signed 4 minutes ago: %d %s", w.Code, w.Body)
	}
	// The body changed after signing: "42" became "43".
	tampered := httptest.NewRequest("POST", "/subscription/create", bytes.NewReader(bytes.Replace(createBody, []byte(`"42"`), []byte(`"43"`), 1)))
	tampered.Header.Set(HeaderSignature, Sign(secret, now, EventSubscriptionCreate, "e-tampered", createBody))
	tampered.Header.Set(HeaderEventID, "e-tampered")
	for name, r := range map[string]*http.Request{
		"tampered body": tampered,
		"old timestamp": signed(now.Add(-6*time.Minute), EventSubscriptionCreate, "e-old", createBody, secret),
		"future":        signed(now.Add(6*time.Minute), EventSubscriptionCreate, "e-future", createBody, secret),
		"wrong secret":  signed(now, EventSubscriptionCreate, "e-wrong", createBody, "cvs_other"),
		"no signature": func() *http.Request {
			r := signed(now, EventSubscriptionCreate, "e-none", createBody, secret)
			r.Header.Del(HeaderSignature)
			return r
		}(),
		"garbled header": func() *http.Request {
			r := signed(now, EventSubscriptionCreate, "e-g", createBody, secret)
			r.Header.Set(HeaderSignature, "t=x,v1=zz")
			return r
		}(),
	} {
		w := serve(h, r)
		if w.Code != 401 || !strings.Contains(w.Body.String(), `"error_message"`) {
			t.Errorf("%s: %d %s, want 401 with an error_message", name, w.Code, w.Body)
		}
	}
	if n := svc.creates.Load(); n != 1 {
		t.Fatalf("the vendor's create ran %d times, want once (only the good call)", n)
	}
	// A rotation rolls out with both secrets accepted.
	both := NewHandler(svc, Config{Secrets: []string{"cvs_old", secret}, Now: func() time.Time { return now }})
	if w := serve(both, signed(now, EventSubscriptionCreate, "e-rot", createBody, secret)); w.Code != 201 {
		t.Fatalf("new secret during a rotation: %d %s", w.Code, w.Body)
	}
}

func TestDuplicateEventAnsweredOnce(t *testing.T) {
	now := time.Now()
	svc := &counting{}
	h := NewHandler(svc, Config{Secrets: []string{secret}})
	first := serve(h, signed(now, EventSubscriptionCreate, "e-1", createBody, secret))
	if first.Code != 201 {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	var a CreateAnswer
	if err := json.Unmarshal(first.Body.Bytes(), &a); err != nil || a.ExternalID != "42-1" {
		t.Fatalf("first answer %s: %v", first.Body, err)
	}
	svc.mu.Lock()
	if got := svc.got; got.EventID != "e-1" || got.APGUID != "g-1" || got.ResellerID != "7" || got.Event != EventSubscriptionCreate {
		t.Fatalf("call seen by the vendor: %+v", got)
	}
	svc.mu.Unlock()
	// The same event again, later and re-signed, as a retry is: the first answer,
	// and the vendor's function not called again. Concurrent retries too.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			again := serve(h, signed(time.Now(), EventSubscriptionCreate, "e-1", createBody, secret))
			if again.Code != 201 || again.Body.String() != first.Body.String() {
				t.Errorf("retry: %d %s, want the first answer %s", again.Code, again.Body, first.Body)
			}
		}()
	}
	wg.Wait()
	if n := svc.creates.Load(); n != 1 {
		t.Fatalf("create ran %d times for one event id", n)
	}
	// Another event is another create.
	if w := serve(h, signed(now, EventSubscriptionCreate, "e-2", createBody, secret)); w.Code != 201 || svc.creates.Load() != 2 {
		t.Fatalf("second event: %d, %d creates", w.Code, svc.creates.Load())
	}
}

// A refusal is not remembered: the vendor may mend the cause, and the retry of the
// same event runs again.
func TestRefusalNotRemembered(t *testing.T) {
	svc := &counting{refuse: &Error{Status: 422, Message: "You can change up to 5", AvailableQuantity: new(int64)}}
	*svc.refuse.AvailableQuantity = 5
	h := NewHandler(svc, Config{Secrets: []string{secret}})
	w := serve(h, signed(time.Now(), EventSubscriptionCreate, "e-r", createBody, secret))
	want := `{"task":{"error_message":"You can change up to 5","available_quantity":5}}`
	if w.Code != 422 || w.Body.String() != want {
		t.Fatalf("refusal: %d %s, want 422 %s", w.Code, w.Body, want)
	}
	if e := ParseError(w.Code, w.Body.Bytes()); e.Message != "You can change up to 5" || *e.AvailableQuantity != 5 {
		t.Fatalf("the refusal reads back as %+v", e)
	}
	svc.refuse = nil
	if w := serve(h, signed(time.Now(), EventSubscriptionCreate, "e-r", createBody, secret)); w.Code != 201 || svc.creates.Load() != 2 {
		t.Fatalf("retry after a refusal: %d, %d creates", w.Code, svc.creates.Load())
	}
}

func TestHandlerRouting(t *testing.T) {
	now := time.Now()
	h := NewHandler(&counting{}, Config{Secrets: []string{secret}})
	for _, tc := range []struct {
		name   string
		r      *http.Request
		status int
	}{
		{"unknown path", signed(now, Event("nope"), "e", nil, secret), 404},
		{"wrong method", httptest.NewRequest("GET", "/subscription/create", nil), 405},
		{"unsupported call", signed(now, EventUserDelete, "e-u", []byte(`{"id":"1"}`), secret), 404},
		{"malformed body", signed(now, EventSubscriptionCreate, "e-m", []byte(`{`), secret), 400},
		{"no event id", func() *http.Request {
			r := signed(now, EventSubscriptionCreate, "", createBody, secret)
			return r
		}(), 400},
	} {
		if w := serve(h, tc.r); w.Code != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, w.Code, w.Body, tc.status)
		}
	}
	big := bytes.Repeat([]byte("a"), MaxBody+1)
	if w := serve(h, signed(now, EventSubscriptionCreate, "e-big", big, secret)); w.Code != 413 {
		t.Errorf("body over 1 MiB: %d", w.Code)
	}
	for _, e := range Events {
		if e.Path() != "/"+strings.ReplaceAll(string(e), ".", "/") {
			t.Errorf("%s: path %s", e, e.Path())
		}
	}
}

func TestParseErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		body, want string
	}{
		{`{"task":{"error_message":"nested"}}`, "nested"},
		{`{"error_message":"top"}`, "top"},
		{`plain text`, "plain text"},
		{``, "Bad Request"},
	} {
		if got := ParseError(400, []byte(tc.body)).Message; got != tc.want {
			t.Errorf("%q: %q, want %q", tc.body, got, tc.want)
		}
	}
}

// TestSignatureBindsEventAndID: a captured call, within the tolerance, is refused
// when sent to another call's path (a stop's body would do for a delete) or under
// another event id (deduplication would take it for a new event).
func TestSignatureBindsEventAndID(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	svc := &counting{}
	h := NewHandler(svc, Config{Secrets: []string{secret}, Now: func() time.Time { return now }})
	if w := serve(h, signed(now, EventSubscriptionCreate, "e-1", createBody, secret)); w.Code != 201 {
		t.Fatalf("the signed call: %d %s", w.Code, w.Body)
	}
	newID := signed(now, EventSubscriptionCreate, "e-1", createBody, secret)
	newID.Header.Set(HeaderEventID, "e-2")
	otherPath := signed(now, EventSubscriptionCreate, "e-3", createBody, secret)
	otherPath.URL.Path = EventSubscriptionDelete.Path()
	for name, r := range map[string]*http.Request{"another event id": newID, "another path": otherPath} {
		if w := serve(h, r); w.Code != 401 {
			t.Errorf("%s: %d %s, want 401", name, w.Code, w.Body)
		}
	}
	if n := svc.creates.Load(); n != 1 {
		t.Fatalf("create ran %d times, want once", n)
	}
}

// Two installations number their events alike (an event id is a job's id): the
// same event id from another installation (ap_guid) is another event, not a retry
// to answer with the first installation's answer.
func TestSameEventIDOfAnotherInstallation(t *testing.T) {
	svc := &counting{}
	h := NewHandler(svc, Config{Secrets: []string{secret}})
	first := serve(h, signed(time.Now(), EventSubscriptionCreate, "17", createBody, secret))
	other := signed(time.Now(), EventSubscriptionCreate, "17", createBody, secret)
	other.URL.RawQuery = "ap_guid=g-2&reseller_id=7"
	second := serve(h, other)
	if first.Code != 201 || second.Code != 201 || first.Body.String() == second.Body.String() || svc.creates.Load() != 2 {
		t.Fatalf("answers %d %s and %d %s with %d creates, want two creates", first.Code, first.Body,
			second.Code, second.Body, svc.creates.Load())
	}
}
