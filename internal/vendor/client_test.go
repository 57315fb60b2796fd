package vendor

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cascade-billing/cascade/vendorkit"
)

const testSecret = "cvs_test"

// recorded is one request the test vendor received.
type recorded struct {
	method, path string
	query        map[string][]string
	header       http.Header
	body         []byte
}

// testVendor is an httptest server recording every request and answering with
// answer (status 200, "{}" when nil).
type testVendor struct {
	*httptest.Server
	mu     sync.Mutex
	got    []recorded
	answer func(w http.ResponseWriter, r *http.Request)
}

func newTestVendor(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *testVendor {
	t.Helper()
	v := &testVendor{answer: answer}
	v.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v.mu.Lock()
		v.got = append(v.got, recorded{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), body})
		v.mu.Unlock()
		if v.answer != nil {
			v.answer(w, r)
			return
		}
		w.Write([]byte("{}"))
	}))
	t.Cleanup(v.Close)
	return v
}

func (v *testVendor) requests() []recorded {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]recorded(nil), v.got...)
}

// privateClient is a client allowed to reach the test vendor on loopback.
func privateClient(timeout time.Duration) *Client {
	s := DefaultSettings()
	s.Timeout = timeout
	s.Addresses.AllowPrivate = true
	return New(s)
}

func target(v *testVendor) Target {
	return Target{APIPath: v.URL + "/api/", Secret: testSecret, APGUID: "5d6c1a2b-0000-4000-8000-000000000001", ResellerID: 7}
}

var sampleSub = &vendorkit.SubscriptionRequest{
	ExternalID:  "ext-1",
	Reseller:    vendorkit.Reseller{ID: 7, Name: "Acme Cloud", Currency: "USD", Attributes: map[string]string{"partner": "P-7"}},
	Distributor: vendorkit.Distributor{ID: 1, Name: "Operator", Currency: "USD"},
	Tenant: vendorkit.Tenant{ID: 2000532, CompanyName: "Foo Ltd", Type: "business",
		Contact: vendorkit.Contact{FirstName: "Ann", Country: "DE"}, Owner: vendorkit.Owner{FirstName: "Ann"}},
	Plan: vendorkit.Plan{Name: "Pro", SKU: "PRO-1M", Period: vendorkit.Period{Value: 1, Type: vendorkit.PeriodMonth},
		Resources: []vendorkit.PlanResource{{Resource: "11", Key: "users", Quantity: 10}}},
	Subscription: vendorkit.Subscription{ID: "3007255", Attributes: map[string]string{"domain": "foo.example"}},
}

