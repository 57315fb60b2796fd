package vendor

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"testing"
	"time"
)

// TestAddressPolicyExact: an exact address opens that loopback address and port
// only, at apply time and at dial time; link-local stays refused.
func TestAddressPolicyExact(t *testing.T) {
	v := newTestVendor(t, nil)
	u, _ := url.Parse(v.URL)
	ap := netip.MustParseAddrPort(u.Host)
	p := AddressPolicy{Exact: []netip.AddrPort{ap, netip.MustParseAddrPort("169.254.169.254:80")}}
	for _, tc := range []struct {
		url  string
		want error
	}{
		{v.URL + "/api", nil},
		{"http://127.0.0.1:1/api", ErrPrivate},
		{"http://10.0.0.5/", ErrPrivate},
		{"http://169.254.169.254/", ErrLinkLocal},
		{"http://localhost:" + u.Port() + "/", ErrPrivate},
	} {
		if err := p.CheckURL(tc.url); !errors.Is(err, tc.want) {
			t.Errorf("CheckURL(%s) = %v, want %v", tc.url, err, tc.want)
		}
	}
	s := DefaultSettings()
	s.Timeout = time.Second
	s.Addresses = p
	c := New(s)
	if err := c.SubscriptionDelete(context.Background(), target(v), "job-1", sampleSub); err != nil {
		t.Fatalf("call to the exact address: %v", err)
	}
	other := newTestVendor(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) })
	err := c.SubscriptionDelete(context.Background(), target(other), "job-2", sampleSub)
	if !errors.Is(err, ErrPrivate) || Classify(err) != Permanent {
		t.Fatalf("call to another loopback port: %v, want a permanent ErrPrivate", err)
	}
}
