package vendorkit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Every call is signed with the product's secret, twice:
//
//	X-Cascade-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>,
//		v2=<hex HMAC-SHA256(secret, "<t>\n<event>\n<event id>\n<raw body>")>
//
// v1 is the installation-wide form: the timestamp is inside what is signed, so a
// captured call cannot be sent again later with a fresh one, and a receiver accepts
// a timestamp within Tolerance of its own clock. v2 signs the event and its id too,
// so within that time a captured call cannot be sent to another path either (a stop
// as a delete: their bodies are alike) nor under a new event id, which
// deduplication would take for a new event. Verify checks v2; a vendor's own
// receiver that checks only v1 keeps working. None of the first three lines of v2
// can hold a line break. A GET signs an empty body.

// DefaultTolerance is how far a signature's timestamp may be from the receiver's
// clock, either way.
const DefaultTolerance = 5 * time.Minute

// Signature errors.
var (
	ErrNoSignature  = errors.New("vendorkit: no X-Cascade-Signature header")
	ErrBadSignature = errors.New("vendorkit: signature does not match")
	ErrStale        = errors.New("vendorkit: signature timestamp outside the tolerance")
)

// Sign returns the X-Cascade-Signature value of the call of event e with the id
// eventID and body, signed with secret at t: both forms.
func Sign(secret string, t time.Time, e Event, eventID string, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(macBody(secret, ts, body)) +
		",v2=" + hex.EncodeToString(macCall(secret, ts, e, eventID, body))
}

// macBody is the v1 signature: the timestamp and the body.
func macBody(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return m.Sum(nil)
}

// macCall is the v2 signature: the timestamp, the event, its id and the body.
func macCall(secret, ts string, e Event, eventID string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "\n" + string(e) + "\n" + eventID + "\n"))
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks header, an X-Cascade-Signature value, against the call of event e
// with the id eventID and body: it must carry a v2 signature by one of secrets
// (several while a rotation is rolled out) over its timestamp, which must be within
// tolerance of now.
func Verify(header string, e Event, eventID string, body []byte, secrets []string, now time.Time, tolerance time.Duration) error {
	if header == "" {
		return ErrNoSignature
	}
	if strings.ContainsRune(eventID, '\n') {
		return ErrBadSignature
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v2":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrBadSignature
	}
	for _, secret := range secrets {
		want := macCall(secret, ts, e, eventID, body)
		for _, s := range sigs {
			if hmac.Equal(s, want) {
				if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
					return ErrStale
				}
				return nil
			}
		}
	}
	return ErrBadSignature
}