// TestEveryCall makes every call of the protocol and checks what the vendor got:
// method, path below the API path, ap_guid and reseller_id, the event headers, a
// signature that verifies over the body, and the body itself.
func TestEveryCall(t *testing.T) {
	v := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/subscription/create":
			w.WriteHeader(201)
			w.Write([]byte(`{"external_id":"ext-1","attributes":{"login_url":"https://x.example"}}`))
		case "/api/user/create":
			w.WriteHeader(201)
			w.Write([]byte(`{"id":"1234567"}`))
		case "/api/subscription/usage":
			w.Write([]byte(`{"resources":[{"key":"users","usage":7}]}`))
		case "/api/subscription/consumption":
			w.Write([]byte(`{"resources":[{"key":"traffic","quantity":"12.125"}]}`))
		case "/api/order/attributes":
			w.Write([]byte(`{"attributes":[{"key":"domain","label":"Domain","type":"string","required":true}]}`))
		case "/api/subscription/update", "/api/subscription/renew":
			w.Write([]byte(`{"attributes":{"seats":"10"}}`))
		default:
			w.WriteHeader(200) // no body, as user events answer
		}
	})
	c := privateClient(5 * time.Second)
	tg := target(v)
	ctx := context.Background()
	usage := &vendorkit.UsageRequest{ExternalID: "ext-1", Reseller: sampleSub.Reseller, Subscription: sampleSub.Subscription, Plan: sampleSub.Plan}
	cons := &vendorkit.ConsumptionRequest{ExternalID: "ext-1", Reseller: sampleSub.Reseller, Subscription: sampleSub.Subscription,
		From: "2026-01-01T00:00:00Z", To: "2026-02-01T00:00:00Z"}
	attrs := &vendorkit.OrderAttributesRequest{Reseller: sampleSub.Reseller, Distributor: sampleSub.Distributor, Plan: sampleSub.Plan,
		AttributesFor: vendorkit.AttributesForCustomer}
	valid := &vendorkit.AttributesValidationRequest{Reseller: sampleSub.Reseller, Distributor: sampleSub.Distributor,
		Tenant: sampleSub.Tenant, Plan: sampleSub.Plan, Attributes: map[string]string{"domain": "foo.example"}}
	user := &vendorkit.UserCreateRequest{Password: "S3cret!", Email: "john@example.com", FirstName: "John", LastName: "Doe"}

	cases := []struct {
		event vendorkit.Event
		body  any // what the vendor must get; nil for none
		call  func(id string) (any, error)
		want  any // the decoded answer
	}{
		{vendorkit.EventCheck, nil, func(id string) (any, error) { return nil, c.Check(ctx, tg, id) }, nil},
		{vendorkit.EventSubscriptionCreate, sampleSub, func(id string) (any, error) { return c.SubscriptionCreate(ctx, tg, id, sampleSub) },
			&vendorkit.CreateAnswer{ExternalID: "ext-1", Attributes: map[string]string{"login_url": "https://x.example"}}},
		{vendorkit.EventSubscriptionUpdate, sampleSub, func(id string) (any, error) { return c.SubscriptionUpdate(ctx, tg, id, sampleSub) },
			&vendorkit.AttributesAnswer{Attributes: map[string]string{"seats": "10"}}},
		{vendorkit.EventSubscriptionStop, sampleSub, func(id string) (any, error) { return nil, c.SubscriptionDeactivate(ctx, tg, id, sampleSub) }, nil},
		{vendorkit.EventSubscriptionActivate, sampleSub, func(id string) (any, error) { return nil, c.SubscriptionActivate(ctx, tg, id, sampleSub) }, nil},
		{vendorkit.EventSubscriptionDelete, sampleSub, func(id string) (any, error) { return nil, c.SubscriptionDelete(ctx, tg, id, sampleSub) }, nil},
		{vendorkit.EventSubscriptionRenew, sampleSub, func(id string) (any, error) { return c.SubscriptionRenew(ctx, tg, id, sampleSub) },
			&vendorkit.AttributesAnswer{Attributes: map[string]string{"seats": "10"}}},
		{vendorkit.EventResourceValidation, sampleSub, func(id string) (any, error) { return nil, c.ResourceValidation(ctx, tg, id, sampleSub) }, nil},
		{vendorkit.EventUsageStatistics, usage, func(id string) (any, error) { return c.UsageStatistics(ctx, tg, id, usage) },
			&vendorkit.UsageAnswer{Resources: []vendorkit.ResourceUsage{{Key: "users", Usage: 7}}}},
		{vendorkit.EventConsumption, cons, func(id string) (any, error) { return c.Consumption(ctx, tg, id, cons) },
			&vendorkit.ConsumptionAnswer{Resources: []vendorkit.ResourceConsumption{{Key: "traffic", Quantity: "12.125"}}}},
		{vendorkit.EventOrderAttributes, attrs, func(id string) (any, error) { return c.OrderAttributes(ctx, tg, id, attrs) },
			&vendorkit.OrderAttributesAnswer{Attributes: []vendorkit.OrderAttribute{{Key: "domain", Label: "Domain", Type: "string", Required: true}}}},
		{vendorkit.EventAttributesValidation, valid, func(id string) (any, error) { return nil, c.AttributesValidation(ctx, tg, id, valid) }, nil},
		{vendorkit.EventUserCreate, user, func(id string) (any, error) { return c.UserCreate(ctx, tg, id, user) },
			&vendorkit.UserCreateAnswer{ID: "1234567"}},
		{vendorkit.EventUserUpdate, &vendorkit.UserUpdateRequest{ID: "1234567", FirstName: "John", LastName: "Doe"},
			func(id string) (any, error) {
				return nil, c.UserUpdate(ctx, tg, id, &vendorkit.UserUpdateRequest{ID: "1234567", FirstName: "John", LastName: "Doe"})
			}, nil},
		{vendorkit.EventUserDelete, &vendorkit.UserRef{ID: "1234567"}, func(id string) (any, error) { return nil, c.UserDelete(ctx, tg, id, &vendorkit.UserRef{ID: "1234567"}) }, nil},
		{vendorkit.EventUserActivate, &vendorkit.UserRef{ID: "1234567"}, func(id string) (any, error) {
			return nil, c.UserActivate(ctx, tg, id, &vendorkit.UserRef{ID: "1234567"})
		}, nil},
		{vendorkit.EventUserDeactivate, &vendorkit.UserRef{ID: "1234567"}, func(id string) (any, error) {
			return nil, c.UserDeactivate(ctx, tg, id, &vendorkit.UserRef{ID: "1234567"})
		}, nil},
		{vendorkit.EventUserPasswordReset, &vendorkit.UserPasswordResetRequest{ID: "1234567", Password: "1234$Q3##E"}, func(id string) (any, error) {
			return nil, c.UserPasswordReset(ctx, tg, id, &vendorkit.UserPasswordResetRequest{ID: "1234567", Password: "1234$Q3##E"})
		}, nil},
	}
	if len(cases) != len(vendorkit.Events) {
		t.Fatalf("%d calls tested, the protocol has %d", len(cases), len(vendorkit.Events))
	}
	for i, tc := range cases {
		t.Run(string(tc.event), func(t *testing.T) {
			eventID := "evt-" + string(tc.event)
			got, err := tc.call(eventID)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("answer %#v, want %#v", got, tc.want)
			}
			reqs := v.requests()
			if len(reqs) != i+1 {
				t.Fatalf("vendor got %d requests, want %d", len(reqs), i+1)
			}
			r := reqs[i]
			if r.method != tc.event.Method() || r.path != "/api"+tc.event.Path() {
				t.Fatalf("%s %s, want %s /api%s", r.method, r.path, tc.event.Method(), tc.event.Path())
			}
			if q := r.query; len(q) != 2 || q["ap_guid"][0] != tg.APGUID || q["reseller_id"][0] != "7" {
				t.Fatalf("query %v, want ap_guid and reseller_id only", q)
			}
			if r.header.Get("X-Cascade-Event-Id") != eventID || r.header.Get("X-Cascade-Event") != string(tc.event) {
				t.Fatalf("event headers %q %q", r.header.Get("X-Cascade-Event-Id"), r.header.Get("X-Cascade-Event"))
			}
			sig := r.header.Get("X-Cascade-Signature")
			if !strings.HasPrefix(sig, "t=") || !strings.Contains(sig, ",v1=") {
				t.Fatalf("signature header %q", sig)
			}
			if err := vendorkit.Verify(sig, tc.event, eventID, r.body, []string{testSecret}, time.Now(), time.Minute); err != nil {
				t.Fatalf("signature %q does not verify: %v", sig, err)
			}
			if tc.body == nil {
				if len(r.body) != 0 || r.header.Get("Content-Type") != "" {
					t.Fatalf("a call without body sent %q (%s)", r.body, r.header.Get("Content-Type"))
				}
				return
			}
			want, _ := json.Marshal(tc.body)
			if string(r.body) != string(want) || r.header.Get("Content-Type") != "application/json" {
				t.Fatalf("body %s (%s), want %s", r.body, r.header.Get("Content-Type"), want)
			}
		})
	}
}

