package vendorkit_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
)

// mailService is a vendor's service that provisions mailboxes. It implements the
// calls it supports; Unimplemented answers the others.
type mailService struct {
	vendorkit.Unimplemented
	next int
}

func (s *mailService) Check(context.Context, vendorkit.Call) error { return nil }

func (s *mailService) SubscriptionCreate(_ context.Context, c vendorkit.Call, r *vendorkit.SubscriptionRequest) (*vendorkit.CreateAnswer, error) {
	if len(r.Plan.Resources) == 0 {
		return nil, vendorkit.Refuse(http.StatusUnprocessableEntity, "the plan orders no mailboxes")
	}
	s.next++
	return &vendorkit.CreateAnswer{
		ExternalID: fmt.Sprintf("mbx-%d", s.next),
		Attributes: map[string]string{"login_url": "https://mail.example/" + r.Subscription.ID},
	}, nil
}

// Serve the protocol below the product's API path, here /cascade, verifying every
// call with the product's secret. The call below is made as Cascade makes it.
func Example() {
	const secret = "cvs_0123" // shown once by Cascade when the product entered automatic mode
	kit := vendorkit.NewHandler(&mailService{}, vendorkit.Config{Secrets: []string{secret}})
	mux := http.NewServeMux()
	mux.Handle("/cascade/", http.StripPrefix("/cascade", kit))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	body := []byte(`{"plan":{"resources":[{"key":"mailbox","quantity":5}]},"subscription":{"id":"3007255"}}`)
	req, _ := http.NewRequest("POST", srv.URL+"/cascade/subscription/create?ap_guid=5d6c&reseller_id=1", bytes.NewReader(body))
	req.Header.Set(vendorkit.HeaderEventID, "evt-1")
	req.Header.Set(vendorkit.HeaderSignature, vendorkit.Sign(secret, time.Now(), vendorkit.EventSubscriptionCreate, "evt-1", body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(answer))
	// Output: 201 {"external_id":"mbx-1","attributes":{"login_url":"https://mail.example/3007255"}}
}
