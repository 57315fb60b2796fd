package vendorkit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// A vendor that checks only the v1 form, as the protocol first described it, finds
// HMAC-SHA256(secret, "<t>.<body>") in it.
func TestSignV1IsTheTimestampAndBody(t *testing.T) {
	at := time.Unix(1796425983, 0)
	body := []byte(`{"subscription":{"id":7}}`)
	header := Sign("s3cret", at, EventSubscriptionCreate, "evt-1", body)
	m := hmac.New(sha256.New, []byte("s3cret"))
	m.Write([]byte("1796425983." + string(body)))
	want := "t=1796425983,v1=" + hex.EncodeToString(m.Sum(nil)) + ",v2="
	if !strings.HasPrefix(header, want) {
		t.Fatalf("header %q, want it to start %q", header, want)
	}
}

// Verify holds to v2, which binds the event and its id: a header stripped of it is
// refused even with a good v1.
func TestVerifyNeedsV2(t *testing.T) {
	at := time.Unix(1796425983, 0)
	body := []byte(`{}`)
	header := Sign("s3cret", at, EventSubscriptionCreate, "evt-1", body)
	if err := Verify(header, EventSubscriptionCreate, "evt-1", body, []string{"s3cret"}, at, DefaultTolerance); err != nil {
		t.Fatalf("a whole header: %v", err)
	}
	v1Only := header[:strings.Index(header, ",v2=")]
	if err := Verify(v1Only, EventSubscriptionCreate, "evt-1", body, []string{"s3cret"}, at, DefaultTolerance); err != ErrBadSignature {
		t.Errorf("a header with v1 only: %v, want ErrBadSignature", err)
	}
}