// TestPayloadNames pins the JSON names of the shared objects to the protocol's.
func TestPayloadNames(t *testing.T) {
	b, _ := json.Marshal(sampleSub)
	for _, name := range []string{`"external_id"`, `"reseller"`, `"distributor"`, `"tenant"`, `"plan"`, `"subscription"`,
		`"company_name"`, `"first_address"`, `"second_address"`, `"company_phone"`, `"company_email"`, `"core_attributes"`,
		`"contact"`, `"owner"`, `"address_line_1"`, `"resources"`, `"resource"`, `"quantity"`, `"period"`, `"value"`,
		`"type":"Month"`, `"sku"`, `"attributes"`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("payload lacks %s: %s", name, b)
		}
	}
	if strings.Contains(string(b), `"user"`) || strings.Contains(string(b), `"dry_run"`) {
		t.Errorf("optional members sent empty: %s", b)
	}
}

// TestOutcomes classifies answers: 2xx success; 5xx, 408 and 429 retryable; other
// statuses and a create without external_id permanent, with the vendor's text from
// either documented error shape.
func TestOutcomes(t *testing.T) {
	var status int
	var body string
	v := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	})
	c := privateClient(5 * time.Second)
	for _, tc := range []struct {
		status  int
		body    string
		outcome Outcome
		message string
		avail   int64
	}{
		{200, `{"external_id":"a"}`, Success, "", 0},
		{201, `{"external_id":"a"}`, Success, "", 0},
		{200, `{}`, Permanent, "the create answer has no external_id", 0},
		{201, `{"external_id":""}`, Permanent, "the create answer has no external_id", 0},
		{500, `{"task":{"error_message":"database down"}}`, Retryable, "database down", 0},
		{503, `oops`, Retryable, "oops", 0},
		{408, ``, Retryable, "Request Timeout", 0},
		{429, `{"error_message":"slow down"}`, Retryable, "slow down", 0},
		{422, `{"task":{"error_message":"You can change up to 5","available_quantity":5}}`, Permanent, "You can change up to 5", 5},
		{400, `{"error_message":"bad tenant"}`, Permanent, "bad tenant", 0},
		{404, `{"task":{}}`, Permanent, `{"task":{}}`, 0},
		{200, `not json`, Permanent, "unreadable answer", 0},
	} {
		status, body = tc.status, tc.body
		_, err := c.SubscriptionCreate(context.Background(), target(v), "evt", sampleSub)
		if got := Classify(err); got != tc.outcome {
			t.Errorf("%d %s: outcome %s (%v), want %s", tc.status, tc.body, got, err, tc.outcome)
			continue
		}
		if err == nil {
			continue
		}
		var f *Failure
		if !errors.As(err, &f) || !strings.Contains(f.Message, tc.message) || f.Status != tc.status {
			t.Errorf("%d %s: failure %+v, want status %d and text %q", tc.status, tc.body, f, tc.status, tc.message)
		}
		if tc.avail != 0 && (f.AvailableQuantity == nil || *f.AvailableQuantity != tc.avail) {
			t.Errorf("%d: available quantity %v, want %d", tc.status, f.AvailableQuantity, tc.avail)
		}
	}
}

