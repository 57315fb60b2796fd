package vendor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cascade-billing/cascade/vendorkit"
)

// Outcome is what delivery does after a call.
type Outcome int

// Outcomes of a call.
const (
	// Success: the vendor did it (any 2xx; 200 and 201 are the documented ones).
	Success Outcome = iota
	// Retryable: no answer, or one that asks to try later (5xx, 408, 429, a timeout,
	// a connection that failed): the call is made again on the retry schedule.
	Retryable
	// Permanent: the vendor refused (any other status, a create answered without
	// external_id), or the call may not be made (a refused address, an answer over
	// 1 MiB, a redirect): the operation fails at once, with the vendor's text.
	Permanent
)

func (o Outcome) String() string {
	switch o {
	case Success:
		return "success"
	case Retryable:
		return "retryable"
	}
	return "permanent"
}

// Failure is a call that did not succeed, with what the vendor said.
type Failure struct {
	Outcome Outcome // Retryable or Permanent
	// Status is the vendor's HTTP status; 0 when there was no answer.
	Status int
	// Message is the vendor's text (from either documented error shape), or what
	// went wrong when there was no answer.
	Message string
	// AvailableQuantity is how many units a refused resource validation allows,
	// when the vendor said.
	AvailableQuantity *int64
	// RetryAfter is how long a 429 or 503 answer asked to wait (its Retry-After
	// header), 0 when it did not say.
	RetryAfter time.Duration
	cause      error
}

func (f *Failure) Error() string {
	if f.Status != 0 {
		return fmt.Sprintf("vendor answered %d (%s): %s", f.Status, f.Outcome, f.Message)
	}
	return fmt.Sprintf("vendor call failed (%s): %s", f.Outcome, f.Message)
}

// Unwrap returns the cause of a failure without an answer.
func (f *Failure) Unwrap() error { return f.cause }

// Classify returns the outcome of a call that returned err.
func Classify(err error) Outcome {
	if err == nil {
		return Success
	}
	var f *Failure
	if errors.As(err, &f) {
		return f.Outcome
	}
	return Retryable
}

// statusOutcome classifies an answer's status.
func statusOutcome(status int) Outcome {
	switch {
	case status >= 200 && status < 300:
		return Success
	case status >= 500, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return Retryable
	}
	return Permanent
}

// answerFailure is the failure of a call answered with status and body, which is
// not a success.
func answerFailure(status int, body []byte) *Failure {
	if status >= 300 && status < 400 {
		return &Failure{Outcome: Permanent, Status: status, Message: "redirects are not followed; point the API path at the final address"}
	}
	e := vendorkit.ParseError(status, body)
	return &Failure{Outcome: statusOutcome(status), Status: status, Message: vendorText(e.Message),
		AvailableQuantity: e.AvailableQuantity}
}

// maxMessage bounds the vendor's text a Failure keeps, in bytes: an answer may hold
// up to MaxAnswer of anything, and the text is stored with the operation and shown.
const maxMessage = 1000

// vendorText is a vendor's text fit to store and show: valid UTF-8 (invalid bytes
// become U+FFFD), control characters as spaces (NUL, which PostgreSQL text refuses,
// and terminal escapes), cut to maxMessage bytes on a character's boundary.
func vendorText(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
	if len(s) <= maxMessage {
		return s
	}
	i := maxMessage
	for !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// transportFailure is the failure of a call that got no answer.
func transportFailure(err error) *Failure {
	switch {
	case errors.Is(err, ErrLinkLocal), errors.Is(err, ErrPrivate), errors.Is(err, ErrScheme):
		return &Failure{Outcome: Permanent, Message: err.Error(), cause: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Failure{Outcome: Retryable, Message: "no answer within the timeout", cause: err}
	}
	return &Failure{Outcome: Retryable, Message: err.Error(), cause: err}
}

// permanent is a failure that calling again cannot mend.
func permanent(status int, msg string) *Failure {
	return &Failure{Outcome: Permanent, Status: status, Message: msg}
}
