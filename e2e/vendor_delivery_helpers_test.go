package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cascade-billing/cascade/client"
	"github.com/cascade-billing/cascade/examples/vendor-service/vendorsvc"
	"github.com/cascade-billing/cascade/internal/app"
	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/service"
	"github.com/cascade-billing/cascade/internal/store/storetest"
	"github.com/cascade-billing/cascade/vendorkit"
)

// vdCatalog is a product in automatic mode whose API path is {api_path}, with one
// plan of mailboxes.
const vdCatalog = `
categories:
  - {key: office, name: Office, public: true}
products:
  - key: mail
    name: Mail Hosting
    category: office
    public: true
    integration: {mode: automatic, api_path: "{api_path}"}
plans:
  - key: mail-basic
    product: mail
    name: Mail Basic
    sku: MAIL-1M
    status: active
    public: true
    billing_type: pay_as_you_go
    currency: USD
    periods:
      - {key: 1m, duration: 1, unit: months, recurring_fee: "10.00"}
    resources:
      - {key: mailbox, name: Mailbox, unit: unit, measurable: true, included: 1, minimum: 1, limit: 50, recurring_fee: "2.50"}
`

// vdCall is one call the vendor service received.
type vdCall struct {
	event, eventID string
	signed         bool // its signature verified with the product's secret
	body           []byte
	uri            string // path below the API path, with the query
	header         http.Header
}

// vdWorld is a Cascade server calling the example vendor service on loopback for
// the product of vdCatalog, sold by reseller r to a postpaid account.
type vdWorld struct {
	s       *server
	vendor  *vendorsvc.Server
	secret  string
	r       *client.Reseller
	account *client.Account
	owner   *client.Client
	sales   *client.Client
	plan    *client.Plan

	mu    sync.Mutex
	calls []vdCall
	// down makes the service drop every connection unanswered, as a service that is
	// down does; dropped counts the calls it dropped.
	down    atomic.Bool
	dropped atomic.Int64
}

// vdStart starts the server with vendor calls on (loopback allowed, a short retry
// schedule) and the vendor service, and applies vdCatalog.
func vdStart(t *testing.T, e storetest.Engine, retry ...time.Duration) *vdWorld {
	t.Helper()
	return vdStartCatalog(t, e, vdCatalog, nil, retry...)
}

// vdStartCatalog is vdStart with catalog (its {api_path} filled in) instead of
// vdCatalog, and the configuration adjusted by configure when not nil.
func vdStartCatalog(t *testing.T, e storetest.Engine, catalog string, configure func(*app.Config),
	retry ...time.Duration) *vdWorld {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &vdWorld{}
	w.s = start(t, e, "admin-token-"+service.NewToken(), func(c *app.Config) {
		c.Provisioner = nil
		c.Vendor.Addresses.AllowPrivate = true
		c.Vendor.Timeout = 5 * time.Second
		c.Vendor.Retry = retry
		if configure != nil {
			configure(c)
		}
	})
	w.r = mustCreateReseller(t, w.s.Admin, domain.OperatorID, "Vendor Seller")
	ch := cfApply(t, w.s.Admin, w.r.ID, strings.Replace(catalog, "{api_path}", "http://"+ln.Addr().String()+"/cascade", 1))
	w.secret = ch.ProductSecrets["mail"]
	if w.secret == "" {
		t.Fatalf("no secret for the product: %v", ch.ProductSecrets)
	}
	w.vendor, err = vendorsvc.Open(context.Background(), vendorsvc.Options{Secrets: []string{w.secret}})
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.StripPrefix("/cascade", w.record(w.vendor))}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close(); w.vendor.Close() })
	w.plan = atPlan(t, w.s.Admin, w.r.ID, "mail-basic")
	w.account = acMustCreate(t, w.s.Admin, w.r.ID, acPostpaid("Vera", "Vendor"))
	w.owner = w.s.client(mustCreateManager(t, w.s.Admin, w.r.ID, "owner").APIToken)
	w.sales = w.s.client(mustCreateManager(t, w.s.Admin, w.r.ID, "sales").APIToken)
	return w
}

// record wraps next, keeping each call's event, event id and whether its signature
// verifies with the product's secret.
func (w *vdWorld) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if w.down.Load() {
			w.dropped.Add(1)
			if conn, _, err := http.NewResponseController(rw).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		event, eventID := vendorkit.Event(r.Header.Get(vendorkit.HeaderEvent)), r.Header.Get(vendorkit.HeaderEventID)
		signed := vendorkit.Verify(r.Header.Get(vendorkit.HeaderSignature), event, eventID, body, []string{w.secret},
			time.Now(), 5*time.Minute) == nil
		w.mu.Lock()
		w.calls = append(w.calls, vdCall{event: string(event), eventID: eventID, signed: signed, body: body,
			uri: r.URL.RequestURI(), header: r.Header.Clone()})
		w.mu.Unlock()
		next.ServeHTTP(rw, r)
	})
}

// callsOf returns the calls of event e received so far.
func (w *vdWorld) callsOf(e vendorkit.Event) []vdCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []vdCall
	for _, c := range w.calls {
		if c.event == string(e) {
			out = append(out, c)
		}
	}
	return out
}

// sell places a sales order of three mailboxes for a month, postpaid.
func (w *vdWorld) sell(t *testing.T) *client.Order {
	t.Helper()
	return vdSell(t, w.owner, w.r.ID, w.account.ID, w.plan)
}

// vdSell places, as c, a sales order of reseller rid for three mailboxes of plan for
// a month, postpaid, to account accountID.
func vdSell(t *testing.T, c *client.Client, rid, accountID int64, plan *client.Plan) *client.Order {
	t.Helper()
	o, err := c.CreateSalesOrder(context.Background(), rid, client.SalesOrderInput{AccountID: accountID,
		PlanID: plan.ID, PlanPeriodID: odPeriod(t, plan, "1m"), PaymentModel: "postpay",
		Resources: &client.ResourceList{Data: []client.ResourceQuantity{{PlanResourceID: atResource(t, plan, "mailbox"), Quantity: 3}}}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// vendorSubscription returns the vendor's subscription with externalID.
func (w *vdWorld) vendorSubscription(t *testing.T, externalID string) *vendorsvc.Subscription {
	t.Helper()
	subs, err := w.vendor.Subscriptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if s.ExternalID == externalID {
			return s
		}
	}
	t.Fatalf("the vendor has no subscription %q among %d", externalID, len(subs))
	return nil
}