// TestRedirectNotFollowed: a redirect is a permanent failure and its target is never
// called.
func TestRedirectNotFollowed(t *testing.T) {
	var followed bool
	v := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed = true
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	err := privateClient(5*time.Second).SubscriptionDeactivate(context.Background(), target(v), "evt", sampleSub)
	var f *Failure
	if !errors.As(err, &f) || f.Outcome != Permanent || f.Status != 302 || !strings.Contains(f.Message, "redirect") {
		t.Fatalf("redirect: %v, want a permanent failure naming the redirect", err)
	}
	if followed || len(v.requests()) != 1 {
		t.Fatalf("the redirect was followed (%d requests)", len(v.requests()))
	}
}

// TestAnswerOverOneMiBRefused: an answer of 1 MiB passes, one byte more is refused.
func TestAnswerOverOneMiBRefused(t *testing.T) {
	size := MaxAnswer
	v := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"attributes":{"x":"`))
		w.Write([]byte(strings.Repeat("a", size-len(`{"attributes":{"x":""}}`))))
		w.Write([]byte(`"}}`))
	})
	c := privateClient(5 * time.Second)
	if _, err := c.SubscriptionUpdate(context.Background(), target(v), "evt", sampleSub); err != nil {
		t.Fatalf("an answer of exactly 1 MiB: %v", err)
	}
	size++
	_, err := c.SubscriptionUpdate(context.Background(), target(v), "evt", sampleSub)
	if Classify(err) != Permanent || !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("an answer over 1 MiB: %v, want a permanent refusal", err)
	}
}

// TestRefusalTextCleaned: a refusal's text is kept as valid UTF-8 without control
// characters, within maxMessage bytes, whatever the vendor answered.
func TestRefusalTextCleaned(t *testing.T) {
	v := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte("bad\x00\xff\x1b[31mred\r\nline " + strings.Repeat("ж", MaxAnswer/4)))
	})
	_, err := privateClient(5*time.Second).SubscriptionUpdate(context.Background(), target(v), "evt", sampleSub)
	var f *Failure
	if !errors.As(err, &f) {
		t.Fatalf("err %v, want a Failure", err)
	}
	if !utf8.ValidString(f.Message) || strings.ContainsFunc(f.Message, unicode.IsControl) || len(f.Message) > maxMessage+len("…") {
		t.Fatalf("message of %d bytes %q", len(f.Message), f.Message[:min(len(f.Message), 40)])
	}
	if want := "bad \ufffd [31mred  line жж"; !strings.HasPrefix(f.Message, want) {
		t.Fatalf("message %q, want it to start with %q", f.Message[:40], want)
	}
}

// TestTimeout: a vendor slower than the timeout is a retryable failure, reported
// when the timeout passes.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	v := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	start := time.Now()
	err := privateClient(200*time.Millisecond).SubscriptionActivate(context.Background(), target(v), "evt", sampleSub)
	var f *Failure
	if !errors.As(err, &f) || f.Outcome != Retryable || f.Status != 0 || !strings.Contains(f.Message, "timeout") {
		t.Fatalf("slow vendor: %v, want a retryable timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the call took %s with a 200ms timeout", d)
	}
}

// TestConnectionErrorRetryable: nothing listening is retried.
func TestConnectionErrorRetryable(t *testing.T) {
	v := newTestVendor(t, nil)
	tg := target(v)
	v.Close()
	if err := privateClient(time.Second).Check(context.Background(), tg, "evt"); Classify(err) != Retryable {
		t.Fatalf("closed vendor: %v, want retryable", err)
	}
}
