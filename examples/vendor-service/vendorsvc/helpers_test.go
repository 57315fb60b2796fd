package vendorsvc_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/vendor"
	"github.com/cascade-billing/cascade/vendorkit"
)

const secret = "cvs_example"

const apGUID = "5d6c1a2b-0000-4000-8000-000000000001"

// harness is a vendor service on loopback and Cascade's client pointed at it.
type harness struct {
	srv    *vendorsvc.Server
	url    string
	client *vendor.Client
	target vendor.Target
}

// startService serves a new service over the database at path (":memory:" for
// none) and closes it when the test ends.
func startService(t *testing.T, path string) *harness {
	t.Helper()
	srv, err := vendorsvc.Open(context.Background(), vendorsvc.Options{Secrets: []string{secret}, Database: path, Control: true})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return &harness{srv: srv, url: hs.URL, client: newClient(5 * time.Second),
		target: vendor.Target{APIPath: hs.URL, Secret: secret, APGUID: apGUID, ResellerID: 7}}
}

// newClient is Cascade's client, allowed to reach loopback.
func newClient(timeout time.Duration) *vendor.Client {
	s := vendor.DefaultSettings()
	s.Timeout = timeout
	s.Addresses.AllowPrivate = true
	c := vendor.New(s)
	return c
}

var eventSeq atomic.Int64

// event returns a fresh event id.
func event() string { return fmt.Sprintf("evt-%d", eventSeq.Add(1)) }

// subRequest is a subscription request for Cascade subscription id with quantity
// users.
func subRequest(id string, users int64) *vendorkit.SubscriptionRequest {
	return &vendorkit.SubscriptionRequest{
		Reseller:    vendorkit.Reseller{ID: 7, Name: "Acme Cloud", Currency: "USD"},
		Distributor: vendorkit.Distributor{ID: 1, Name: "Operator", Currency: "USD"},
		Tenant:      vendorkit.Tenant{ID: 2000532, CompanyName: "Foo Ltd", Type: "business"},
		Plan: vendorkit.Plan{Name: "Pro", SKU: "PRO-1M", Period: vendorkit.Period{Value: 1, Type: vendorkit.PeriodMonth},
			Resources: []vendorkit.PlanResource{{Resource: "11", Key: "users", Quantity: users}}},
		Subscription: vendorkit.Subscription{ID: id, Attributes: map[string]string{"domain": "foo.example"}},
	}
}

// failure returns err as a *vendor.Failure, failing the test when it is not one.
func failure(t *testing.T, err error) *vendor.Failure {
	t.Helper()
	var f *vendor.Failure
	if !errors.As(err, &f) {
		t.Fatalf("err = %v, want a vendor failure", err)
	}
	return f
}

// subscription returns the service's subscription externalID.
func (h *harness) subscription(t *testing.T, externalID string) *vendorsvc.Subscription {
	t.Helper()
	subs, err := h.srv.Subscriptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.ExternalID == externalID {
			return s
		}
	}
	t.Fatalf("no subscription %s among %d", externalID, len(subs))
	return nil
}
