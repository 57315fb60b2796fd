package vendor

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

func TestAddressPolicy(t *testing.T) {
	for _, tc := range []struct {
		url          string
		strict, open error // want with private addresses refused, and allowed
	}{
		{"https://vendor.example/api", nil, nil},
		{"http://93.184.216.34/api", nil, nil},
		{"http://169.254.169.254/latest/meta-data", ErrLinkLocal, ErrLinkLocal},
		{"http://169.254.1.1:8080/", ErrLinkLocal, ErrLinkLocal},
		{"http://[fe80::1]/", ErrLinkLocal, ErrLinkLocal},
		{"http://[fe80::1%25eth0]/", ErrLinkLocal, ErrLinkLocal},
		{"http://[::ffff:169.254.169.254]/", ErrLinkLocal, ErrLinkLocal},
		{"http://[fd00:ec2::254]/", ErrLinkLocal, ErrLinkLocal},
		{"http://metadata.google.internal/", ErrLinkLocal, ErrLinkLocal},
		{"http://127.0.0.1:9000/", ErrPrivate, nil},
		{"http://[::1]/", ErrPrivate, nil},
		{"http://localhost/", ErrPrivate, nil},
		{"http://api.localhost./", ErrPrivate, nil},
		{"http://10.0.0.5/", ErrPrivate, nil},
		{"http://172.16.3.4/", ErrPrivate, nil},
		{"http://192.168.1.1/", ErrPrivate, nil},
		{"http://100.64.0.1/", ErrPrivate, nil},
		{"http://0.0.0.0/", ErrPrivate, nil},
		{"http://[fc00::1]/", ErrPrivate, nil},
		{"http://[64:ff9b::a9fe:a9fe]/", ErrLinkLocal, ErrLinkLocal},
		{"http://[64:ff9b::10.0.0.5]/", ErrPrivate, nil},
		{"http://[64:ff9b::5db8:d822]/", nil, nil},
		{"ftp://vendor.example/", ErrScheme, ErrScheme},
		{"/relative", ErrScheme, ErrScheme},
		{"https://user:pass@vendor.example/", ErrScheme, ErrScheme},
	} {
		if err := (AddressPolicy{}).CheckURL(tc.url); !errors.Is(err, tc.strict) || (err == nil) != (tc.strict == nil) {
			t.Errorf("%s: %v, want %v", tc.url, err, tc.strict)
		}
		if err := (AddressPolicy{AllowPrivate: true}).CheckURL(tc.url); !errors.Is(err, tc.open) || (err == nil) != (tc.open == nil) {
			t.Errorf("%s with private allowed: %v, want %v", tc.url, err, tc.open)
		}
	}
}

// TestSSRFRefusedBeforeTheCall: a refused address is a permanent failure and nothing
// is sent; the test vendor on loopback is refused unless private addresses are
// allowed.
func TestSSRFRefusedBeforeTheCall(t *testing.T) {
	v := newTestVendor(t, nil)
	strict := New(DefaultSettings())
	tg := target(v)
	err := strict.Check(context.Background(), tg, "evt")
	if Classify(err) != Permanent || !errors.Is(err, ErrPrivate) {
		t.Fatalf("loopback without the setting: %v, want a permanent ErrPrivate", err)
	}
	if n := len(v.requests()); n != 0 {
		t.Fatalf("the vendor got %d requests", n)
	}
	open := privateClient(time.Second)
	for _, api := range []string{"http://169.254.169.254/latest", "http://[fe80::1]:80/api"} {
		tg.APIPath = api
		if err := open.Check(context.Background(), tg, "evt"); Classify(err) != Permanent || !errors.Is(err, ErrLinkLocal) {
			t.Fatalf("%s with private allowed: %v, want a permanent ErrLinkLocal", api, err)
		}
	}
}

// TestSSRFRefusedAtDial: the transport checks the address it connects to, after
// the name is resolved, so a URL whose check passes (a name) cannot reach a refused
// address: here the client's transport is used directly, past the URL check.
func TestSSRFRefusedAtDial(t *testing.T) {
	v := newTestVendor(t, nil)
	c := New(DefaultSettings())
	_, err := c.http.Get(v.URL + "/check")
	if !errors.Is(err, ErrPrivate) || Classify(transportFailure(err)) != Permanent {
		t.Fatalf("dial to loopback: %v, want ErrPrivate, permanent", err)
	}
	if n := len(v.requests()); n != 0 {
		t.Fatalf("the vendor got %d requests", n)
	}
	d := net.Dialer{Control: AddressPolicy{AllowPrivate: true}.dialControl, Timeout: time.Second}
	if _, err := d.Dial("tcp", "169.254.169.254:80"); !errors.Is(err, ErrLinkLocal) {
		t.Fatalf("dial to the metadata address: %v, want ErrLinkLocal", err)
	}
	if err := (AddressPolicy{}).CheckIP(netip.MustParseAddr("fe80::1")); !errors.Is(err, ErrLinkLocal) {
		t.Fatalf("fe80::1: %v", err)
	}
}
